"""House-style kinds, for a newsroom's own cards (docs/house-style.md): substitution, existence, occurrence.

Every house card of a run is compiled into one spaCy Matcher, run once over each parsed piece of the article;
each card then reads its own matches. A card's `scope` says whose words it judges: the reporter's narration
(the default: quoted speech is skipped), quotes, headlines, captions, or all. A match inside a longer name
("the Kiev Post", "Best Buy") is skipped unless the card says in_names: true; a match that is the whole name
("Kiev") is not, since a stylebook's preferred spellings are mostly names.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from copydesk.docfacts import doc_fact, doc_sentences
from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding
from copydesk.framework import Option, OptionError, kind
from copydesk.kinds.text import clip

SCOPES = ("narration", "quotes", "headlines", "title", "captions", "all")
HEADLINE_KINDS = ("title", "dek", "heading")
NARRATION_BLOCKS = ("paragraph", "list_item", "line", "caption", "title", "dek", "heading")
NAME_LABELS = {"ORG", "WORK_OF_ART", "PERSON", "FAC", "EVENT", "LAW", "PRODUCT", "GPE", "NORP", "LOC"}
HOUSE_KINDS = ("substitution", "existence", "occurrence")  # the kinds with listed terms or patterns
# Token attributes a card's Matcher pattern may use (spaCy's Matcher syntax, docs/house-style.md).
PATTERN_KEYS = {"ORTH", "TEXT", "LOWER", "NORM", "LEMMA", "POS", "TAG", "DEP", "ENT_TYPE", "SHAPE", "LENGTH",
                "IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_UPPER", "IS_TITLE", "IS_PUNCT", "IS_SPACE",
                "IS_STOP", "LIKE_NUM", "LIKE_URL", "LIKE_EMAIL", "IS_SENT_START", "OP"}
PREDICATES = {"IN", "NOT_IN", "==", ">=", "<=", ">", "<", "!=", "REGEX"}


def _check_patterns(value: Any) -> None:
    """Matcher patterns written in a card: a list of patterns, each a non-empty list of token dicts."""
    from copydesk.framework import compile_pattern

    if not isinstance(value, list):
        raise ValueError("patterns must be a list of token patterns (each a list of {ATTR: value} mappings)")
    for pattern in value:
        if not isinstance(pattern, list) or not pattern or not all(isinstance(t, dict) and t for t in pattern):
            raise ValueError(f"a pattern must be a non-empty list of token mappings, got {pattern!r}")
        for token in pattern:
            for key, spec in token.items():
                if key not in PATTERN_KEYS:
                    raise ValueError(f"unknown token attribute {key!r} in a pattern; known: "
                                     f"{', '.join(sorted(PATTERN_KEYS))}")
                if isinstance(spec, dict):
                    for pred, arg in spec.items():
                        if pred not in PREDICATES:
                            raise ValueError(f"unknown predicate {pred!r} for {key}")
                        if pred == "REGEX":  # the same guard as every card regex: no endless backtracking
                            try:
                                compile_pattern(arg)
                            except OptionError as exc:
                                raise ValueError(str(exc)) from None


def _check_swap(value: Any) -> None:
    if not value:
        raise ValueError("swap needs at least one term: its preferred form")


COMMON = {
    "scope": Option("str", "narration", "whose words are judged: narration (the reporter's, quotes skipped), "
                    "quotes, headlines (titles, decks and headings), title (the article's own headline), captions "
                    "or all", choices=SCOPES),
    "in_names": Option("bool", False, "also match inside a longer name (\"the Kiev Post\")"),
}
# The options of the kinds that match listed words or token patterns, besides what they list.
MATCHING = {
    "pos": Option("str", "", "only where the (last) word is this part of speech (NOUN, VERB, ADJ, PROPN...)"),
    "ignorecase": Option("bool", True, "match the words in any case"),
    **COMMON,
}


def card_terms(card) -> list[tuple[int, str]]:
    """(entry index, word or phrase) for a card's listed terms (its swap table or its tokens)."""
    opts = card.options
    terms = list(opts["swap"]) if card.kind == "substitution" else list(opts["tokens"])
    return list(enumerate(terms))


def card_patterns(card) -> list[tuple[int, list[dict[str, Any]]]]:
    """(entry index, Matcher pattern) for a card's token patterns, numbered after its terms."""
    if card.kind == "substitution":
        return []
    base = len(card.options["tokens"])
    return [(base + i, p) for i, p in enumerate(card.options["patterns"] or [])]


class HouseMatcher:
    """Every house card of a run in a few matchers, each run once per parsed piece: PhraseMatchers on lower-case
    text (exact text, for a case-sensitive card) and on lemmas for the listed words and phrases (a hash lookup
    per token, however many terms), and one token Matcher for the cards' own patterns. Match keys are
    "CODE<US>entry" (US: the unit separator, \x1f)."""

    def __init__(self, vocab: Any, cards: list):
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Doc

        tokenizer = spacy.blank("en", vocab=vocab).tokenizer  # the English tokenizer rules, for the terms
        self.matchers = {"lower": PhraseMatcher(vocab, attr="LOWER"), "exact": PhraseMatcher(vocab, attr="ORTH"),
                         "lemma": PhraseMatcher(vocab, attr="LEMMA"), "tokens": Matcher(vocab)}
        self.used: set[str] = set()
        self.pos: dict[str, str] = {}
        # Token patterns whose first token is a literal word, by that word (lower case, or ("lemma", word)).
        self.buckets: dict[Any, Any] = {}
        for card in cards:
            opts = card.options
            for i, term in card_terms(card):
                key = f"{card.code}\x1f{i}"
                words = [t.text for t in tokenizer(term)]
                if opts["pos"]:
                    self.pos[key] = opts["pos"]
                by_text = "lower" if opts["ignorecase"] else "exact"
                self.matchers[by_text].add(key, [Doc(vocab, words=words)])
                # By lemma: the words as written, lower-cased and capitalised (spaCy keeps a proper noun's case
                # in its lemma), so "utilise" finds "utilised" and "Kiev" finds "Kiev".
                variants = {tuple(words), tuple(w.lower() for w in words), tuple(w.capitalize() for w in words)}
                self.matchers["lemma"].add(key, [Doc(vocab, words=list(v), lemmas=list(v)) for v in sorted(variants)])
                self.used |= {by_text, "lemma"}
            for i, pattern in card_patterns(card):
                key = f"{card.code}\x1f{i}"
                literal = _first_literal(pattern)
                if literal is None:
                    self.matchers["tokens"].add(key, [pattern])
                    self.used.add("tokens")
                else:  # run only on a piece that has this first word (a set lookup, not a pass per pattern)
                    self.buckets.setdefault(literal, Matcher(vocab)).add(key, [pattern])
                if opts["pos"]:
                    self.pos[key] = opts["pos"]

    def __call__(self, doc: Any) -> list[tuple[str, int, int]]:
        strings = doc.vocab.strings
        out = []
        runs = [self.matchers[name] for name in sorted(self.used)]
        if self.buckets:
            present = {t.lower_ for t in doc} | {("lemma", t.lemma_.lower()) for t in doc}
            runs += [self.buckets[w] for w in present & self.buckets.keys()]
        for matcher in runs:
            for match_id, start, end in matcher(doc):
                key = strings[match_id]
                pos = self.pos.get(key)
                if pos and doc[end - 1].pos_ != pos:
                    continue
                out.append((key, start, end))
        return out


def _first_literal(pattern: list[dict[str, Any]]) -> Any:
    """The word a pattern's first token must be, when it names one exactly and is not optional: its lower case
    (for LOWER, ORTH and TEXT) or ("lemma", lower case); None otherwise."""
    first = pattern[0]
    if first.get("OP") not in (None, "+"):  # optional, repeated from zero, or negated: no word is certain
        return None
    for attr in ("LOWER", "ORTH", "TEXT"):
        if isinstance(first.get(attr), str):
            return first[attr].lower()
    if isinstance(first.get("LEMMA"), str):
        return ("lemma", first["LEMMA"].lower())
    return None


_MATCHERS: dict[tuple, Any] = {}


def _matcher(vocab: Any, cards: list) -> Any:
    """The HouseMatcher for every house card of the run, built once per set of cards."""
    key = (id(vocab), tuple((c.code, id(c.options)) for c in cards))
    if key not in _MATCHERS:
        if len(_MATCHERS) > 32:
            _MATCHERS.clear()
        # The entry holds the objects its key names by id: while it lives, no new card's options can be
        # allocated at an old one's address and be served a matcher built from other options.
        _MATCHERS[key] = (HouseMatcher(vocab, cards), vocab, [c.options for c in cards])
    return _MATCHERS[key][0]


def house_matches(article: Article) -> dict[str, list[tuple[Block, int, Any, int, int, int]]]:
    """Every house card's matches in the article, from one pass of the HouseMatcher over each parsed piece:
    code -> [(block, piece offset, doc, token start, token end, entry index)]."""
    if "house_matches" in article.cache:
        return article.cache["house_matches"]
    cards = [c for c in article.cache.get("cards", []) if c.kind in HOUSE_KINDS
             and (card_terms(c) or card_patterns(c))]
    out: dict[str, list] = {c.code: [] for c in cards}
    if cards:
        for block in article.blocks:
            for offset, doc in block.docs:
                for key, start, end in _matcher(doc.vocab, cards)(doc):
                    code, _, entry = key.partition("\x1f")
                    out[code].append((block, offset, doc, start, end, int(entry)))
    for found in out.values():  # a word matched by its text and by its lemma is one match: the longest, once
        found.sort(key=lambda m: (m[0].index, m[1], m[3], -(m[4] - m[3])))
        kept, reach = [], None
        for m in found:
            place = (m[0].index, m[1], m[3])
            if reach is not None and place[:2] == reach[:2] and m[3] < reach[2]:
                continue
            kept.append(m)
            reach = (m[0].index, m[1], m[4])
        found[:] = kept
    article.cache["house_matches"] = out
    return out


def headline_blocks(article: Article) -> set[int]:
    """Indexes of the article's own headline, each wording once: a front-matter title, a top-level heading
    (H1, Markdown's "#"), and a page's <title> only when there is neither (it carries the site's name)."""
    if "house_headline" in article.cache:
        return article.cache["house_headline"]
    story = _story(article)
    own = [b for b in article.blocks if b.index in story and (
        (b.kind == "title" and b.origin == "front_matter") or (b.kind == "heading" and b.heading_level == 1))]
    if not own:
        own = [b for b in article.blocks if b.kind == "title"]
    seen: set[str] = set()
    kept = set()
    for b in own:
        words = " ".join(b.text.lower().split())
        if words not in seen:
            seen.add(words)
            kept.add(b.index)
    article.cache["house_headline"] = kept
    return kept


def _in_scope(article: Article, block: Block, scope: str) -> bool:
    if scope == "title":
        return block.index in headline_blocks(article)
    if scope == "headlines":
        return block.kind in HEADLINE_KINDS
    if scope == "captions":
        return block.kind == "caption"
    if not (block.in_body or block.kind in HEADLINE_KINDS):
        return False  # front-matter keys, page metadata
    if scope == "all":
        return block.kind not in ("tags", "byline")
    if scope == "quotes":
        return True
    return block.kind in NARRATION_BLOCKS


def _name_spans(doc: Any) -> list[tuple[int, int]]:
    return doc_fact(doc, "name_spans", lambda d: [(e.start, e.end) for e in d.ents if e.label_ in NAME_LABELS])


def _inside_longer_name(doc: Any, start: int, end: int, title_case: bool) -> bool:
    """The match is part of a longer name: a named entity reaching beyond it ("the Kiev Post"), or (outside a
    title-case headline) a run of capitalised words it sits in ("the Utilise Trust")."""
    if any(s <= start and end <= e and (s, e) != (start, end) for s, e in _name_spans(doc)):
        return True
    if title_case or not all(t.text[:1].isupper() for t in doc[start:end]):
        return False

    def capitalised(i: int) -> bool:
        return 0 <= i < len(doc) and doc[i].is_alpha and doc[i].text[:1].isupper() and not doc[i].is_sent_start \
            and doc[i].lower_ not in ("i",)

    before = capitalised(start - 1) and not doc[start].is_sent_start
    return before or capitalised(end)


def scoped_matches(article: Article, card) -> Iterator[tuple[Block, int, int, Any, int]]:
    """(block, start, end in block.text, matched span, entry index) for the card's matches in its scope."""
    opts = card.options
    found = house_matches(article).get(card.code)
    if not found:
        return
    story = _story(article)
    for block, offset, doc, start, end, entry in found:
        if block.index not in story or not _in_scope(article, block, opts["scope"]):
            continue
        span = doc[start:end]
        a = offset + span.start_char
        b = offset + span.end_char
        if block.in_code(a, b):
            continue  # code is not prose
        quoted = _speech(block, a, b)
        if opts["scope"] == "narration" and quoted or opts["scope"] == "quotes" and not quoted:
            continue
        if not opts["in_names"] and (_inside_longer_name(doc, start, end, _title_case(block))
                                     or _capitalised_as_a_name(span, _entry_term(card, entry), _title_case(block))):
            continue
        yield block, a, b, span, entry


_ANSWER = re.compile(r"^\s*(?:\*\*)?A(?:nswer)?\s*[:.]\s")


def _story(article: Article) -> set[int]:
    """Indexes of the blocks house rules read: the story (not a saved page's furniture) and the metadata."""
    if "house_story" not in article.cache:
        article.cache["house_story"] = ({b.index for b in article.story_blocks()}
                                        | {b.index for b in article.blocks if not b.in_body})
    return article.cache["house_story"]


def _answer(block: Block) -> bool:
    """An interview's answer ("A: We are moving ..."): the interviewee's words, speech without quotation marks."""
    return bool(_ANSWER.match(block.text))


def _speech(block: Block, start: int, end: int) -> bool:
    """Whether block.text[start:end] is someone's speech, not the reporter's: a block quote, a quotation, or an
    interview's answer. Every house kind asks this one question."""
    return block.kind == "quote" or block.in_quote(start, end) or _answer(block)


def _entry_term(card, entry: int) -> str | None:
    """The word or phrase an entry was written as in the card (None for a token pattern)."""
    terms = card_terms(card)
    return terms[entry][1] if entry < len(terms) else None


def _capitalised_as_a_name(span: Any, term: str | None, title_case: bool) -> bool:
    """A term the card writes in lower case, found capitalised mid-sentence ("her book, Tip of the Iceberg"):
    a title or a name, not the phrase itself."""
    if term is None or title_case or term != term.lower() or span[0].is_sent_start:
        return False
    return span.text[:1].isupper()


def _title_case(block: Block) -> bool:
    from copydesk.voice import is_title_case

    return block.kind in HEADLINE_KINDS and is_title_case(block.text)


# -- substitution --------------------------------------------------------------------------------------------

_INFLECTED = ("NNS", "NNPS", "VBZ", "VBD", "VBN", "VBG")


def preferred_form(found: Any, preferred: str) -> str:
    """The preferred term in the found word's case and inflection: "Kiev's" keeps no suffix (the possessive
    is its own token), "Utilised" becomes "Used", "emails" with swap "email -> e-mail" becomes "e-mails"."""
    last = found[-1]
    words = preferred.split()
    tail = words[-1]
    if last.tag_ in _INFLECTED and last.lower_ != last.lemma_.lower():
        tail = _inflect(tail, last.tag_)
    elif last.tag_ in ("NNS", "NNPS") and not tail.endswith("s"):
        tail = _inflect(tail, last.tag_)
    text = " ".join([*words[:-1], tail])
    original = found.text
    if text.lower() == original.lower():  # a swap of case alone ("Internet -> internet"): the card's case wins,
        return text[:1].upper() + text[1:] if found[0].is_sent_start else text  # but a sentence opens with a capital
    if original.isupper() and len(original) > 1:
        return text.upper()
    if original[:1].isupper() and text[:1].islower():
        return text[:1].upper() + text[1:]
    return text


def _inflect(word: str, tag: str) -> str:
    from copydesk.inflect import inflect

    return inflect(word, tag)


@kind(
    "substitution",
    options={
        "swap": Option("mapping", {}, "terms (matched by lemma, so one entry covers plurals and verb forms) "
                       "and the preferred form of each", validate=_check_swap),
        **MATCHING,
    },
    fields=("found", "preferred"),
    needs_nlp=True,
)
def substitution(article: Article, card) -> Iterator[Finding]:
    """A term the house writes another way: the finding suggests the preferred form, in the found word's case
    and inflection; one-to-one swaps carry a safe replacement."""
    terms = list(card.options["swap"])
    for block, start, end, span, entry in scoped_matches(article, card):
        preferred = preferred_form(span, card.options["swap"][terms[entry]])
        if preferred == span.text:
            continue  # already the house form ("email" with swap "e-mail -> email" and ignorecase)
        finding = make_finding(card, article, block, start, end, confidence=card.confidence, found=span.text,
                               preferred=preferred)
        finding.replacement = preferred
        yield finding


# -- existence -----------------------------------------------------------------------------------------------

@kind(
    "existence",
    options={
        "tokens": Option("list[str]", [], "words and phrases the house does not use (matched by lemma)"),
        "patterns": Option("patterns", [], "spaCy Matcher token patterns, for what a word list cannot say",
                           validate=_check_patterns),
        **MATCHING,
    },
    fields=("found",),
    needs_nlp=True,
)
def existence(article: Article, card) -> Iterator[Finding]:
    """A banned word, phrase or token pattern, in the card's scope."""
    for block, start, end, span, _entry in scoped_matches(article, card):
        yield make_finding(card, article, block, start, end, confidence=card.confidence, found=clip(span.text, 60))


# -- occurrence ----------------------------------------------------------------------------------------------

@kind(
    "occurrence",
    options={
        "tokens": Option("list[str]", [], "what is counted: words or phrases (none: every word)"),
        "patterns": Option("patterns", [], "what is counted, as spaCy Matcher token patterns",
                           validate=_check_patterns),
        "max": Option("int", 1, "the most allowed per unit", min=0),
        "per": Option("str", "article", "the unit counted in: article, block or sentence",
                      choices=("article", "block", "sentence")),
        **MATCHING,
    },
    fields=("count", "max", "unit"),
    needs_nlp=True,
)
def occurrence(article: Article, card) -> Iterator[Finding]:
    """More than `max` of something per article, block or sentence: exclamation marks, words in a headline.
    With nothing to count listed, words are counted, per block (also for per: article) or per sentence, and
    the whole unit is reported once."""
    opts = card.options
    counted_words = not opts["tokens"] and not opts["patterns"]
    if counted_words:
        yield from _word_counts(article, card)
        return
    groups: dict[Any, list[tuple[Block, int, int]]] = {}
    for block, start, end, span, _entry in scoped_matches(article, card):
        unit = {"article": 0, "block": block.index, "sentence": (block.index, span.sent.start)}[opts["per"]]
        groups.setdefault(unit, []).append((block, start, end))
    for found in groups.values():
        if len(found) > opts["max"]:  # once per unit, at the first one past the limit (as Vale reports it)
            block, start, end = found[opts["max"]]
            yield make_finding(card, article, block, start, end, confidence=card.confidence, count=len(found),
                               max=opts["max"], unit=opts["per"])


_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+|\s+::\s+")


def _headline_end(block: Block) -> int:
    """Where a headline's own words end: a page's <title> carries the site's name after a bar or a dash
    ("Headline | Section | The Gazette"); any other block is its whole text."""
    cut = _SITE_SUFFIX.search(block.text) if block.kind == "title" and block.origin == "meta" else None
    return cut.start() if cut else len(block.text)


def _word_counts(article: Article, card) -> Iterator[Finding]:
    from copydesk.kinds.text import word_count

    opts = card.options
    story = _story(article)
    for block in article.blocks:
        if block.index not in story or not _in_scope(article, block, opts["scope"]):
            continue
        if opts["per"] == "sentence" and block.docs:
            units = [(offset + s.start_char, offset + s.end_char)
                     for offset, doc in block.docs for s in doc_sentences(doc)]
        else:
            units = [(0, _headline_end(block))]
        speech = block.kind == "quote" or _answer(block)
        for start, end in units:
            text = block.text[start:end]
            if opts["scope"] == "narration":
                if speech:
                    continue
                # Only the reporter's words count: a quotation inside the sentence is the speaker's length.
                for q0, q1 in block.quotes:
                    if q0 < end and q1 > start:
                        a, b = max(q0, start) - start, min(q1, end) - start
                        text = text[:a] + " " * (b - a) + text[b:]
            n = word_count(text)
            if n > opts["max"]:
                yield make_finding(card, article, block, start, end, confidence=card.confidence, count=n,
                                   max=opts["max"], unit="words")


# -- capitalization ------------------------------------------------------------------------------------------

SMALL_WORDS = frozenset("a an and as at but by for from in into nor of on onto or per the to up via vs with".split())
NAME_TAGS = {"NNP", "NNPS"}


def _heading_case_problem(block: Block, rule: str, exceptions: set[str]) -> tuple[int, int, str] | None:
    """(start, end, word) of the first word against the house's heading case, or None. Sentence case: no word
    after the first is capitalised unless it is a name, an acronym, a word after a colon, or an exception.
    Title case: every word but the small ones (a, of, the...) is capitalised."""
    from copydesk.voice import is_title_case

    tokens = [(offset, t) for offset, doc in block.docs for t in doc if t.is_alpha]
    # In a title-case heading the tagger calls every capitalised word a proper noun: only entities count as
    # names there.
    # (A heading with any lower-case word besides the small ones is not in title case: "Best value: Lindmark
    # Everyday" is sentence case with a name in it.)
    tagged = not is_title_case(block.text) or any(
        t.text[:1].islower() and t.lower_ not in SMALL_WORDS for _, t in tokens)
    # ...and an "entity" spanning most of such a heading is the tagger misreading it, not a name.
    words = max(1, len(tokens))
    entities = {(offset, i) for offset, doc in block.docs for e in doc.ents
                if e.label_ in NAME_LABELS and (tagged or len(e) * 2 <= words) for i in range(e.start, e.end)}
    names = entities | {(offset, t.i) for offset, doc in block.docs for t in doc if tagged and t.tag_ in NAME_TAGS}
    # A title directly before a person's name is capitalised in any case ("Arizona Sheriff Joe Arpaio").
    for offset, doc in block.docs:
        for e in doc.ents:
            if e.label_ == "PERSON" and len(e) > 1 and e.start > 0 and doc[e.start - 1].is_title:
                names.add((offset, e.start - 1))
    # The first word after a colon or a dash may take a capital, past any quotation mark before it.
    after_colon = set()
    for offset, doc in block.docs:
        for t in doc:
            # ...and so may the first word of a heading's second sentence (a deck: "Vines thrive. No grape...").
            if t.text in (":", "—", "–", ".", "!", "?"):
                nxt = next((u for u in doc[t.i + 1:] if u.is_alpha), None)
                if nxt is not None:
                    after_colon.add((offset, nxt.i))
    end = _headline_end(block)  # a page's <title> ends with the site's name: not the house's heading
    for n, (offset, t) in enumerate(tokens):
        word = t.text
        if offset + t.idx >= end:
            break
        if n == 0 or (offset, t.i) in after_colon or word.lower() in exceptions:
            continue
        if rule == "sentence" and word[:1].isupper() and not word.isupper() and (offset, t.i) not in names \
                and not (tagged and _in_capital_run(t, first=tokens[0][1])):
            return offset + t.idx, offset + t.idx + len(word), word
        if rule == "title" and word[:1].islower() and word.lower() not in SMALL_WORDS:
            return offset + t.idx, offset + t.idx + len(word), word
    return None


def _in_capital_run(t: Any, first: Any) -> bool:
    """In a heading otherwise in sentence case, capitalised words side by side are a name the tagger missed
    ("Best value: Lindmark Everyday", "a trailer for Harbour Racer", "Skarholm's Redgrape")."""
    doc = t.doc

    def capital(i: int) -> bool:
        return 0 <= i < len(doc) and doc[i].is_alpha and doc[i].text[:1].isupper() \
            and not (doc is first.doc and i == first.i)

    before = t.i - 2 if t.i >= 2 and doc[t.i - 1].text in ("'s", "’s") else t.i - 1
    return capital(before) or capital(t.i + 1)


@kind(
    "capitalization",
    options={
        "headings": Option("str", "", "the house's heading case: sentence, title, or empty for no heading check",
                           choices=("", "sentence", "title")),
        "titles": Option("list[str]", [], "formal titles: capitalised directly before a name (\"President Ruto\"), "
                         "lower case elsewhere (\"the president said\")"),
        "exceptions": Option("list[str]", [], "words a sentence-case heading may capitalise (brand names...)"),
        **COMMON,
    },
    fields=("word", "expected", "why"),
    needs_nlp=True,
)
def capitalization(article: Article, card) -> Iterator[Finding]:
    """Headings in the house's case, and formal titles capitalised before a name and only there."""
    opts = card.options
    if opts["headings"]:
        exceptions = {e.lower() for e in opts["exceptions"]}
        wordings: set[str] = set()
        for block in article.blocks:
            if block.kind not in HEADLINE_KINDS or not block.docs or block.index not in _story(article):
                continue
            wording = " ".join(block.text.lower().split())
            if wording in wordings:
                continue  # the same headline as <title> and <h1>, or front matter and "#": one finding
            wordings.add(wording)
            problem = _heading_case_problem(block, opts["headings"], exceptions)
            if problem:
                start, end, word = problem
                expected = word.lower() if opts["headings"] == "sentence" else word[:1].upper() + word[1:]
                yield make_finding(card, article, block, start, end, confidence=card.confidence, word=word,
                                   expected=expected, why=f"headings are in {opts['headings']} case")
    titles = sorted({" ".join(t.lower().split()) for t in opts["titles"]}, key=lambda t: -len(t.split()))
    if not titles:
        return
    from copydesk.voice import sentences

    for sentence in sentences(article, NARRATION_BLOCKS):
        if sentence.block.kind in HEADLINE_KINDS or not _in_scope(article, sentence.block, opts["scope"]):
            continue
        toks = sentence.tokens
        i = 0
        while i < len(toks):
            hit = None
            for title in titles:
                n = len(title.split())
                if " ".join(t.lower_ for t in toks[i:i + n]) == title:
                    hit = (n, title)
                    break
            if hit is None:
                i += 1
                continue
            n, title = hit
            first, last = toks[i], toks[i + n - 1]
            following = toks[i + n] if i + n < len(toks) else None
            before_name = following is not None and (following.ent_type_ == "PERSON" or following.tag_ in NAME_TAGS
                                                     and following.text[:1].isupper())
            preceding = toks[i - 1] if i > 0 else None
            # "Acme president Jo Sand", "the club's chairman Jo Sand": a job described by its employer, not a
            # formal title, and lower case before the name too.
            employer = preceding is not None and (preceding.tag_ in NAME_TAGS or preceding.tag_ == "POS"
                                                  or preceding.ent_type_ in ("ORG", "GPE", "NORP"))
            start, end = sentence.token_span(first, last)
            text = sentence.block.text[start:end]
            if _speech(sentence.block, start, end):
                i += n
                continue
            if before_name and text[:1].islower() and not employer:
                expected = " ".join(w[:1].upper() + w[1:] for w in text.split())
                reason = "a title directly before a name is capitalised"
            elif not before_name and text[:1].isupper() and not first.is_sent_start and not text.isupper():
                expected = text.lower()
                reason = "a title not directly before a name is lower case"
            else:
                i += n
                continue
            finding = make_finding(card, article, sentence.block, start, end, confidence=card.confidence,
                                   word=text, expected=expected, why=reason)
            finding.replacement = expected
            yield finding
            i += n


# -- number style --------------------------------------------------------------------------------------------

NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
# Figures stay figures next to these: money, percentages, times, measures, ranks and references.
FIGURE_BEFORE = frozenset("$ £ € ¥ no no. number page pages chapter room route platform grade level version "
                          "step stage section article year aged age gate pier bus line channel".split())
FIGURE_AFTER = frozenset("% percent per pm am p.m. a.m. km kg cm mm m ft in lb mph kph mb gb tb °c °f million "
                         "billion trillion bn m. k - – : / . , x".split())
FIGURE_ENTITIES = {"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL"}
_FRACTION = re.compile(r"\d+/\d+")
_TAGS = re.compile(r"<[^>]*>")


PERCENT_FORMS = ("percent", "per cent", "%")
TIME_FORMS = ("a.m.", "am", "AM")
_PERCENT_WORDS = {"%": "%", "percent": "percent", "pct": "pct"}
_MERIDIEM = {"am": "am", "pm": "pm", "a.m.": "am", "p.m.": "pm", "a.m": "am", "p.m": "pm"}
_MONTHS = frozenset("january february march april may june july august september october november december jan "
                    "feb mar apr jun jul aug sep sept oct nov dec jan. feb. mar. apr. jun. jul. aug. sep. sept. "
                    "oct. nov. dec.".split())
_ORDINAL_DAY = re.compile(r"(\d{1,2})(?:st|nd|rd|th)", re.I)
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?|\d{1,2}[:.]\d{2}")


@kind(
    "number_style",
    options={
        "spell_out_below": Option("int", 10, "numbers below this are spelled out in narration (one to nine; "
                                  "0 leaves figures alone)", min=0, max=10),
        "percent": Option("str", "", "how a percentage is written after its figure: percent, per cent or %; "
                          "empty: not checked", choices=("", *PERCENT_FORMS)),
        "times": Option("str", "", "how a clock time's am/pm is written: a.m. (3 p.m.), am (3pm) or AM; "
                        "empty: not checked", choices=("", *TIME_FORMS)),
        "date_ordinals": Option("bool", True, "allow ordinals in dates (\"March 5th\"); false: the day is a "
                                "figure (\"March 5\", \"5 March\")"),
        **COMMON,
    },
    fields=("number", "word", "found", "preferred"),
    needs_nlp=True,
)
def number_style(article: Article, card) -> Iterator[Finding]:
    """A small whole number written as a figure in the reporter's prose ("5 councillors"): the house spells out
    one to nine, except for ages, money, percentages, dates and times, measures, scores and references. Also,
    as the card chooses, the house's percent sign or word, its a.m./p.m., and dates without ordinals."""
    from copydesk.voice import sentences

    limit = card.options["spell_out_below"]
    for sentence in sentences(article, NARRATION_BLOCKS):
        block = sentence.block
        if block.kind in HEADLINE_KINDS or not _in_scope(article, block, card.options["scope"]):
            continue
        toks = sentence.tokens
        yield from _number_forms(article, card, sentence, toks)
        if limit < 2:
            continue
        for k, t in enumerate(toks):
            if not t.text.isdigit() or not 1 <= int(t.text) < limit:
                continue
            prev = toks[k - 1].lower_ if k > 0 else ""
            before = toks[k - 2].lower_ if k > 1 else ""
            nxt = toks[k + 1].lower_ if k + 1 < len(toks) else ""
            after = toks[k + 2].lower_ if k + 2 < len(toks) else ""
            if (t.ent_type_ in FIGURE_ENTITIES or prev in FIGURE_BEFORE or nxt in FIGURE_AFTER
                    or nxt in ("years", "year") and after in ("old", "-")
                    or prev.isdigit() or nxt.isdigit()
                    or prev in ("-", "–", "/", ":") and before[:1].isdigit()  # a score, a range: 6-4, 8-9, 396-9
                    or nxt == "in" and after.isdigit()  # a ratio: 1 in 3
                    or prev == "(" and before[:1].isdigit()  # a tie-break: 7-6 (5)
                    or prev == "in" and before.isdigit()  # the second half of a ratio
                    or prev == "." and before == "no"  # No. 3
                    or _FRACTION.fullmatch(nxt)  # 1 1/2 cups
                    or k > 0 and (toks[k - 1].tag_ in NAME_TAGS  # part of a name: Series 3, Apollo 11, Python 3
                                  or toks[k - 1].is_title and (not toks[k - 1].is_sent_start
                                                               or toks[k - 1].pos_ in ("PROPN", "NOUN")))
                    or prev in ("and", "or", "to") and before.isdigit()  # versions 2 and 3, pages 4 to 6
                    or prev == "(" and nxt == ")"  # a count in brackets: "Comments (2)"
                    or k + 1 < len(toks) and toks[k + 1].tag_ in NAME_TAGS and toks[k + 1].text[:1].isupper()
                    or k == 0 and block.kind == "list_item"):
                # ...and "The 7 Habits" (a title), and a quantity heading a list item (an ingredient)
                continue
            start, end = sentence.token_span(t)
            # A quantity heading a short source line is an ingredient or a list typed as lines (a reader may
            # have joined those lines into one paragraph, so the source is what tells).
            line_no, column, _, _ = article.span_position(block, start, end)
            source_line = article.source.line_text(line_no)
            if not _TAGS.sub("", source_line[:column - 1]).strip() and len(_TAGS.sub(" ", source_line).split()) <= 8:
                continue
            if _speech(block, start, end) or block.in_code(start, end):
                continue
            word = NUMBER_WORDS[int(t.text)]
            if t.is_sent_start:
                word = word.capitalize()
            finding = make_finding(card, article, block, start, end, confidence=card.confidence, number=t.text,
                                   word=word, found=t.text, preferred=word)
            finding.replacement = word
            yield finding


def _number_forms(article: Article, card, sentence: Any, toks: list) -> Iterator[Finding]:
    """The percent, a.m./p.m. and date-ordinal forms the card asks for. Each finding spans the figure and its
    marker ("12 per cent", "6pm"), with the house form as a safe replacement; quoted speech is left alone."""
    opts = card.options
    block = sentence.block
    text = block.text

    def found(first: Any, last: Any, preferred: str) -> Finding | None:
        a, _ = sentence.token_span(first)
        _, b = sentence.token_span(last)
        if preferred.endswith(".") and text[b:b + 1] == ".":
            b += 1  # "at 6:30 AM." becomes "at 6:30 a.m.", not "a.m.."
        if _speech(block, a, b) or text[a:b] == preferred:
            return None
        f = make_finding(card, article, block, a, b, confidence=card.confidence, number=first.text,
                         word=preferred, found=text[a:b], preferred=preferred)
        f.replacement = preferred
        return f

    # A date or time in a "sentence" with no verb is a stamp the CMS printed ("May 30, 2019 at 1:06 PM",
    # a masthead's "Friday, January 20th 2023"), not the reporter's prose.
    words = [t for t in toks if t.lower_ not in _MERIDIEM]  # "am" is not the verb here
    stamp = not any(t.pos_ in ("VERB", "AUX") for t in words) \
        and sum(1 for t in words if t.is_alpha and not t.ent_type_) <= 3
    for k, t in enumerate(toks):
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        f = None
        if opts["percent"] and nxt is not None and _FIGURE.fullmatch(t.text):
            if nxt.lower_ in _PERCENT_WORDS:
                f = found(t, nxt, t.text + ("%" if opts["percent"] == "%" else " " + opts["percent"]))
            elif nxt.lower_ == "per" and k + 2 < len(toks) and toks[k + 2].lower_ == "cent":
                f = found(t, toks[k + 2], t.text + ("%" if opts["percent"] == "%" else " " + opts["percent"]))
        elif opts["times"] and not stamp and nxt is not None and nxt.lower_ in _MERIDIEM and _FIGURE.fullmatch(t.text) \
                and (":" in t.text or "." in t.text or t.text.isdigit() and 1 <= int(t.text) <= 12):
            if k >= 2 and toks[k - 1].lower_ == "at" and toks[k - 2].text.isdigit():
                continue  # "May 30, 2019 at 5:38 PM": a post's or a comment's timestamp, printed by the CMS
            half = _MERIDIEM[nxt.lower_]
            marker = {"a.m.": f" {half[0]}.m.", "am": half, "AM": " " + half.upper()}[opts["times"]]
            f = found(t, nxt, t.text + marker)
        elif not opts["date_ordinals"] and not stamp and (m := _ORDINAL_DAY.fullmatch(t.text)) \
                and int(m.group(1)) <= 31:
            prev = toks[k - 1].lower_ if k > 0 else ""
            # "March 5th", "5th March" (not "the 5th of March", whose fix would need more than the figure)
            if prev in _MONTHS or nxt is not None and nxt.lower_ in _MONTHS:
                f = found(t, t, m.group(1))
        if f is not None:
            yield f


# -- first reference -----------------------------------------------------------------------------------------

_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]{1,5}$")
_LINKING = r"(?:\s+(?:of|and|the|for|on|in|&|de|du)\b)*\s+"
KNOWN_ACRONYMS = ("US USA UK UN EU NATO BBC CNN NHS TV CEO AM PM GDP FBI CIA NASA AIDS HIV COVID DNA UAE OK ID "
                  "PC IT PR AI NFL NBA FIFA UEFA MP MPS OBE MBE CBE FAQ PDF USB GPS SUV VIP DIY ATM PIN HR UFO "
                  "IQ OECD IMF WHO ITV PhD MA BA BSc MSc GOP NBC CBS ABC MSNBC PBS NPR DNC RNC IRS LED EV DVD "
                  "HD UHD SSD GB MB VPN GMT UTC NGO LGBT LGBTQ NYC LA DC ESPN NAACP AARP IPO EPA ATP WTA WWE "
                  "NCAA NHL MLB MLS PGA IOC OPEC ACLU NRA CDC FDA FAA FCC SEC NSA DOJ FEMA HBO MTV BMW IBM NYPD "
                  "LAPD AP AFP WSJ NYT VW CBC RTE SNP ANC IRA ETA PLO IS ISIS SARS MRI ICU GP NATO EU OK").split()


def _spelled_out(acronym: str, text: str) -> bool:
    """Whether text holds words whose initials spell the acronym ("Federal Aviation Authority" for FAA), in a
    run of capitalised words that may hold one more ("North Quay Port Safety Board" for NQSB)."""
    letters = [c for c in acronym if c.isalpha()]
    if len(letters) < 2:
        return True
    pattern = _LINKING.join(rf"\b{re.escape(c)}[\w'’-]*" for c in letters)
    if re.search(pattern, text, re.IGNORECASE) is not None:
        return True
    for run in _CAPITAL_RUN.finditer(text):
        initials = "".join(w[0] for w in run.group().split() if w[:1].isupper() and w not in ("The", "A", "An"))
        if len(initials) <= len(letters) + 1 and _subsequence("".join(letters).upper(), initials):
            return True
    return False


_CAPITAL_RUN = re.compile(r"(?:\b[A-Z][\w'’-]*(?:\s+(?:of|and|the|for|on|in|&|de)\b)*\s+){2,}[A-Z][\w'’-]*")
_ROMAN = re.compile(r"[IVX]{2,4}")


def _subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(c in it for c in short) and len(long) >= len(short)


@kind(
    "first_reference",
    options={
        "names": Option("bool", True, "a person's first mention in narration gives the full name, not the surname"),
        "abbreviations": Option("bool", True, "an abbreviation is spelled out on first use"),
        "known": Option("list[str]", KNOWN_ACRONYMS, "abbreviations readers know without the words (US, BBC...)"),
        **COMMON,
    },
    fields=("short", "full", "line"),
    needs_nlp=True,
)
def first_reference(article: Article, card) -> Iterator[Finding]:
    """A surname alone before the full name first appears, and an abbreviation used before (or without) the
    words it stands for. People come from the same name work as CON001 (consistency.person_mentions)."""
    opts = card.options
    if opts["names"]:
        yield from _first_names(article, card)
    if opts["abbreviations"]:
        yield from _first_abbreviations(article, card)


def _first_names(article: Article, card) -> Iterator[Finding]:
    from copydesk.kinds.consistency import person_mentions

    seen: dict[str, Any] = {}
    for m in sorted(person_mentions(article), key=lambda m: (m.sentence.block.index, m.start)):
        block = m.sentence.block
        if _speech(block, m.start, m.end) or not _in_scope(article, block, card.options["scope"]):
            continue
        if block.kind in HEADLINE_KINDS:
            continue  # a headline names people by surname: the body's first mention is what counts
        after = block.text[m.end:m.end + 2]
        if after[:1] == "-" or after[:1] == " " and after[1:2].isupper() and len(m.tokens) == 1:
            continue  # part of a longer name: "Rose-Lynn", "the Kuznets Curve"
        seen.setdefault(m.surname, []).append(m)
    for surname, mentions in seen.items():
        first = mentions[0]
        if len(first.tokens) > 1 or not _tagged_person(first):
            continue  # the full name came first; or the lone word is only a known surname's echo ("a Switch
            # Mini deal" after "Gamelink Switch"), not used as a person
        full = next((m for m in mentions[1:] if len(m.tokens) > 1 and m.tokens[-1] == surname), None)
        if full is None:
            continue
        line = article.span_position(full.sentence.block, full.start, full.end)[0]
        yield make_finding(card, article, first.sentence.block, first.start, first.end, confidence=card.confidence,
                           short=first.name, full=full.name, line=line)


def _title_line(block: Block) -> bool:
    from copydesk.voice import is_title_case

    return block.kind in ("line", "paragraph") and not block.text.rstrip().endswith((".", "?", "!", '"', "”")) \
        and is_title_case(block.text)


def _tagged_person(mention: Any) -> bool:
    """The lone name reads as a person: the tagger says so, or it is the subject of a verb ("Quill told the
    board"), where the small model often calls a surname an organisation."""
    tokens = [t for t in mention.sentence.span if mention.start <= mention.sentence.offset(t) < mention.end]
    return any(t.ent_type_ == "PERSON" or t.dep_ in ("nsubj", "nsubjpass") and t.head.pos_ in ("VERB", "AUX")
               for t in tokens)


def _reads_as_a_word(word: str) -> bool:
    """A word in capitals the pronouncing dictionary says as a word ("YES", "PARIS", "NASA"), not
    letter by letter as an initialism ("EPA", "ESPN"): emphasis, a dateline or a name, not an abbreviation to
    spell out."""
    from copydesk.syllables import pronunciations

    phones = pronunciations(word.lower())
    if not phones:
        return False
    syllables = min(sum(p[-1].isdigit() for p in pron) for pron in phones)
    return syllables * 1.5 <= len(word)


def _first_abbreviations(article: Article, card) -> Iterator[Finding]:
    from copydesk.voice import sentences

    known = {k.upper() for k in card.options["known"]}
    done: set[str] = set()
    story = _story(article)
    by_block: dict[int, list] = {}
    for s in sentences(article, NARRATION_BLOCKS):
        by_block.setdefault(s.block.index, []).append(s)
    before = []  # the article's text so far, headlines and metadata included (a dek may spell it out)
    for block in article.blocks:
        if block.index not in story:
            continue
        if block.kind in HEADLINE_KINDS or not block.in_body:
            before.append(block.text)
            continue
        if block.kind not in NARRATION_BLOCKS or not _in_scope(article, block, card.options["scope"]):
            before.append(block.text)
            continue
        if block.text.upper() == block.text or _title_line(block):
            before.append(block.text)
            continue  # a line in capitals or in title case (a subhead, a headline typed as a line)
        so_far = " ".join(before)
        for sentence in by_block.get(block.index, []):
            toks = sentence.tokens
            for k, t in enumerate(toks):
                word = t.text
                if word in done or word.upper() in known or not _ACRONYM.match(word) \
                        or sum(c.isalpha() for c in word) < 2 or any(c.isdigit() for c in word) \
                        or _reads_as_a_word(word) or _ROMAN.fullmatch(word):
                    continue  # ...and a model number (XR4, K9) is a name, not an abbreviation; II is a numeral
                if k + 1 < len(toks) and toks[k + 1].like_num or k > 0 and toks[k - 1].like_num:
                    continue  # a model ("GX 3000") or a unit ("150 PS")
                neighbours = [toks[j].text for j in (k - 1, k + 1) if 0 <= j < len(toks) and toks[j].is_alpha]
                if any(n.isupper() and len(n) > 1 for n in neighbours) or k > 0 and toks[k - 1].text in ("-", "R-", "D-"):
                    continue  # a run of capitals (shouting, a name in capitals), or a party-state code (R-TX)
                start, end = sentence.token_span(t)
                if _speech(block, start, end) or block.in_code(start, end):
                    continue
                done.add(word)
                if block.text[start - 1:start] == "(" and block.text[end:end + 1] == ")":
                    continue  # "the North Quay Port Safety Board (NQSB)": defined here, by its form
                context = so_far + " " + block.text[:start] + " " + block.text[end:end + 120]
                if _spelled_out(word, context):
                    continue
                yield make_finding(card, article, block, start, end, confidence=card.confidence, short=word,
                                   full="the words it stands for", line=0)
        before.append(block.text)
