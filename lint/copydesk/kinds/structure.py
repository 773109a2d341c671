"""Structure kinds: the article's shape is broken (competing headlines, placeholders, dumped tag lists,
empty sections, captions without a picture)."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache, lru_cache
from typing import Iterator

from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding, whole_lines
from copydesk.framework import Option, kind
from copydesk.kinds.boilerplate import STRONG
from copydesk.kinds.text import clip, content_words, fold, word_count, words

TERMINAL = re.compile(r"[.!?:;…][\"”’')\]]*$")


def story_blocks(article: Article) -> list[Block]:
    return article.story_blocks()


def _long_prose(block: Block) -> bool:
    return block.kind in ("paragraph", "quote") and word_count(block.text) >= 25


def _headline_like(block: Block, max_words: int) -> bool:
    text = block.text.strip()
    n = word_count(text)
    if block.kind not in ("heading", "line", "paragraph", "title") or not 4 <= n <= max_words:
        return False
    if TERMINAL.search(text) or block.quotes or not text[0].isupper() or block.attrs.get("table_cell"):
        return False
    return not any(w in STRONG for w in words(text))


def _title_case(text: str) -> bool:
    """Most longer words capitalised, as headlines are and deks are not."""
    longer = [w for w in text.split()[1:] if len(w.strip("\"'“‘(")) >= 4]
    caps = sum(w.strip("\"'“‘(")[:1].isupper() for w in longer)
    return len(longer) >= 2 and caps / len(longer) >= 0.6


def _same_subject(a: str, b: str) -> bool:
    ca, cb = content_words(a), content_words(b)
    shared = len(ca & cb)
    return shared >= 2 or (shared >= 1 and min(len(ca), len(cb)) <= 4)


@kind(
    "competing_headlines",
    options={"max_words": Option("int", 20, "longest line that can be a headline", min=4)},
    fields=("first_line", "first"),
)
def competing_headlines(article: Article, card) -> Iterator[Finding]:
    """More than one headline for the story: headline-like lines before the body about the same subject
    (a later one in title case, so that a dek without a full stop is not taken for a rival), several
    H1s, or a front-matter title that disagrees with the H1."""
    opts = card.options
    body = story_blocks(article)
    title = next((b for b in article.blocks if b.kind == "title" and b.origin == "front_matter"), None)
    h1s = [b for b in body if b.kind == "heading" and b.heading_level == 1]
    if title and h1s:
        t, h = fold(title.text), fold(h1s[0].text)
        if t and h and t not in h and h not in t:
            yield make_finding(card, article, h1s[0], confidence=0.9 * article.page_factor, first_line=title.start_line,
                               first=f"the front-matter title \"{title.text.strip()}\"")
    for h in h1s[1:]:
        if fold(h.text) != fold(h1s[0].text):
            yield make_finding(card, article, h, confidence=0.85 * article.page_factor, first_line=h1s[0].start_line,
                               first=f"the H1 \"{clip(h1s[0].text)}\"")
    # Before the first long paragraph, headline-like lines about one subject compete with each other.
    zone = []
    for block in body:
        if _long_prose(block):
            break
        zone.append(block)
    anchor = h1s[0] if h1s else title
    seen: list[Block] = [anchor] if anchor is not None else []
    for block in zone:
        if block is anchor or block in h1s or not _headline_like(block, opts["max_words"]):
            continue
        if seen and not _title_case(block.text):
            continue  # a sentence-case line under a headline is its dek, not a rival
        if block.kind == "heading" and h1s and block.heading_level > 1:
            continue  # a subheading under the H1 is a section or a dek, not a rival headline
        rival = next((s for s in seen if _same_subject(s.text, block.text) and fold(s.text) != fold(block.text)), None)
        if rival is not None:
            yield make_finding(card, article, block, confidence=0.8 * article.page_factor, first_line=rival.start_line,
                               first=f"\"{clip(rival.text)}\"")
        else:
            seen.append(block)
    # After the lede, a line in headline shape that restates the headline's subject is a second headline left
    # in the body: a variant pasted below the first paragraph, or an H2 such as "Ferry Finally Closes:
    # Everything You Need to Know About the Ostrand Crossing". A true subheading opens a new part of the
    # subject, so it shares a word or two with the headline, not most of them.
    if anchor is not None:
        head_words = content_words(anchor.text)
        for block in body[len(zone):]:
            if block in h1s or block.kind not in ("heading", "line", "paragraph") or not _headline_like(
                    block, opts["max_words"]):
                continue
            words = content_words(block.text)
            shared = head_words & words
            # Headline shape, not a section label: a claim of six words or more, or a kicker after a colon or
            # dash. "Spiced Honey Pear Jam" over a recipe card names the subject; it does not re-sell it.
            shaped = (word_count(block.text) >= 6 or re.search(r"\S\s*[:–—|]\s+\S", block.text)) and not block.text.isupper()
            if (shaped and len(shared) >= 3 and len(shared) >= 0.6 * min(len(head_words), len(words))
                    and fold(block.text) != fold(anchor.text)):
                yield make_finding(card, article, block, confidence=0.75 * article.page_factor, first_line=anchor.start_line,
                                   first=f"\"{clip(anchor.text)}\"")


_EMPTY_LI = re.compile(r"<li\b[^>]*>(?:\s|&nbsp;|&#160;)*(?:</li\s*>|<li\b|</[uo]l\s*>)", re.I)


def _empty_markup(article: Article, block: Block) -> bool:
    """An HTML list item with nothing in it at all. One holding an icon, an image or an empty link is how
    pages draw menus and share bars, not unfinished copy; on a saved page only the story's own lists count."""
    if article.whole_page and block not in article.story_blocks():
        return False
    return bool(_EMPTY_LI.match(article.source.text, block.map.source_start))


@kind(
    "placeholder_text",
    options={
        "patterns": Option("list[regex]", [], "placeholder text (TK, lorem ipsum, {{field}}, [caption], ...)"),
        "empty_items": Option("bool", True, "report list items with no text (an empty bullet)"),
    },
    fields=("found",),
)
def placeholder_text(article: Article, card) -> Iterator[Finding]:
    """Unfinished copy: an empty bullet, or placeholder text a template or a reporter left to fill in."""
    opts = card.options
    for block in article.blocks:
        if block.kind == "list_item" and opts["empty_items"] and not fold(block.text):
            if article.format != "html" or _empty_markup(article, block):
                finding = make_finding(card, article, block, confidence=0.95 * article.page_factor, found="an empty list item")
                finding.fix = whole_lines(article, block)
                yield finding
            continue
        if not block.text or not any_placeholder(opts["patterns"], block.text):
            continue
        for pattern in opts["patterns"]:
            for m in pattern.finditer(block.text):
                if m.end() > m.start():
                    confidence = 0.9 * article.page_factor
                    if _abbreviation_like(article, m.group().strip()):
                        confidence *= ABBREVIATION_FACTOR
                    yield make_finding(card, article, block, m.start(), m.end(), confidence=confidence,
                                       found=f"\"{m.group().strip()}\"")


# A bare capitals marker ("TK", "TBC", "XX") is a reporter's hole once or twice in a draft. Used three times or
# more it is the article's abbreviation for a name (a German page's "TK", a health insurer), and on a page not
# in English the newsroom's English markers mean nothing: advisory there, not a blocking hole.
ABBREVIATION_FACTOR = 0.6
ABBREVIATION_USES = 3


def _abbreviation_like(article: Article, found: str) -> bool:
    if not re.fullmatch(r"[A-Z]{2,}", found):
        return False
    from copydesk.voice import is_english

    if not is_english(article):
        return True
    counts = article.cache.setdefault("capitals_counts", {})
    if found not in counts:
        counts[found] = sum(len(re.findall(rf"\b{found}\b", b.text)) for b in article.body)
    return counts[found] >= ABBREVIATION_USES


def any_placeholder(patterns: list, text: str) -> bool:
    """One pass with all patterns joined, before the per-pattern passes that locate each match."""
    return _joined(tuple(p.pattern for p in patterns)).search(text) is not None


@lru_cache(maxsize=64)
def _joined(sources: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(f"(?:{s})" for s in sources), re.IGNORECASE) if sources else re.compile(r"(?!)")


_TAG_HEADINGS = {"tags", "topics", "keywords", "filed under", "categories", "related topics", "more on", "tagged"}
_INLINE_SEPARATORS = re.compile(r"\s*[,;|•·]\s*")
_TAGS_LINE = re.compile(r"^\s*(?:tags|topics|keywords|filed under|categories|related topics)\s*:\s*\S", re.I)


def _phrase_counts(text: str, longest: int) -> Counter:
    """Occurrences of every run of 1..longest consecutive words in a folded text."""
    tokens = text.split()
    return Counter(" ".join(tokens[i:i + n]) for n in range(1, longest + 1) for i in range(len(tokens) - n + 1))


def _tag_like(block: Block, max_words: int) -> bool:
    text = block.text.strip()
    return (block.kind in ("list_item", "line") and 1 <= word_count(text) <= max_words and not block.attrs.get("table_cell")
            and not TERMINAL.search(text) and not block.quotes and text[:1].isalnum())


@kind(
    "tag_list",
    options={
        "min_items": Option("int", 4, "fewest items in a run that can be a dumped tag list", min=2),
        "max_words": Option("int", 4, "longest item that can be a tag", min=1),
        "echo_share": Option("float", 0.6, "share of items that must name something the body mentions", min=0.1, max=1.0),
    },
    fields=("items", "evidence"),
)
def tag_list(article: Article, card) -> Iterator[Finding]:
    """The CMS tag list pasted into the body: a run of bare names or topics, matching the front-matter
    tags or naming what the story already mentions, with no lead-in line introducing it."""
    opts = card.options
    body = story_blocks(article)
    tags = {fold(t) for t in article.meta.get("tags", []) if isinstance(t, str)}
    folded = [fold(b.text) for b in body]
    # How often each phrase of up to max_words words occurs in the body: one linear pass, where counting
    # each tag over the whole text would be quadratic on a list of thousands of items.
    # Counted only once a candidate list turns up, which most articles never have.
    body_counts = cache(lambda: _phrase_counts(" ".join(folded), opts["max_words"]))
    for block in body:
        if _TAGS_LINE.match(block.text):
            yield make_finding(card, article, block, confidence=0.9 * article.page_factor, items=len(block.text.split(",")),
                               evidence="a 'Tags:' line")
            continue
        # The same list flattened onto one line: "Dunmore, Inchkeel, Ferries, Council".
        items = [p.strip() for p in _INLINE_SEPARATORS.split(block.text)]
        if (block.kind in ("line", "paragraph") and len(items) >= opts["min_items"] and not TERMINAL.search(block.text)
                and all(1 <= word_count(p) <= opts["max_words"] and p[:1].isupper() for p in items)):
            keys = [fold(p) for p in items]
            own = _phrase_counts(fold(block.text), opts["max_words"])
            in_tags = sum(k in tags for k in keys)
            echoed = sum(body_counts()[k] > own[k] for k in keys)
            if (tags and in_tags >= max(2, len(items) / 2)) or echoed >= opts["echo_share"] * len(items):
                evidence = (f"{in_tags} of them are the front-matter tags" if tags and in_tags >= max(2, len(items) / 2)
                            else f"{echoed} of them just name what the story mentions")
                yield make_finding(card, article, block, confidence=0.8 * article.page_factor, items=len(items), evidence=evidence)
    i = 0
    while i < len(body):
        j = i
        # A run is one kind of block: a list of bullets, or a column of lines; a heading-like line
        # after a bullet list starts something else.
        while j < len(body) and _tag_like(body[j], opts["max_words"]) and body[j].kind == body[i].kind:
            j += 1
        run = body[i:j]
        if len(run) < opts["min_items"]:
            i = max(j, i + 1)
            continue
        prev = body[i - 1] if i else None
        # A lead-in introduces a real list: a line ending in ":" or a heading over it ("Candidates").
        # A heading that says "Tags" introduces the dump itself.
        tag_heading = prev is not None and folded[i - 1] in _TAG_HEADINGS
        lead_in = prev is not None and not tag_heading and (
            prev.text.rstrip().endswith(":") or prev.kind == "heading"
            or (prev.kind == "line" and word_count(prev.text) <= 6 and not TERMINAL.search(prev.text)))
        keys = folded[i:j]
        in_run = Counter(keys)
        in_tags = sum(k in tags for k in keys)
        # Echoed: the tag's words occur in the body more often than in the run itself.
        echoed = sum(bool(k) and body_counts()[k] > in_run[k] for k in keys)
        if tags and in_tags >= max(2, len(run) / 2):
            evidence = f"{in_tags} of them are the front-matter tags"
        elif tag_heading:
            evidence = f"under a \"{prev.text.strip()}\" heading"
        elif echoed >= opts["echo_share"] * len(run) and not lead_in:
            evidence = f"{echoed} of them just name what the story mentions"
        else:
            i = j
            continue
        yield make_finding(card, article, run[0], through=run[-1], confidence=0.85 * article.page_factor, items=len(run), evidence=evidence)
        i = j


@kind("empty_section", fields=("heading",))
def empty_section(article: Article, card) -> Iterator[Finding]:
    """A section heading with nothing under it: the next block is a heading of the same or a higher
    level, or the article ends."""
    body = story_blocks(article)
    for i, block in enumerate(body):
        if block.kind != "heading" or any(w in STRONG for w in words(block.text)):
            continue
        nxt = body[i + 1] if i + 1 < len(body) else None
        if nxt is None or (nxt.kind == "heading" and nxt.heading_level <= block.heading_level):
            yield make_finding(card, article, block, confidence=0.85 * article.page_factor, heading=block.text.strip())


CAPTION_CUE = re.compile(r"^(?:photo|photograph|picture|pictured|image|caption|above|top|below|left|right)\b\s*[:.-]",
                         re.I)


@kind("orphan_caption", options={"window": Option("int", 2, "blocks either side searched for the picture", min=1)},
      fields=("caption",))
def orphan_caption(article: Article, card) -> Iterator[Finding]:
    """A caption with no picture: an HTML figcaption whose figure holds no image or video, or a
    Markdown caption line ('Photo: ...') with no image near it."""
    body = story_blocks(article)
    for i, block in enumerate(body):
        if block.kind != "caption":
            continue
        if article.format == "html":
            if block.attrs.get("figure_has_media") is False:
                yield make_finding(card, article, block, confidence=0.85 * article.page_factor, caption=clip(block.text))
        elif article.format == "md" and block.marker == "emphasis" and CAPTION_CUE.match(block.text):
            near = body[max(0, i - card.options["window"]):i + card.options["window"] + 1]
            if not any(b.kind == "caption" and b.marker == "image" for b in near):
                yield make_finding(card, article, block, confidence=0.75 * article.page_factor, caption=clip(block.text))
