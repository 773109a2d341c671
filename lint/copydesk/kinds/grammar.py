"""Grammar kinds: what the article itself shows is wrong (a common word capitalised mid-sentence that the
article writes in lower case elsewhere, a doubled word, an unbalanced quotation mark or bracket, a sentence
with no verb), and LanguageTool's matches when a LanguageTool engine is configured."""

from __future__ import annotations

import bisect
import re
from collections import Counter
from functools import lru_cache
from typing import Iterator

from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding
from copydesk.framework import Option, kind
from copydesk.voice import TITLE_WORDS, in_quote, is_english, is_title_case, narration_blocks, sentences

# Pure functions of a block's text are remembered for this many texts: a warm re-check (the language server,
# the daemon) works again only on the blocks that changed.
TEXT_MEMO = 4096
PROSE_KINDS = ("paragraph", "list_item", "quote", "caption")


# -- capitalisation -----------------------------------------------------------------------------------------

def _word_counts(article: Article) -> Counter:
    """How often each word is written, case kept: 'opposition' 3, 'Opposition' 1."""
    if "word_counts" not in article.cache:
        article.cache["word_counts"] = Counter(w for b in article.body for w in re.findall(r"\b[A-Za-z][a-z'-]+\b", b.text))
    return article.cache["word_counts"]



# What may stand between a sentence's end and the next sentence's first word: spaces, closing quotes and
# brackets, a footnote's number, an ellipsis.
_BEFORE_START = re.compile(r"(?:[.!?…:;|•·»›–—]|\.\.\.)[\s\d\"'’”)\]*†]*$")


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at text[start] follows the end of a sentence, a separator or a list bullet, whatever
    the parser made of it: the capital is the sentence's."""
    return bool(_BEFORE_START.search(text[max(0, start - 12):start]))


def _starts_line(block: Block, start: int) -> bool:
    """Whether the word at block.text[start] opens a line on screen (after a <br> or a nested element of a
    saved page): a lyric's line, a card's blurb under its title."""
    breaks = block.attrs.get("line_breaks")
    if not breaks:
        return False
    k = bisect.bisect_right(breaks, start) - 1
    return k >= 0 and not block.text[breaks[k]:start].strip()


@kind(
    "stray_capital",
    options={},
    fields=("word", "lower", "evidence"),
    needs_nlp=("sentences", "tags", "entities"),
)
def stray_capital(article: Article, card) -> Iterator[Finding]:
    """A common word capitalised in the middle of a sentence ("their Opposition to nuclear war") when the
    article writes it in lower case elsewhere and it is no name. Headlines in title case, sentence starts,
    words after a colon or an opening quotation mark, and words in a run of capitals are left alone."""
    counts = _word_counts(article)
    for s in sentences(article, PROSE_KINDS):
        if s.title_case or is_title_case(s.text):
            continue  # a headline, a teaser's title or a list of names in title case: capitals are its style
        toks = s.tokens
        if len(toks) < 8 and not s.text.rstrip().endswith((".", "!", "?")):
            continue  # a label or a menu entry ("Choose from 30 Languages"), not a sentence: capitals are style
        for k, tok in enumerate(toks):
            text = tok.text
            if k == 0 or not text[:1].isupper() or not text[1:].islower() or len(text) < 3:
                continue
            # A slip, not a house habit: written in lower case elsewhere, or a common noun after a possessive
            # ("their Opposition"), and capitalised only this once (a word capitalised every time is a brand
            # or a style: "Experience" in a sponsor's copy).
            after_possessive = toks[k - 1].tag_ == "PRP$" and tok.tag_ in ("NN", "NNS")
            if not (counts[text.lower()] or after_possessive) or counts[text] > 1 or text.lower() in TITLE_WORDS:  # house styles capitalise titles
                continue
            if tok.ent_type_ or tok.pos_ == "PROPN" or tok.tag_ in ("NNP", "NNPS"):
                continue
            prev, nxt = toks[k - 1], toks[k + 1] if k + 1 < len(toks) else None
            if prev.text in (":", "“", "\"", "‘", "'", "(", "—", "–", "-", "•", ";") or prev.is_sent_start:
                continue
            if prev.text[:1].isupper() and prev.is_alpha or (nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha):
                continue  # part of a capitalised run: a name or a title the model did not tag
            if in_quote(s, tok):
                continue
            start = s.offset(tok)
            if _starts_sentence(s.block.text, start) or _starts_line(s.block, start):
                continue  # a sentence start the parser ran on from the last one ("...rose 4%.3 Did", "wait! Does")
            yield make_finding(card, article, s.block, start, start + len(text),
                               confidence=0.8 if counts[text.lower()] else 0.7, word=text, lower=text.lower(),
                               evidence=(f"the article writes “{text.lower()}” elsewhere" if counts[text.lower()]
                                         else f"“{toks[k - 1].text} {text.lower()}” is a common noun"))


# -- doubled words ------------------------------------------------------------------------------------------

DOUBLED = re.compile(r"\b([^\W\d_]+)\s+(\1)\b", re.IGNORECASE)
# Doubles that are English: "had had", "that that", reduplication in speech.
ALLOWED_DOUBLES = frozenset("had that is bye no so very really yeah yes ha blah chop tut knock hush mau pom "
                            "great".split())  # "great great grandfather"


@kind("doubled_word", options={}, fields=("word",))
def doubled_word(article: Article, card) -> Iterator[Finding]:
    """The same word twice in a row ("the the"), the commonest slip of an edit. English copy only: "die die"
    is German."""
    if not is_english(article):
        return
    for block in narration_blocks(article, PROSE_KINDS + ("heading", "title", "dek")):
        for m in DOUBLED.finditer(block.text):
            word, again = m.group(1), m.group(2)
            # "Maji Maji", "Print Print" (a name, a menu's two labels) and "i i" (a formula) are not slips.
            if word.lower() in ALLOWED_DOUBLES or len(word) < 2 or again[:1].isupper():
                continue
            yield make_finding(card, article, block, m.start(), m.end(), confidence=0.9, word=word)


# -- quotation marks and brackets ---------------------------------------------------------------------------

PAIRS = (("“", "”", "quotation mark"), ("(", ")", "bracket"), ("[", "]", "square bracket"))


@lru_cache(maxsize=TEXT_MEMO)
def _unbalanced(text: str, opening: str, closing: str) -> tuple[int, str] | None:
    """Where text's marks stop pairing up: an unmatched closing mark, or the last unclosed opening one."""
    if opening not in text and closing not in text:
        return None
    stack: list[int] = []
    for m in re.finditer(re.escape(opening) + "|" + re.escape(closing), text):
        i, ch = m.start(), m.group()
        if ch == opening:
            if opening == closing and stack:
                stack.pop()
            else:
                stack.append(i)
        elif ch == closing:
            if not stack:
                return i, "closing"
            stack.pop()
    return (stack[-1], "opening") if stack else None


LIST_MARKER = re.compile(r"^\s*(?:\(?[0-9a-zA-Z]{1,2}\)|[0-9]+\.)\s")


@lru_cache(maxsize=TEXT_MEMO)
def _curly(text: str) -> str:
    """Straight double quotes read as the curly mark they stand for: closing when a curly quotation is open,
    else opening. A mix of styles is a typographic slip, not an unbalanced quotation."""
    if '"' not in text or "“" not in text:
        return text  # nothing to turn: only a straight quote in a text with curly ones is read as curly
    out, depth = [], 0
    for ch in text:
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
        elif ch == '"' and "“" in text:
            ch = "”" if depth else "“"
            depth = depth - 1 if depth else depth + 1
        out.append(ch)
    return "".join(out)


@kind("unbalanced_marks", options={}, fields=("what", "mark"))
def unbalanced_marks(article: Article, card) -> Iterator[Finding]:
    """A quotation mark or bracket that is never closed (or closed without being opened). Brackets pair within
    their paragraph. A quotation may run over several paragraphs: news style opens each again without
    closing, and careless copy leaves the middle ones bare; it is unbalanced only if nothing closes it.
    English copy only: German opens quotations with „ and closes them with “."""
    if not is_english(article):
        return
    blocks = narration_blocks(article, PROSE_KINDS)
    texts = [_curly(LIST_MARKER.sub(lambda m: " " * len(m.group()), b.text)) for b in blocks]
    open_at: tuple[int, int] | None = None  # (block, offset) of a quotation left open
    for i, block in enumerate(blocks):
        text = texts[i]
        state = _unbalanced(text, "“", "”")
        continues = text.lstrip().startswith("“")
        if state is not None:
            at, side = state
            if side == "closing":
                if open_at is None:
                    yield _mark(card, article, block, at, "a closing quotation mark")
                open_at = None
            else:
                if open_at is not None and not continues:
                    b, a = open_at
                    yield _mark(card, article, blocks[b], a, "an opening quotation mark")
                open_at = (i, at)
        elif open_at is not None and continues:
            open_at = None  # the carried-on quotation reopened here and closed
        elif open_at is not None and "“" in text:
            b, a = open_at  # a new, balanced quotation starts while the old one was never closed
            yield _mark(card, article, blocks[b], a, "an opening quotation mark")
            open_at = None
        for opening, closing, name in PAIRS[1:]:
            found = _unbalanced(text, opening, closing)
            if found is None:
                continue
            at, side = found
            if opening == "(" and side == "closing" and re.match(r"\s*\w{1,2}\)", text[max(0, at - 3):at + 1]):
                continue  # "a)" enumerations
            yield _mark(card, article, block, at, f"an {side} {name}" if side == "opening" else f"a {side} {name}")
        # Straight double quotes with no curly ones have no direction: an odd count is the only sign.
        straight = [m.start() for m in re.finditer(r"(?<!\d)\"", block.text)]
        if len(straight) % 2 and "“" not in block.text and "”" not in block.text:
            nxt = blocks[i + 1].text.lstrip() if i + 1 < len(blocks) else ""
            prev_open = i > 0 and blocks[i - 1].text.count('"') % 2 == 1
            if not nxt.startswith(("\"", "“")) and not prev_open:
                yield _mark(card, article, block, straight[-1], "an unpaired quotation mark")
    if open_at is not None:
        b, a = open_at
        yield _mark(card, article, blocks[b], a, "an opening quotation mark")


def _mark(card, article: Article, block: Block, at: int, what: str) -> Finding:
    return make_finding(card, article, block, at, at + 1, confidence=0.7, what=what, mark=block.text[at])


# -- sentences without a verb -------------------------------------------------------------------------------

@kind(
    "verbless_sentence",
    options={"min_words": Option("int", 8, "shorter fragments are left alone (they are often deliberate)", min=3)},
    fields=("words",),
    needs_nlp=("sentences", "tags"),
)
def verbless_sentence(article: Article, card) -> Iterator[Finding]:
    """A sentence in the reporter's voice with no verb at all: usually a clause cut loose by an edit."""
    need = card.options["min_words"]
    for s in sentences(article, ("paragraph",)):
        toks = s.tokens
        words = [t for t in toks if t.is_alpha]
        if len(words) < need or s.title_case or s.text.rstrip().endswith((":", "?")):
            continue
        if any(t.pos_ in ("VERB", "AUX") or t.tag_ in ("VB", "VBD", "VBZ", "VBP", "VBN", "VBG", "MD") for t in toks):
            continue
        if sum(in_quote(s, t) for t in words) > len(words) / 2:
            continue
        if sum(t.ent_type_ != "" or t.pos_ in ("PROPN", "NUM") for t in words) > len(words) / 2:
            continue  # a list of names or figures: a credit line, a score line, a dateline
        yield make_finding(card, article, s.block, s.start, s.end, confidence=0.6, words=len(words))


# -- LanguageTool -------------------------------------------------------------------------------------------

READABILITY_CATEGORIES = {"STYLE", "REDUNDANCY", "PLAIN_ENGLISH", "WIKIPEDIA", "SEMANTICS"}
SPELLING = {"TYPOS"}


def engine_setting(value: str) -> str:
    value = value.strip()
    if value in ("off", "local") or re.match(r"https?://[^\s/]+", value):
        return value
    raise ValueError(f"engine must be off, local or a server URL (http://host:port), got {value!r}")


@kind(
    "languagetool",
    options={
        "engine": Option("str", "off", "off, a LanguageTool server URL (http://host:8081), or local "
                         "(LTP_JAR_DIR_PATH)", validate=lambda v: engine_setting(v)),
        "language": Option("str", "en-US", "the language code LanguageTool checks in"),
        "timeout": Option("float", 10.0, "seconds to wait for the server on each article", min=0.5, max=300.0),
        "disabled_rules": Option("list[str]", ["WHITESPACE_RULE", "EN_QUOTES", "DASH_RULE"],
                                 "LanguageTool rule ids to leave out"),
    },
    fields=("message", "suggestion", "rule_id"),
    needs_nlp=("tags", "entities"),
    defers=True,
)
def languagetool(article: Article, card) -> Iterator[Finding]:
    """LanguageTool's matches on the story's prose, one request per article. Spelling matches on names and
    anything inside quoted speech are dropped; a span a copydesk rule already flags keeps only ours."""
    from copydesk import languagetool as lt

    opts = card.options
    engine = engine_setting(opts["engine"])
    if engine == "off":
        return
    blocks = narration_blocks(article, PROSE_KINDS + ("heading", "dek"))
    if not blocks:
        return
    parts, starts, at = [], [], 0
    for block in blocks:
        starts.append(at)
        parts.append(block.text)
        at += len(block.text) + 2
    text = "\n\n".join(parts)
    try:
        matches = lt.check(text, engine, opts["language"], opts["timeout"], opts["disabled_rules"])
    except lt.EngineUnavailable:
        return
    for m in matches:
        i = bisect.bisect_right(starts, m.offset) - 1
        block = blocks[i]
        start = m.offset - starts[i]
        end = min(start + m.length, len(block.text))
        if start < 0 or start >= len(block.text) or block.in_quote(start, end):
            continue
        if m.category_id in SPELLING and _names_something(block, start, end):
            continue
        category = "readability" if m.category_id in READABILITY_CATEGORIES or m.issue_type == "style" else None
        suggestion = f" Suggestion: “{m.replacements[0]}”." if m.replacements and m.replacements[0] else ""
        finding = make_finding(card, article, block, start, end, confidence=0.7, message=m.message.rstrip("."),
                               suggestion=suggestion, rule_id=m.rule_id)
        if category:
            finding.category = category
        yield finding


def _names_something(block: Block, start: int, end: int) -> bool:
    """The span is (part of) a name: an entity or a proper noun in the parse, or a capitalised word."""
    for offset, doc in block.docs:
        for tok in doc:
            a = offset + tok.idx
            if a < end and start < a + len(tok.text) and (tok.ent_type_ or tok.pos_ == "PROPN"):
                return True
    return block.text[start:start + 1].isupper()
