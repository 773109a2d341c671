"""Summary boxes against the body: find key-points sections by their shape, match each item to the body
sentence it resembles, and tell an item that restates that sentence from one that changes its claim.

Shared by the duplication rules (a box that only restates the body) and the relevance rules (an item that
drifts from it), so one item is never called both a repeat and a new claim.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterator

from copydesk.document import Article, Block
from copydesk.kinds.text import clip, content_words, split_sentences, stem, word_count
from copydesk.topic import CAST_LABELS, name_words
from copydesk.voice import is_english, negated

BODY_KINDS = ("paragraph", "quote", "line", "caption")
# Verbs a summary uses to introduce what the body says, not claims of their own.
FRAMING_VERBS = frozenset("""highlight emphasize emphasise note stress underline underscore reveal indicate show
suggest say state mention point outline describe detail explain discuss address express reflect report
remain continue include involve""".split())
# Words that put an act in the future or in doubt: "still needs approval", "plans to sign", "could ban".
PENDING_HEADS = frozenset("""need require await seek plan propose expect hope want aim intend consider weigh
debate discuss study review try attempt threaten promise pledge vow""".split())
PENDING_AUX = frozenset("could may might would will should shall must can".split())
PENDING_WORDS = frozenset("yet pending proposed planned possible potential likely until unless if whether".split())
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _heading_like(block: Block) -> bool:
    if block.kind == "heading":
        return True
    text = block.text.strip()
    return (block.kind in ("line", "paragraph") and 1 <= word_count(text) <= 8
            and not text.rstrip().endswith((".", "!", "?", "”", '"')))


# Headings that announce the article in brief. A list under any other heading ("Related", "Pros:",
# "Recent comments") is read as a summary only when its items restate the body.
SUMMARY_HEADING = re.compile(r"\b(?:key (?:points|facts|takeaways|findings)|takeaways?|highlights?|summary|summaries|"
                             r"at a glance|in brief|in short|insights?|what (?:we|you) (?:know|need to know)|"
                             r"the big picture|tl;?dr|bottom line|quick (?:read|take)|main points|need to know|"
                             r"the gist|recap|key developments|in numbers|what happened)\b", re.I)


def announces_summary(head: Block) -> bool:
    return bool(SUMMARY_HEADING.search(head.text))


def summary_sections(article: Article, min_items: int = 3, min_item_words: int = 8) -> Iterator[tuple[Block, list[Block]]]:
    """(heading, items) for each run of sentence-like items under a heading-like line in the story.

    Found by shape, whatever the heading says: a short unpunctuated line (or a heading) followed by at
    least `min_items` list items, each a full sentence. Page furniture (related links, comments) is not
    the story's and is left out."""
    body = article.story_blocks()
    i = 0
    while i < len(body):
        head = body[i]
        if not _heading_like(head):
            i += 1
            continue
        items = []
        j = i + 1
        while j < len(body) and body[j].kind == "list_item" and word_count(body[j].text) >= min_item_words:
            items.append(body[j])
            j += 1
        if len(items) >= min_items:
            yield head, items
            i = j
        else:
            i += 1


@dataclass
class BodySentence:
    block: Block
    start: int
    end: int
    words: set[str]  # stemmed content words
    line: int

    def tokens(self) -> list[Any]:
        return [t for off, doc in self.block.docs for t in doc
                if self.start <= off + t.idx < self.end]


@dataclass
class ItemVerdict:
    """How one summary item relates to the body."""

    item: Block
    closest: list[BodySentence]  # the one or two body sentences it resembles most
    share: float  # of the item's content words found in them
    restates: bool = False
    drift: list[str] = field(default_factory=list)  # how it changes the claim, for the message
    unsupported: bool = False  # a summary item on the story's subject that no body sentence says

    @property
    def lines(self) -> list[int]:
        return sorted({s.line for s in self.closest})


class Body:
    """The body's sentences outside summary sections, indexed by content word, and every word it uses."""

    def __init__(self, article: Article, exclude: set[int]):
        self.sentences: list[BodySentence] = []
        self.index: dict[str, list[int]] = defaultdict(list)
        self.stems: set[str] = set()
        self.words: set[str] = set()
        self.numbers: set[str] = set()
        for block in article.body:
            if block.index in exclude:
                continue
            # Names and numbers count wherever the article gives them (a caption, a table, the tag list).
            self.words |= {w.lower() for w in re.findall(r"[^\W_]+", block.text)}
            self.words |= {a.replace(".", "").lower() for a in re.findall(r"\b(?:[A-Z]\.){2,}", block.text)}
            self.numbers |= {n.replace(",", "") for n in _NUMBER.findall(block.text)}
            if block.kind not in BODY_KINDS:
                continue
            for s, e in split_sentences(block.text):
                cw = content_words(block.text[s:e])
                self.stems |= cw
                if len(cw) >= 3:
                    for w in cw:
                        self.index[w].append(len(self.sentences))
                    line = article.span_position(block, s, s + 1)[0]
                    self.sentences.append(BodySentence(block, s, e, cw, line))

    def closest(self, words: set[str]) -> tuple[list[BodySentence], float, float]:
        """The best sentence and runner-up for a set of content words, with the share the best covers and the
        share both cover together."""
        shared = Counter(k for w in words for k in self.index.get(w, ()))
        if not shared or not words:
            return [], 0.0, 0.0
        # Ties go to the earlier sentence: content words are a set, so Counter order is not stable.
        ranked = sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
        best = self.sentences[ranked[0][0]]
        one = ranked[0][1] / len(words)
        if len(ranked) == 1:
            return [best], one, one
        second = self.sentences[ranked[1][0]]
        return [best, second], one, len(words & (best.words | second.words)) / len(words)


def compare_items(article: Article, head: Block, items: list[Block], overlap: float,
                  resemble: float = 0.3, unsupported_floor: float = 0.15) -> list[ItemVerdict]:
    """A verdict for each item: the body lines it resembles, whether it restates them, and how it drifts.

    Drift is looked for only in a section that is a summary: its heading says so, or a third of its items
    restate the body. Under any other heading a list is the article's own content (steps, pros, links)."""
    body = _body(article)
    english = is_english(article)
    verdicts = []
    for item in items:
        cw = content_words(item.text)
        if len(cw) < 4:
            continue
        closest, one, two = body.closest(cw)
        if not closest:
            continue
        # One sentence covering most of the item, or two that together cover a bit more (an item that merges
        # two sentences of the body).
        uses_two = one < overlap and two >= overlap + 0.05 and one >= overlap - 0.1
        verdict = ItemVerdict(item, closest if uses_two else closest[:1], max(one, two) if uses_two else one)
        verdict.restates = one >= overlap or uses_two
        if english and (verdict.share >= resemble or two >= resemble + 0.05):
            verdict.drift = claim_changes(item, verdict.closest if uses_two else closest, body)
        verdicts.append(verdict)
    restating = sum(v.restates for v in verdicts)
    is_summary = announces_summary(head) or (restating >= 2 and restating * 2 >= len(items))
    for v in verdicts:
        if not is_summary:
            v.drift = []
        v.restates = v.restates and not v.drift
        # A summary only sums up: an item on the story's subject (it shares some words with the body) that no
        # body sentence comes close to adds a claim of its own. Items sharing almost nothing are another
        # subject, which the off-topic rule weighs with its own evidence.
        # Only under a heading that announces a summary: a list of steps that happens to echo the body is
        # not held to it.
        v.unsupported = (announces_summary(head) and not v.drift and not v.restates
                         and unsupported_floor <= v.share < resemble)
    return verdicts


def _body(article: Article) -> Body:
    if "summary_body" not in article.cache:
        exclude: set[int] = set()
        for head, items in summary_sections(article, min_items=2):
            exclude |= {head.index} | {b.index for b in items}
        article.cache["summary_body"] = Body(article, exclude)
    return article.cache["summary_body"]


def _pending(tok: Any) -> bool:
    """The word describes something not (yet) done: it is governed by "needs", "plans", "threatened to", or
    carries a modal or "yet". A word coordinated with such a head ("threatened or used") is not governed
    by it: the coordination states both."""
    t = tok
    for _ in range(5):
        if any(c.lemma_.lower() in PENDING_AUX or c.lower_ in PENDING_WORDS for c in t.children
               if c.dep_ in ("aux", "advmod", "mark", "amod", "neg")):
            return True
        if t.dep_ == "conj":
            t = t.head
            continue
        # "threatened ... to use" is often parsed as an adverbial clause: an infinitive there is a complement.
        infinitive = t.dep_ == "advcl" and t.tag_ == "VB" and any(c.lower_ == "to" for c in t.children)
        if infinitive or t.dep_ in ("xcomp", "dobj", "pobj", "prep", "acomp", "attr", "ccomp", "compound"):
            t = t.head
            if t.lemma_.lower() in PENDING_HEADS:
                return True
            continue
        break
    return False


def _asserted(tok: Any) -> bool:
    """A verb that makes a statement: it has a subject or an auxiliary, itself or through the verb it is
    coordinated with. Not a bare participle ("no tooling required") or an imperative step ("set the path")."""
    for t in (tok, tok.head if tok.dep_ == "conj" else tok):
        if any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in t.children):
            return True
    return False


def _done(tok: Any) -> bool:
    """The word states a finished act: 'approved', 'has approved', 'was approved'."""
    return tok.pos_ == "VERB" and tok.tag_ in ("VBD", "VBN") and _asserted(tok) and not _pending(tok)


def _clause_text(tok: Any) -> str:
    """The clause a verb heads, as written, without the conjunction before it or the full stop after it."""
    words = [t for t in tok.subtree if not (t.dep_ == "cc" and t.i < tok.i)]
    text = tok.doc.text[words[0].idx:words[-1].idx + len(words[-1].text)]
    return text.strip(" ,;.!?")


def claim_changes(item: Block, closest: list[BodySentence], body: Body) -> list[str]:
    """How the item's claim differs from the body sentences it resembles: what it adds to a verb or object,
    names or numbers the body never gives, a negation or a state reversed, a clause of its own."""
    if not item.docs:
        return []
    toks = [t for _, doc in item.docs for t in doc]
    near = [t for s in closest for t in s.tokens()]
    near_stems = {stem(t.lower_) for t in near} | {stem(t.lemma_.lower()) for t in near}
    near_by_stem: dict[str, list[Any]] = defaultdict(list)
    for t in near:
        near_by_stem[stem(t.lemma_.lower())].append(t)
        near_by_stem[stem(t.lower_)].append(t)
    changes: list[str] = []

    def in_body(t: Any) -> bool:
        return stem(t.lower_) in body.stems or stem(t.lemma_.lower()) in body.stems

    # 1. A verb or object joined to one the body has: "threatened or employed" where it says "threatened".
    for t in toks:
        # Only a word that shares its partner's object or role: "establishing X and securing Y" is two
        # claims, each to be compared on its own.
        own = {"dobj", "attr", "nsubj", "nsubjpass"}
        two_claims = (any(c.dep_ in own for c in t.children)
                      and any(c.dep_ in own - {"nsubj", "nsubjpass"} for c in t.head.children))
        if (t.dep_ == "conj" and t.pos_ in ("VERB", "NOUN") and t.head.pos_ == t.pos_ and not in_body(t)
                and not (t.pos_ == "VERB" and two_claims)):
            head_stems = {stem(t.head.lower_), stem(t.head.lemma_.lower())}
            if head_stems & near_stems:
                changes.append(f"it adds “{t.text}” to “{t.head.text}”")
    # 2. Names and numbers the body never gives.
    for ent in (e for _, doc in item.docs for e in doc.ents):
        words = name_words(ent.text)
        if ent.label_ in CAST_LABELS and words and not words & body.words:
            changes.append(f"it names {ent.text}, whom the body never mentions" if ent.label_ == "PERSON"
                           else f"it names {ent.text}, which the body never mentions")
    for number in _NUMBER.findall(item.text):
        if number.replace(",", "") not in body.numbers and not re.fullmatch(r"(1[89]|20)\d\d", number):
            changes.append(f"it gives the number {number}, which the body does not")
    # 3. The same verb denied in one and asserted in the other; a pending act stated as done.
    flipped = False
    for t in toks:
        if t.pos_ not in ("VERB", "NOUN", "ADJ"):
            continue
        matches = near_by_stem.get(stem(t.lemma_.lower())) or near_by_stem.get(stem(t.lower_)) or []
        if not matches:
            continue
        if t.pos_ == "VERB" and _asserted(t) and all(negated(t) != negated(m) for m in matches):
            if flipped:
                continue
            flipped = True
            changes.append(f"“{t.text}” is {'denied' if negated(t) else 'affirmed'} where the body "
                           f"{'affirms' if negated(t) else 'denies'} it")
        elif _done(t) and all(_pending(m) for m in matches):
            changes.append(f"it states “{t.text}” as done, where the body has it only as planned, "
                           f"threatened or possible")
    # 4. An act the body never reports: a main verb and what it acts on, both absent from the body ("sold the
    #    ferry to a museum" where the body never sells anything or mentions a museum). Framing verbs
    #    ("highlights", "notes") only introduce the claim.
    for t in toks:
        if (t.pos_ == "VERB" and t.dep_ in ("ROOT", "conj") and _asserted(t) and not in_body(t)
                and t.lemma_.lower() not in FRAMING_VERBS):
            targets = [c for c in t.children if c.dep_ in ("dobj", "attr") or (c.dep_ == "dative" and c.pos_ != "ADP")]
            targets += [g for c in t.children if c.dep_ in ("prep", "agent", "dative") for g in c.children
                        if g.dep_ == "pobj"]
            new = [g for g in targets if g.pos_ in ("NOUN", "PROPN") and not in_body(g)]
            if new:
                changes.append(f"it says “{t.text} … {new[0].text}”, which the body never reports")
    # 5. A clause of its own: "... and the union has accepted it" with words the body never uses.
    for t in toks:
        if t.pos_ in ("VERB", "AUX") and t.dep_ in ("conj", "advcl") and any(c.dep_ in ("nsubj", "nsubjpass")
                                                                           for c in t.children):
            words = content_words(_clause_text(t))
            if len(words) >= 2 and len(words - body.stems) / len(words) >= 0.5:
                changes.append(f"it adds “{clip(_clause_text(t), 50)}”, which the body does not say")
    return list(dict.fromkeys(changes))
