"""Evidence about an article, computed once per check, that every finding is weighed by (copydesk.verifier).

The rules propose candidates; whether a candidate is a defect depends on its setting, and the same few facts
decide that for every rule: who is speaking (a quotation, a named holder nearby, a citation), what kind of copy
this is (the writer's own voice, the genre, how dense its evaluative words are), where the finding sits (a
headline, a repeated record, a saved page's furniture, its position), how the rules fire in this article, and
how closely a paragraph relates to the rest of the story. This module computes those facts once per article
and turns them into one flat vector of named numbers per finding. It judges nothing itself: the weights are
learned from judged findings (docs/verifier.md).

Cost: article facts are regular expressions over the narration text, once; block facts are read only for the
blocks that hold a finding. Relatedness is computed only for relevance findings (copydesk.topic, and meaning
through copydesk.semantic when its model is installed).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Any, Iterable

from copydesk.document import Article, Block
from copydesk.genre import outside_quotes
from copydesk.voice import is_title_case

if TYPE_CHECKING:
    from copydesk.finding import Finding
    from copydesk.registry import RuleCard

FEATURES_VERSION = 1
GENRES = ("opinion", "review", "personal", "howto", "product")
KINDS = ("paragraph", "list_item", "heading", "caption", "quote", "line", "title", "dek")

_FIRST = re.compile(r"\b(?:I|me|my|myself|we|our|us|ourselves)\b")
_SECOND = re.compile(r"\b(?:you|your|yourself|yourselves)\b", re.I)
_SAID = re.compile(r"\b(?:said|says|say|told|tells|according to|added|explained|noted|argued|wrote|writes|"
                   r"stated|claimed|insisted|warned|asked)\b", re.I)
_CITATION = re.compile(r"\[\d+\]|\bhttps?://|\bwww\.|\baccording to\b|\b(?:study|survey|report|poll|figures|data)"
                       r" (?:by|from|published|released)\b|\((?:source|via)\b|\bcited\b", re.I)
_QUOTE_OPEN = re.compile(r"^\s*[\"“‘']")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _log(n: float) -> float:
    return math.log2(1.0 + max(0.0, n))


def _outside_quotes(block: Block) -> str:
    return outside_quotes(block.text, block.quotes)


class ArticleEvidence:
    """The article-wide facts, and each block's facts on first use."""

    def __init__(self, article: Article, raw: list[tuple["RuleCard", list["Finding"]]]):
        from copydesk.genre import article_genre

        self.article = article
        body = [b for b in article.body]
        self.body_index = {b.index: i for i, b in enumerate(body)}
        self.body = body
        self.words = max(1, article.words)
        core = article.story_core()
        self.core = core
        # Voice: shares of prose paragraphs (outside quotes) with each mark.
        prose = [b for b in body if b.kind in ("paragraph", "list_item", "line") and len(b.text.split()) >= 6]
        n = max(1, len(prose))
        own = [_outside_quotes(b) for b in prose]
        self.first_person = sum(bool(_FIRST.search(t)) for t in own) / n
        self.second_person = sum(bool(_SECOND.search(t)) for t in own) / n
        self.questions = sum("?" in t for t in own) / n
        self.quote_share = sum(sum(q1 - q0 for q0, q1 in b.quotes) for b in prose) / max(1, sum(len(b.text) for b in prose))
        self.evaluative = self._evaluative_density(own)
        g = article_genre(article)
        self.genre = g.name
        self.genre_declared = g.declared
        # Record structure: how many body blocks share a shape (kind, leading word, length band) with two others.
        shapes = Counter(self._shape(b) for b in body)
        self.shape_count = {b.index: shapes[self._shape(b)] for b in body}
        self.record_share = sum(1 for b in body if shapes[self._shape(b)] >= 3) / max(1, len(body))
        self.list_share = sum(1 for b in body if b.kind == "list_item") / max(1, len(body))
        # Sections: a heading, or (in a plain-text or Markdown file) two blank lines or more, starts a new one. A
        # section's voice is the share of its prose blocks with the writer's own marks (I, you, ! or ?) outside
        # quotation marks: reader comments appended below a story, a column's rant, a Q&A read differently from
        # the report above them.
        self.section_of: dict[int, int] = {}
        sec, prev_end, seen_text = 0, None, False
        gaps = article.format != "html"
        for b in body:
            # A break counts once the story has begun: a headline above the first paragraph opens no section.
            if seen_text and (b.kind == "heading" or (gaps and prev_end is not None and b.start_line - prev_end >= 3)):
                sec += 1
            seen_text = seen_text or b.kind in ("paragraph", "list_item", "line")
            self.section_of[b.index] = sec
            prev_end = b.end_line
        self.sections = sec + 1
        voiced: dict[int, list[int]] = {}
        for b in prose:
            voiced.setdefault(self.section_of.get(b.index, 0), []).append(int(_voice(_outside_quotes(b))))
        self.section_voice = {k: sum(v) / len(v) for k, v in voiced.items()}
        first_sec = [v for b in prose[:4] for v in [int(_voice(_outside_quotes(b)))]]
        self.lead_voice = sum(first_sec) / len(first_sec) if first_sec else 0.0
        # How the rules fire here.
        self.by_code = Counter()
        self.by_category: dict[str, set[str]] = {}
        for card, found in raw:
            if found:
                self.by_code[card.code] += len(found)
                self.by_category.setdefault(card.category, set()).add(card.code)
        self.confident = {card.code for card, found in raw
                          if card.severity != "info" and any(f.confidence >= max(card.advisory_below, 0.5) for f in found)}
        self.categories = {card.code: card.category for card, _ in raw}
        self.total = sum(self.by_code.values())
        self._blocks: dict[int, dict[str, float]] = {}
        self._relatedness: dict[int, tuple[float, float]] | None = None

    @staticmethod
    def _shape(b: Block) -> tuple:
        words = b.text.split()
        lead = words[0].lower().strip("*•-:#") if words else ""
        lead = "#" if lead[:1].isdigit() else lead if len(lead) <= 12 else lead[:12]
        band = 0 if len(words) < 4 else 1 if len(words) < 12 else 2 if len(words) < 40 else 3
        return (b.kind, lead, band)

    @staticmethod
    def _evaluative_density(own: list[str]) -> float:
        from copydesk.lexicon import word_set

        try:
            words = word_set("evaluative-words") | word_set("evaluative-adverbs")
        except Exception:  # a broken install's word list must not stop a check
            return 0.0
        total = hits = 0
        for text in own:
            for w in _WORD.findall(text):
                total += 1
                hits += w.lower() in words
        return 100.0 * hits / max(1, total)

    # -- one block ----------------------------------------------------------------------------------------

    def block_facts(self, index: int) -> dict[str, float]:
        facts = self._blocks.get(index)
        if facts is not None:
            return facts
        article = self.article
        b = article.blocks[index]
        persons = orgs = 0
        for _, doc in b.docs:
            for ent in doc.ents:
                persons += ent.label_ == "PERSON"
                orgs += ent.label_ in ("ORG", "NORP", "GPE")
        text = b.text
        qchars = sum(q1 - q0 for q0, q1 in b.quotes)
        pos = self.body_index.get(index)
        prev = self.body[pos - 1] if pos else None
        facts = {
            "persons": persons, "orgs": orgs,
            "said": float(bool(_SAID.search(_outside_quotes(b)))),
            "citation": float(bool(_CITATION.search(text))),
            "quote_share": qchars / max(1, len(text)),
            "opens_quote": float(bool(_QUOTE_OPEN.match(text))),
            # A paragraph that runs a quotation on: the one before ends inside an open quotation.
            "quote_runs_on": float(prev is not None and prev.text.count("“") > prev.text.count("”")
                                   or (prev is not None and prev.text.count('"') % 2 == 1)),
            "words": len(text.split()),
        }
        self._blocks[index] = facts
        return facts

    def persons_near(self, index: int, reach: int = 1) -> int:
        pos = self.body_index.get(index)
        if pos is None:
            return 0
        return sum(self.block_facts(self.body[i].index)["persons"]
                   for i in range(max(0, pos - reach), min(len(self.body), pos + reach + 1)) if i != pos)

    def role_mentions(self) -> dict[str, list[tuple[int, int, int]]]:
        """For each holder class, the body positions of sentences that name someone of that class: a person or an
        organisation in the same sentence as one of the class's role nouns ("Mara Quint, an economist at a Porto
        bank, said"). Built once per article."""
        cached = self.__dict__.get("_roles")
        if cached is not None:
            return cached
        roles: dict[str, list[tuple[int, int, int]]] = {}
        for pos, blk in enumerate(self.body):
            for s0, s1, sent in _sentences(blk):
                ents = [e for e in sent.ents if e.label_ in ("PERSON", "ORG")]
                if not ents:
                    continue
                for tok in sent:
                    lemma = tok.lemma_.lower()
                    for cls, nouns in HOLDER_CLASSES.items():
                        if lemma not in nouns:
                            continue
                        # A member, named: one person in the role beside their name ("economist Mara Quint",
                        # "Mara Quint, an analyst at ..."), or for reports a named outlet ("the Courier reported").
                        singular = tok.tag_ in ("NN", "NNP") or cls == "report"
                        wanted = ("ORG", "PERSON") if cls in ("report", "official") else ("PERSON",)
                        if singular and any(e.label_ in wanted and (abs(e.start - tok.i) <= 4 or abs(tok.i - e.end) <= 4)
                                            for e in ents):
                            roles.setdefault(cls, []).append((pos, s0, s1))
        self.__dict__["_roles"] = roles
        return roles

    def member_named(self, index: int, excerpt: str, start: int = -1) -> tuple[float, float]:
        """(near, anywhere): a holder of the flagged group's class is named within three blocks, or anywhere in the
        article ("analysts said" ... "an economist at a bank, Mara Quint, said")."""
        words = {w.lower() for w in _WORD.findall(excerpt)}
        classes = [cls for cls, nouns in HOLDER_CLASSES.items() if words & (nouns | {n + "s" for n in nouns})]
        pos = self.body_index.get(index)
        if not classes or pos is None:
            return 0.0, 0.0
        roles = self.role_mentions()
        # Any named holder of these kinds, outside the flagged sentence itself ("Critics of Mr Ode say" names the
        # target, not the critics).
        spots = [p for cls in classes for p, s0, s1 in roles.get(cls, ()) if not (p == pos and s0 <= start < s1)]
        near = any(abs(p - pos) <= 3 for p in spots)
        return float(near), float(bool(spots))

    def named_sources_around(self, pos: int, start: int) -> tuple[float, float]:
        """Whether a sentence just before (or just after) the finding's, in its paragraph or the one beside it,
        names a person or organisation with a verb of saying or "according to": the claim's holder, named."""
        before = after = False
        for p in (pos - 1, pos, pos + 1):
            if not 0 <= p < len(self.body):
                continue
            blk = self.body[p]
            for s0, s1, sent in _sentences(blk):
                if p == pos and s0 <= start < s1:
                    continue
                if not any(e.label_ in ("PERSON", "ORG") for e in sent.ents):
                    continue
                if not _SAID.search(blk.text[s0:s1]):
                    continue
                if p < pos or (p == pos and s1 <= start):
                    before = True
                else:
                    after = True
        return float(before), float(after)

    def sentence_facts(self, index: int, start: int) -> dict[str, float]:
        """The finding's sentence: does it name a person or organisation, and carry a verb of saying?"""
        b = self.article.blocks[index]
        for s0, s1, sent in _sentences(b):
            if s0 <= start < s1 or start < s0:
                labels = [e.label_ for e in sent.ents]
                text = b.text[s0:s1]
                said = bool(_SAID.search(text))
                return {"sent_person": float("PERSON" in labels),
                        "sent_org": float(any(l in ("ORG", "GPE", "NORP") for l in labels)),
                        "sent_said": float(said),
                        "sent_named_source": float(said and any(l in ("PERSON", "ORG") for l in labels)),
                        "sent_question": float(text.rstrip().endswith("?")),
                        "sent_first_person": float(bool(_FIRST.search(text))),
                        "sent_words": _log(len(text.split()))}
        return {}

    def relatedness(self, index: int) -> tuple[float, float]:
        """(lexical, semantic) relatedness of a block to the rest of its story; semantic is -1 when no model."""
        if self._relatedness is None:
            self._relatedness = {}
            from copydesk.topic import lemma_share, profile

            prof = profile(self.article)
            if prof is not None:
                for bp in getattr(prof, "blocks", []):
                    try:
                        self._relatedness[bp.block.index] = (lemma_share(prof, bp), -1.0)
                    except Exception:
                        continue
            sem = self.article.cache.get("semantic_relatedness") or {}
            for i, value in sem.items():
                lex = self._relatedness.get(i, (0.0, -1.0))[0]
                self._relatedness[i] = (lex, value)
        return self._relatedness.get(index, (0.0, -1.0))

    # -- one finding --------------------------------------------------------------------------------------

    def features(self, card: "RuleCard", f: "Finding") -> dict[str, float]:
        """The named numbers the verifier reads for one finding (before any corroboration or genre policy)."""
        index = f.block if f.block is not None else self._block_at(f.line)
        out: dict[str, float] = {
            "strength": float(f.confidence),
            "rule_fires": _log(self.by_code[card.code] - 1),
            "rules_fired": _log(len(self.by_code)),
            "findings_per_kword": _log(1000.0 * self.total / self.words),
            "corroborated": float(bool(self.confident - {card.code} and any(
                self.categories.get(c) == card.category for c in self.confident - {card.code}))),
            "span_words": _log(len(f.excerpt.split())),
            "article_words": _log(self.words / 100.0),
            "first_person": self.first_person,
            "second_person": self.second_person,
            "questions": self.questions,
            "article_quote_share": self.quote_share,
            "evaluative_density": min(5.0, self.evaluative),
            "genre_declared": float(self.genre_declared),
            "relaxed": float(card.genre_relaxed and not f.any_genre),
            "any_genre": float(f.any_genre),
            "record_share": self.record_share,
            "list_share": self.list_share,
            "saved_page": float(self.article.whole_page),
            "html": float(self.article.format == "html"),
            "first_line": float(f.line == 1),
        }
        for g in GENRES:
            out["genre_" + g] = float(self.genre == g)
        if index is None or index >= len(self.article.blocks):
            return out
        b = self.article.blocks[index]
        facts = self.block_facts(index)
        pos = self.body_index.get(index)
        start, end = (f.span or [0, len(b.text)])[:2]
        out.update({
            "in_quote": float(b.in_quote(start, end)) if f.span else 0.0,
            "block_quote_share": facts["quote_share"],
            "opens_quote": facts["opens_quote"],
            "quote_runs_on": facts["quote_runs_on"],
            "said": facts["said"],
            "citation": facts["citation"],
            "persons_block": _log(facts["persons"]),
            "orgs_block": _log(facts["orgs"]),
            "persons_near": _log(self.persons_near(index)),
            "block_words": _log(facts["words"]),
            "title_case": float(is_title_case(b.text)),
            "repeated_shape": _log(self.shape_count.get(index, 1) - 1),
            "position": pos / max(1, len(self.body) - 1) if pos is not None else 0.0,
            "first_block": float(pos == 0),
            "outside_core": float(self.core is not None and not self.core[0] <= index <= self.core[1]),
            "in_region": float(b.region is not None),
            "not_body": float(b.origin != "body"),
        })
        for k in KINDS:
            out["kind_" + k] = float(b.kind == k)
        sec = self.section_of.get(index, 0)
        out["block_voice"] = float(_voice(_outside_quotes(b)))
        out["section_voice"] = self.section_voice.get(sec, 0.0)
        out["voice_shift"] = max(0.0, self.section_voice.get(sec, 0.0) - self.lead_voice)
        out["later_section"] = float(sec > 0 and sec == self.sections - 1 and self.sections > 1)
        if pos is not None:
            out["named_source_before"], out["named_source_after"] = self.named_sources_around(pos, start)
        out.update(self.sentence_facts(index, start))
        if card.category == "sourcing":
            out["member_named"], out["member_named_article"] = self.member_named(index, f.excerpt, start)
        if card.category == "relevance":
            lex, sem = self.relatedness(index)
            out["lexical_rel"] = lex
            out["semantic_rel"] = sem if sem >= -0.5 else 0.0
            out["semantic_known"] = float(sem >= -0.5)
        return out

    def _block_at(self, line: int) -> int | None:
        for b in self.body:
            if b.start_line <= line <= b.end_line:
                return b.index
        return None


# Holder classes for the member test: a flagged "analysts" is answered by a named economist or strategist, a
# flagged "critics" by a named opponent, "reports" by a named outlet.
HOLDER_CLASSES = {
    "expert": frozenset("analyst economist strategist expert researcher scientist specialist academic professor "
                        "observer commentator pundit forecaster dealer trader broker consultant adviser advisor "
                        "doctor physician lawyer engineer".split()),
    "critic": frozenset("critic opponent detractor campaigner activist protester protestor sceptic skeptic "
                        "opposition".split()),
    "official": frozenset("official source insider aide diplomat spokesman spokeswoman spokesperson minister "
                          "executive".split()),
    "report": frozenset("report newspaper paper media press magazine outlet broadcaster agency".split()),
    "public": frozenset("resident user customer consumer fan supporter voter reader viewer parent worker "
                        "shopper member".split()),
}


def _sentences(block: Block):
    """(start, end, span) of each sentence of a block, or of each parsed chunk when the selected rules did not ask
    for sentence boundaries (the evidence then reads a chunk as one sentence)."""
    for offset, doc in block.docs:
        if doc.has_annotation("SENT_START"):
            for sent in doc.sents:
                yield offset + sent.start_char, offset + sent.end_char, sent
        else:
            yield offset, offset + len(doc.text), doc[:]


_VOICE = re.compile(r"\b(?:I|me|my|we|our|us|you|your)\b|[!?]")


def _voice(text: str) -> bool:
    return bool(_VOICE.search(text))


def annotate(article: Article, raw: list[tuple["RuleCard", list["Finding"]]], wanted: set[str] | None = None) -> None:
    """Set f.features on every finding of the cards in `wanted` (codes; all when None)."""
    if not any(found for _, found in raw):
        return
    ev = ArticleEvidence(article, raw)
    for card, found in raw:
        if wanted is not None and card.code not in wanted:
            continue
        for f in found:
            f.features = ev.features(card, f)


def describe(name: str) -> str:
    """A feature's meaning in a few words, for `copydesk explain-finding` and the docs."""
    return FEATURE_DOCS.get(name) or (f"the rule is {name[5:]}" if name.startswith("rule_") else
                                      f"the block is a {name[5:].replace('_', ' ')}" if name.startswith("kind_") else
                                      f"the copy reads as {name[6:]}" if name.startswith("genre_") else name)


FEATURE_DOCS = {
    "bias": "the rule's base rate",
    "strength": "the rule's own evidence strength (its confidence before the verifier)",
    "rule_fires": "how often this rule fires in the article",
    "rules_fired": "how many rules fire in the article",
    "findings_per_kword": "findings per 1,000 words",
    "corroborated": "another rule of the category is confident here",
    "span_words": "length of the flagged span",
    "article_words": "length of the article",
    "first_person": "share of paragraphs in the first person",
    "second_person": "share of paragraphs addressing the reader",
    "questions": "share of paragraphs asking questions",
    "article_quote_share": "share of the text in quotation marks",
    "evaluative_density": "evaluative words per 100 words of narration",
    "genre_declared": "the genre is declared by the page or front matter",
    "relaxed": "the genre is one the rule's voice does not fit (opinion, review, first person, how-to, product)",
    "any_genre": "the evidence holds in any genre",
    "record_share": "share of blocks that repeat a record's shape",
    "list_share": "share of blocks that are list items",
    "saved_page": "a saved web page, not a draft",
    "html": "an HTML file",
    "first_line": "on the file's first line (a headline)",
    "in_quote": "inside a quotation",
    "block_quote_share": "share of the paragraph in quotation marks",
    "opens_quote": "the paragraph opens with a quotation mark",
    "quote_runs_on": "the paragraph runs on a quotation from the one before",
    "said": "a verb of saying in the paragraph's narration",
    "citation": "a citation marker in the paragraph",
    "persons_block": "people named in the paragraph",
    "orgs_block": "organisations and places named in the paragraph",
    "persons_near": "people named in the paragraphs beside it",
    "block_words": "length of the paragraph",
    "title_case": "the block is in title case",
    "repeated_shape": "blocks of the same shape in the article",
    "position": "position in the article (0 first, 1 last)",
    "first_block": "the article's first block",
    "outside_core": "outside the story's run on a saved page",
    "in_region": "inside a page region (nav, aside, footer...)",
    "not_body": "front matter or page metadata",
    "member_named": "someone of the unnamed group's kind is named within three paragraphs",
    "member_named_article": "someone of the unnamed group's kind is named somewhere in the article",
    "sent_person": "the sentence names a person",
    "block_voice": "the paragraph speaks in the writer's own voice (I, you, ! or ?) outside quotations",
    "section_voice": "share of its section's paragraphs in the writer's own voice",
    "voice_shift": "how much more its section speaks in the writer's voice than the story's opening",
    "later_section": "in the last of several sections (after a heading or a wide gap)",
    "named_source_before": "a sentence just before names a person or organisation saying something",
    "named_source_after": "a sentence just after names a person or organisation saying something",
    "sent_org": "the sentence names an organisation, place or group",
    "sent_said": "the sentence has a verb of saying",
    "sent_named_source": "the sentence has a verb of saying and names a person or organisation",
    "sent_question": "the sentence is a question",
    "sent_first_person": "the sentence is in the first person",
    "sent_words": "length of the sentence",
    "lexical_rel": "share of its words found in the rest of the story",
    "semantic_rel": "similarity in meaning to the rest of the story",
    "semantic_known": "the meaning model ran",
}

