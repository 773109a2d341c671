"""The Article: a draft's blocks with exact source positions, parsed once and shared by every rule."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from copydesk.docfacts import doc_sentences

_NEWLINE = re.compile(r"\r\n|\r|\n")

# Block kinds a reader may produce. Rules filter on these.
BLOCK_KINDS = (
    "title",
    "dek",
    "heading",
    "paragraph",
    "caption",
    "list_item",
    "quote",
    "byline",
    "tags",
    "line",
)


class SourceText:
    """The decoded file text and a line index, for turning offsets into 1-based line/column."""

    def __init__(self, text: str):
        self.text = text
        self.line_starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count characters."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its line break."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    @property
    def line_count(self) -> int:
        return len(self.line_starts)


class SourceMap:
    """Maps offsets in a block's extracted text back to offsets in the source file.

    The text is built from pieces. A piece whose text and source have the same length maps
    character by character; any other piece (an HTML entity, a collapsed run of whitespace,
    stripped Markdown markup) maps as a whole onto its source range.
    """

    __slots__ = ("_text_starts", "_pieces")

    def __init__(self) -> None:
        self._text_starts: list[int] = []
        self._pieces: list[tuple[int, int, int, int]] = []  # text_start, text_len, src_start, src_len

    def add(self, text_start: int, text_len: int, src_start: int, src_len: int) -> None:
        if text_len <= 0 and (self._pieces or src_len <= 0):
            return  # only an empty block keeps a zero-length piece, so it still has a position
        self._text_starts.append(text_start)
        self._pieces.append((text_start, text_len, src_start, src_len))

    def to_source(self, offset: int, *, end: bool = False) -> int:
        if not self._pieces:
            return 0
        i = bisect.bisect_right(self._text_starts, offset - 1 if end else offset) - 1
        i = max(0, min(i, len(self._pieces) - 1))
        t_start, t_len, s_start, s_len = self._pieces[i]
        rel = offset - t_start
        if t_len == 0:
            return s_start + s_len if end else s_start
        if t_len == s_len:
            return s_start + max(0, min(rel, s_len))
        if end:
            return s_start + s_len if rel > 0 else s_start
        return s_start if rel < t_len else s_start + s_len

    def shifted(self, delta: int) -> "SourceMap":
        """The same map for text that sits `delta` characters further into the file."""
        out = SourceMap()
        out._text_starts = list(self._text_starts)
        out._pieces = [(t, n, s + delta, m) for t, n, s, m in self._pieces]
        return out

    @property
    def source_start(self) -> int:
        return self._pieces[0][2] if self._pieces else 0

    @property
    def source_end(self) -> int:
        if not self._pieces:
            return 0
        _, _, s, n = self._pieces[-1]
        return s + n


@dataclass
class Block:
    """One unit of the article (a paragraph, caption, list item...) and where it came from."""

    index: int
    kind: str
    text: str
    map: SourceMap
    start_line: int = 0
    end_line: int = 0
    origin: str = "body"  # body | front_matter | meta (HTML <meta>/<title>)
    region: str | None = None  # HTML: the page furniture this sits in (nav, footer, aside...), if any
    heading_level: int = 0
    marker: str = ""  # the list marker or emphasis the reader stripped, for structure rules
    quotes: list[tuple[int, int]] = field(default_factory=list)  # direct-quotation spans in text
    docs: list[tuple[int, Any]] = field(default_factory=list)  # (text offset, spaCy Doc) chunks
    attrs: dict[str, Any] = field(default_factory=dict)  # reader facts, e.g. figure_has_media for HTML captions

    @property
    def in_body(self) -> bool:
        return self.origin == "body"

    def sentences(self) -> Iterator[tuple[int, int, Any]]:
        """(start, end, spaCy Span) for each sentence; needs the NLP pass to have run."""
        for offset, doc in self.docs:
            for sent in doc_sentences(doc):
                yield offset + sent.start_char, offset + sent.end_char, sent

    def in_code(self, start: int, end: int) -> bool:
        """Whether text[start:end] overlaps inline code (a Markdown code span)."""
        return any(a < end and start < b for a, b in self.attrs.get("code_spans", ()))

    def in_quote(self, start: int, end: int | None = None) -> bool:
        """Whether text[start:end] lies inside quoted speech."""
        end = start if end is None else end
        return any(q0 <= start and end <= q1 for q0, q1 in self.quotes)


SAVED_PAGE_FACTOR = 0.65
CORE_WORDS = 25  # a paragraph this long is the story's prose, not a teaser, a menu label or a form


@dataclass
class Article:
    """A parsed draft: source text, blocks in reading order, metadata from front matter or <meta>."""

    path: str
    source: SourceText
    format: str  # txt | md | html
    blocks: list[Block] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    whole_page: bool = False  # HTML: a saved page (with <body>) rather than a CMS fragment
    notices: list[str] = field(default_factory=list)  # reader warnings (bad bytes, etc.)
    nlp_done: bool = False
    directives: list[Any] = field(default_factory=list)  # `copydesk:` comments, set by suppress.py
    cache: dict[str, Any] = field(default_factory=dict)  # values several rules derive from the parse, once
    # Indexes of pasted-flood copies (a block repeated many times, after its first occurrence), hidden from
    # the body while the rules that do not compare blocks run: duplicate-block reports the copies, and the
    # other rules would only say the same thing thousands of times, at thousands of times the cost.
    hidden: frozenset[int] = frozenset()

    @property
    def body(self) -> list[Block]:
        if self.hidden:
            return [b for b in self.blocks if b.in_body and b.index not in self.hidden]
        return [b for b in self.blocks if b.in_body]

    def story_blocks(self) -> list[Block]:
        """The body without the furniture regions of a saved page (BOI002 reports those). A region holding
        the H1 is the story's own header and stays."""
        if not self.whole_page:
            return self.body
        headed = {(b.region, b.attrs.get("region_id")) for b in self.body
                  if b.region and b.kind == "heading" and b.heading_level == 1}
        return [b for b in self.body if b.region is None or (b.region, b.attrs.get("region_id")) in headed]

    def story_core(self, blocks: list[Block] | None = None) -> tuple[int, int] | None:
        """On a saved page, the block indexes that hold the story: from its H1 (or its first paragraph of
        prose) to its last paragraph of prose. Menus, teasers, carousels, comment forms and footers that the
        page's template repeats sit outside it. None for a draft, which is all story."""
        if not self.whole_page:
            return None
        blocks = self.story_blocks() if blocks is None else blocks
        prose = [b.index for b in blocks if b.kind == "paragraph" and len(b.text.split()) >= CORE_WORDS]
        if not prose:
            return None
        h1 = next((b.index for b in blocks if b.kind == "heading" and b.heading_level == 1 and b.index < prose[-1]),
                  None)
        return (min(h1, prose[0]) if h1 is not None else prose[0], prose[-1])

    @property
    def page_factor(self) -> float:
        """What a finding about the page's shape or repeats is worth on a saved page, whose template brings its
        own headings, teaser cards, menus and boxes repeated down the page (docs/severity.md); 1 for a draft."""
        return SAVED_PAGE_FACTOR if self.whole_page else 1.0

    @property
    def words(self) -> int:
        return sum(len(b.text.split()) for b in self.blocks if b.in_body)

    def span_position(self, block: Block, start: int, end: int) -> tuple[int, int, int, int]:
        """1-based (line, column, end_line, end_column) of block.text[start:end] in the file.

        end_column points one past the last character, as in LSP and SARIF.
        """
        s = block.map.to_source(start)
        e = block.map.to_source(end, end=True) if end > start else s
        line, col = self.source.position(s)
        end_line, end_col = self.source.position(e)
        return line, col, end_line, end_col

    def add_block(self, kind: str, text: str, smap: SourceMap, **extra: Any) -> Block:
        block = Block(index=len(self.blocks), kind=kind, text=text, map=smap, **extra)
        block.start_line = self.source.position(smap.source_start)[0]
        block.end_line = self.source.position(max(smap.source_start, smap.source_end - 1))[0]
        block.quotes = find_quotes(text) if kind != "quote" else [(0, len(text))]
        self.blocks.append(block)
        return block


# A straight double quote after a digit is an inch mark (a 34" monitor), not a quotation.
# A curly quotation may hold a nested opening mark typed in error (“... “a war” ...”): it runs to the first
# closing mark. Marks typed mismatched (“...", "...”) close each other: the speaker after them stays outside
# the quotation. Straight single quotes count only as a whole short phrase ('Phony theology' in a headline):
# an apostrophe inside or next to a word does not open one.
_QUOTE_PAIRS = re.compile(r"“[^”\"]*(?:[”\"]|$)|(?<!\d)\"[^\"”\n]*(?:(?<!\d)[\"”]|$)|‘[^‘’]{8,}’|(?<![\w'’])'(?!(?:s|t|d|ll|re|ve|m)\b)(?=\S)[^'\n]{2,60}(?<=\S)'(?![\w'’])")


def find_quotes(text: str) -> list[tuple[int, int]]:
    """Direct-quotation spans: “…”, "…" (and long ‘…’); an unclosed quote runs to the block's end,
    as a quotation continued into the next paragraph does."""
    return [(m.start(), m.end()) for m in _QUOTE_PAIRS.finditer(text) if m.end() - m.start() > 2]


class TextBuilder:
    """Builds a block's text and its SourceMap piece by piece."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.map = SourceMap()
        self.code: list[tuple[int, int]] = []  # spans of inline code in the text (Markdown `code`)
        self.breaks: list[int] = []  # where the text starts a new line on screen (HTML <br>, a nested <div>)

    def add(self, text: str, src_start: int, src_len: int | None = None) -> None:
        if not text:
            return
        self.map.add(self.length, len(text), src_start, len(text) if src_len is None else src_len)
        self.parts.append(text)
        self.length += len(text)

    def text(self) -> str:
        return "".join(self.parts)

    def stripped(self) -> tuple[str, SourceMap]:
        """Text with outer whitespace removed and the map shifted to match."""
        raw = self.text()
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        if not lead:
            return text, self.map
        shifted = SourceMap()
        for t_start, t_len, s_start, s_len in self.map._pieces:
            new_start = t_start - lead
            if new_start + t_len <= 0:
                continue
            if new_start < 0:  # piece straddles the cut: keep its tail
                cut = -new_start
                if t_len == s_len:
                    shifted.add(0, t_len - cut, s_start + cut, s_len - cut)
                else:
                    shifted.add(0, t_len - cut, s_start, s_len)
                continue
            shifted.add(new_start, t_len, s_start, s_len)
        return text, shifted
