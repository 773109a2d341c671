"""Plain-text reader: blank-line paragraphs; bullets and stand-alone lines become their own blocks."""

from __future__ import annotations

import re

from copydesk.document import Article, SourceMap

BULLET = re.compile(r"^[ \t]*(?:[•●▪◦‣∙·\u2023\u2043]|[-*–+](?=\s|$)|\d{1,3}[.)](?=\s))[ \t]*")
DIRECTIVE_LINE = re.compile(r"^\s*<!--\s*copydesk:.*-->\s*$")
BYLINE = re.compile(r"^(?:[Bb]y|[Ww]ords by|[Rr]eporting by)\s+[A-Z][\w.'’-]+(?:\s+(?:[A-Z][\w.'’-]+|and|&|de|van|von|der|la|le)){0,6}"
                    r"\s*(?:[,|/–—-].{0,60})?$")
TERMINAL = re.compile(r"[.!?…:;\"”’')\]]\s*$")


def _looks_wrapped(lines: list[tuple[int, str]]) -> bool:
    """A hard-wrapped paragraph: long non-final lines that do not end a sentence."""
    if len(lines) < 2:
        return False
    heads = [t for _, t in lines[:-1]]
    texts = [t.strip() for _, t in lines]
    if any(a == b for a, b in zip(texts, texts[1:])):
        return False  # a line pasted twice is two blocks, not one wrapped paragraph
    return all(len(t.strip()) >= 30 for t in heads) and sum(bool(TERMINAL.search(t)) for t in heads) <= len(heads) // 3


def read_plain(article: Article) -> None:
    text = article.source.text
    starts = article.source.line_starts
    run: list[tuple[int, str]] = []  # (offset of line start, line text)

    def flush() -> None:
        if not run:
            return
        if _looks_wrapped(run) and not any(BULLET.match(t) for _, t in run):
            _add_paragraph(article, run)
        else:
            for off, line in run:
                _add_line(article, off, line)
        run.clear()

    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        line = text[start:end].rstrip("\r\n")
        if not line.strip() or DIRECTIVE_LINE.match(line):
            flush()
            continue
        run.append((start, line))
    flush()


def _add_line(article: Article, offset: int, line: str) -> None:
    m = BULLET.match(line)
    if m:
        body = line[m.end():]
        lead = len(body) - len(body.lstrip())
        content = body.strip()
        smap = SourceMap()
        if content:
            smap.add(0, len(content), offset + m.end() + lead, len(content))
        else:  # an empty bullet still needs a position: it spans the marker
            marker_at = offset + len(line) - len(line.lstrip())
            smap.add(0, 0, marker_at, max(1, len(line.strip())))
        article.add_block("list_item", content, smap, marker=m.group().strip())
        return
    lead = len(line) - len(line.lstrip())
    content = line.strip()
    smap = SourceMap()
    smap.add(0, len(content), offset + lead, len(content))
    if BYLINE.match(content):
        kind = "byline"
    else:
        kind = "paragraph" if TERMINAL.search(content) and len(content.split()) > 3 else "line"
    article.add_block(kind, content, smap)


def _add_paragraph(article: Article, run: list[tuple[int, str]]) -> None:
    parts: list[str] = []
    smap = SourceMap()
    pos = 0
    for k, (off, line) in enumerate(run):
        lead = len(line) - len(line.lstrip())
        content = line.strip()
        if k:
            smap.add(pos, 1, off - 1, 1)  # the joining space stands for the line break
            parts.append(" ")
            pos += 1
        smap.add(pos, len(content), off + lead, len(content))
        parts.append(content)
        pos += len(content)
    article.add_block("paragraph", "".join(parts), smap)
