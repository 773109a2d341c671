"""Markdown reader: YAML front matter, then markdown-it-py block tokens mapped back to source lines."""

from __future__ import annotations

import datetime
import re
from typing import Any

import yaml
from markdown_it import MarkdownIt

from copydesk.document import Article, SourceMap, TextBuilder
from copydesk.readers.errors import ReaderError
from copydesk.readers.plain import BYLINE

FRONT_MATTER_OPEN = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)

# Front-matter keys and the block kind they become; the first key present wins per kind.
FIELD_KINDS = {
    "title": ("title", "headline"),
    "dek": ("dek", "description", "subtitle", "standfirst", "summary", "excerpt"),
    "byline": ("author", "authors", "byline"),
}
TAG_KEYS = ("tags", "keywords", "categories")
CAPTION_KEYS = ("caption", "image_caption", "photo_caption")

_PARSER = MarkdownIt("commonmark").enable("table")


def read_markdown(article: Article) -> None:
    text = article.source.text
    body_start = 0
    m = FRONT_MATTER_OPEN.match(text)
    if m:
        close = FRONT_MATTER_CLOSE.search(text, m.end())
        if not close:
            raise ReaderError("malformed front matter: opening '---' on line 1 has no closing '---'")
        _read_front_matter(article, m.end(), close.start())
        body_start = close.end()
    # Blank out the front matter so markdown-it's line numbers are the file's own.
    lines_before = text.count("\n", 0, body_start)
    body = "\n" * lines_before + text[body_start:]
    _read_body(article, body)


MAX_FRONT_MATTER_CHARS = 65_536  # front matter is a few fields; anything larger is not a draft's metadata


class _AliasRefused(Exception):
    def __init__(self, mark):
        self.mark = mark


class _NoAliasLoader(yaml.SafeLoader):
    """Safe loading stops code execution, not expansion: a few nested aliases ("billion laughs") make a
    1 KB header into billions of nodes. Draft metadata never needs aliases, so the first one stops the read."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _AliasRefused(self.peek_event().start_mark)
        return super().compose_node(parent, index)


def _read_front_matter(article: Article, start: int, end: int) -> None:
    raw = article.source.text[start:end]
    first_line = article.source.position(start)[0]
    if len(raw) > MAX_FRONT_MATTER_CHARS:
        article.notices.append(f"front matter on line {first_line} is {len(raw):,} characters, over the "
                               f"{MAX_FRONT_MATTER_CHARS:,} copydesk reads; its fields were ignored, the body was checked")
        return
    try:
        data = yaml.load(raw, Loader=_NoAliasLoader)  # noqa: S506 - a SafeLoader subclass
    except _AliasRefused as refused:
        article.notices.append(f"front matter uses a YAML alias on line {first_line + refused.mark.line}, which "
                               f"copydesk does not expand; its fields were ignored, the body was checked")
        return
    except RecursionError:
        article.notices.append(f"front matter on line {first_line} nests too deeply to read; its fields were "
                               f"ignored, the body was checked")
        return
    except yaml.YAMLError as exc:
        # Where the broken construct began (context) is more useful than where the parser gave up.
        mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
        where = f" on line {article.source.position(start)[0] + mark.line}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ReaderError(f"malformed front matter{where}: {problem}") from None
    if data is None:
        return
    if not isinstance(data, dict):
        raise ReaderError("malformed front matter: expected 'key: value' pairs, found a " + type(data).__name__)
    article.meta.update({str(k): _plain(v) for k, v in data.items()})
    # Rules read meta["tags"] as a list of strings; any other shape (tags: 7) is set below or not at all.
    article.meta.pop("tags", None)
    for kind, keys in FIELD_KINDS.items():
        for key in keys:
            value = data.get(key)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value if v)
            if isinstance(value, str) and value.strip():
                _front_matter_block(article, kind, key, value.strip(), start, end)
                break
    for key in TAG_KEYS:
        value = data.get(key)
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if isinstance(value, list) and value:
            article.meta["tags"] = [str(v) for v in value]
            _front_matter_block(article, "tags", key, ", ".join(str(v) for v in value), start, end)
            break
    for caption in _captions(data):
        _front_matter_block(article, "caption", None, caption, start, end)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def _captions(data: dict) -> list[str]:
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                if k in CAPTION_KEYS and isinstance(v, str) and v.strip():
                    found.append(v.strip())
                elif isinstance(v, (dict, list)):
                    walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(data)
    return found


def _front_matter_block(article: Article, kind: str, key: str | None, value: str, start: int, end: int) -> None:
    """A block for a front-matter value, positioned on the value where it can be found, else its key."""
    src = article.source.text
    smap = SourceMap()
    first = value.split("\n")[0][:60]
    at = src.find(first, start, end)
    if at >= 0 and "\n" not in value:
        smap.add(0, len(value), at, len(value))
    else:
        key_at = -1
        if key:
            km = re.compile(rf"^[ \t]*{re.escape(key)}[ \t]*:", re.M).search(src, start, end)
            key_at = km.start() if km else -1
        anchor = at if at >= 0 else max(key_at, start)
        line_end = src.find("\n", anchor, end)
        smap.add(0, len(value), anchor, (line_end if line_end >= 0 else end) - anchor)
    article.add_block(kind, value, smap, origin="front_matter")


def _read_body(article: Article, body: str) -> None:
    tokens = _PARSER.parse(body)
    lines = body.split("\n")
    line_offsets = article.source.line_starts
    containers: list[str] = []
    pending_item: list[Any] = []  # list_item_open tokens not yet given text
    for i, tok in enumerate(tokens):
        if tok.type in ("blockquote_open", "bullet_list_open", "ordered_list_open"):
            containers.append(tok.type)
        elif tok.type in ("blockquote_close", "bullet_list_close", "ordered_list_close"):
            containers.pop()
        elif tok.type == "list_item_open":
            pending_item.append(tok)
        elif tok.type == "list_item_close":
            item = pending_item.pop()
            if item is not None:  # an item with no text at all: an empty bullet
                line_no = item.map[0]
                off = line_offsets[line_no]
                line = lines[line_no]
                lead = len(line) - len(line.lstrip())
                smap = SourceMap()
                smap.add(0, 0, off + lead, max(1, len(line.strip())))
                article.add_block("list_item", "", smap, marker=item.markup)
        elif tok.type == "html_block" and tok.map and not containers:
            _html_block(article, tok, line_offsets)
        elif tok.type == "inline" and tok.map:
            prev = tokens[i - 1]
            if prev.type == "heading_open":
                kind, level = "heading", int(prev.tag[1])
            elif pending_item and pending_item[-1] is not None:
                kind, level = "list_item", 0
            elif "blockquote_open" in containers:
                kind, level = "quote", 0
            elif prev.type in ("th_open", "td_open"):
                kind, level = "cell", 0
            else:
                kind, level = "paragraph", 0
            marker = ""
            if kind == "list_item":
                marker = pending_item[-1].markup
                pending_item[-1] = None  # the item has text now
            _inline_blocks(article, tok, lines, line_offsets, kind, level, marker)


def _content_map(tok: Any, lines: list[str], line_offsets: list[int]) -> SourceMap:
    """Where each character of an inline token's raw content sits in the file."""
    cmap = SourceMap()
    pos = 0
    for k, cline in enumerate(tok.content.split("\n")):
        line_no = tok.map[0] + k
        src_line = lines[line_no] if line_no < len(lines) else ""
        col = src_line.find(cline) if cline else len(src_line)
        if col < 0:
            col = len(src_line) - len(src_line.lstrip())
        if k:
            cmap.add(pos, 1, line_offsets[line_no] - 1, 1)
            pos += 1
        cmap.add(pos, len(cline), line_offsets[line_no] + col, len(cline))
        pos += len(cline)
    return cmap


def _inline_blocks(article, tok, lines, line_offsets, kind, level, marker) -> None:
    cmap = _content_map(tok, lines, line_offsets)
    raw = tok.content
    children = tok.children or []
    # Split on line breaks: a paragraph made only of emphasised lines (or images) is a stack of captions.
    groups: list[list[Any]] = [[]]
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            groups.append([])
        else:
            groups[-1].append(child)
    lines = [g for g in groups if g]
    captions = all(_caption_like(g) for g in lines)
    if kind == "paragraph" and lines and (captions or _repeats_a_line(lines)):
        # One block per line: a stack of captions, or a line pasted twice with no blank line between.
        cursor = 0
        for g in lines:
            builder = TextBuilder()
            cursor = _emit(g, raw, cmap, builder, cursor)
            text, smap = builder.stripped()
            if not text:
                continue
            if _caption_like(g):
                mark = "image" if any(c.type == "image" for c in g) else "emphasis"
                _with_code(article.add_block("caption", text, smap, marker=mark), builder)
            else:
                _with_code(article.add_block("paragraph", text, smap), builder)
        return
    builder = TextBuilder()
    _emit(children, raw, cmap, builder, 0)
    text, smap = builder.stripped()
    if kind == "paragraph" and BYLINE.match(text):
        kind = "byline"
    cell = kind == "cell"
    if cell:
        kind = "line"
    if text and cell:
        article.add_block(kind, text, smap).attrs["table_cell"] = True  # data, not prose or furniture
    elif text or kind == "list_item":
        if not text:
            smap.add(0, 0, cmap.source_start, 1)
        _with_code(article.add_block(kind, text, smap, heading_level=level, marker=marker), builder)


def _with_code(block, builder: TextBuilder) -> None:
    """Record the block's code spans (`like this`), as offsets in its stripped text."""
    if builder.code:
        raw = builder.text()
        lead = len(raw) - len(raw.lstrip())
        block.attrs["code_spans"] = [(max(0, a - lead), max(0, b - lead)) for a, b in builder.code]


def _repeats_a_line(lines: list[list[Any]]) -> bool:
    text = ["".join(c.content for c in g).strip() for g in lines]
    return any(a and a == b for a, b in zip(text, text[1:]))


def _caption_like(group: list[Any]) -> bool:
    """An image alone, or a line wholly in emphasis (`*Photo: ...*`)."""
    kinds = [c.type for c in group if not (c.type == "text" and not c.content.strip())]
    if kinds == ["image"]:
        return True
    return len(kinds) >= 3 and kinds[0] in ("em_open", "strong_open") and kinds[-1] in ("em_close", "strong_close")


def _emit(children, raw: str, cmap: SourceMap, builder: TextBuilder, cursor: int) -> int:
    """Append the readable text of inline children, locating each piece in the raw content."""
    for child in children:
        if child.type in ("text", "code_inline"):
            piece = child.content
        elif child.type == "image":
            piece = child.content  # alt text
        elif child.type in ("softbreak", "hardbreak"):
            piece = " "
        else:
            continue
        if not piece:
            continue
        if child.type == "code_inline":  # where code sits in the block's text: house rules leave it alone
            builder.code.append((builder.length, builder.length + len(piece)))
        at = raw.find(piece, cursor) if piece != " " else raw.find("\n", cursor)
        loose = None
        if at < 0 and piece.strip():
            # A code span or a line break turned newlines into spaces: find the piece with any whitespace.
            loose = re.compile(r"\s+".join(re.escape(part) for part in piece.split())).search(raw, cursor)
        if at >= 0:
            src = cmap.to_source(at)
            src_len = len(piece)
            cursor = at + len(piece)
        elif loose is not None and loose.group().split() == piece.split():
            src = cmap.to_source(loose.start())
            src_len = loose.end() - loose.start()
            cursor = loose.end()
        else:  # escapes or entities changed the text: map it onto the raw stretch as a whole
            src = cmap.to_source(cursor)
            src_len = max(1, min(len(piece), len(raw) - cursor))
            cursor = min(len(raw), cursor + len(piece))
        builder.add(piece, src, src_len)
    return cursor


def _html_block(article: Article, tok: Any, line_offsets: list[int]) -> None:
    """Raw HTML in a Markdown draft (a CMS widget, a figure) is read like an HTML fragment."""
    from copydesk.document import SourceText
    from copydesk.readers.html import read_html

    if not tok.content.strip() or tok.content.lstrip().startswith("<!--"):
        return
    offset = line_offsets[tok.map[0]]
    raw = article.source.text[offset:offset + len(tok.content)]
    if raw != tok.content:  # markdown-it normalised something (tabs, line ends): positions would drift
        return
    fragment = Article(path=article.path, source=SourceText(tok.content), format="html")
    try:
        read_html(fragment)
    except ReaderError:
        return  # half an element split across Markdown blocks: leave it to the reader of the whole page
    for block in fragment.blocks:
        if block.origin != "body":
            continue
        new = article.add_block(block.kind, block.text, block.map.shifted(offset), heading_level=block.heading_level,
                                region=block.region, marker=block.marker)
        new.attrs.update(block.attrs)
