"""Turns a file on disk (or stdin) into an Article: decoding, format detection, one reader per format."""

from __future__ import annotations

from pathlib import Path

from copydesk.document import Article, SourceText

FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
BINARY_SNIFF = 8192


class ReaderError(Exception):
    """The file cannot be read as a draft; the message is one line for the user."""


class BinaryFile(ReaderError):
    """The file looks binary; it is skipped with a notice, not an error."""


def detect_format(path: str) -> str | None:
    return FORMATS.get(Path(path).suffix.lower())


def decode(data: bytes) -> tuple[str, list[str]]:
    """Bytes to text: BOMs honoured, binary refused, bad UTF-8 replaced with a warning."""
    notices: list[str] = []
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), notices
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), ["invalid UTF-16 sequences were replaced with U+FFFD"]
    if b"\x00" in data[:BINARY_SNIFF]:
        raise BinaryFile("binary file (NUL bytes), skipped")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), notices
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        notices.append(f"not valid UTF-8 (first bad byte on line {line}); undecodable bytes shown as U+FFFD")
        return data.decode("utf-8", errors="replace"), notices


def parse_text(text: str, path: str, fmt: str, notices: list[str] | None = None) -> Article:
    """Parse decoded text of a known format into an Article."""
    article = Article(path=path, source=SourceText(text), format=fmt, notices=list(notices or []))
    if fmt == "md":
        from copydesk.readers.markdown import read_markdown

        read_markdown(article)
    elif fmt == "html":
        from copydesk.readers.html import read_html

        read_html(article)
    else:
        from copydesk.readers.plain import read_plain

        read_plain(article)
    return article


def read_article(path: str, data: bytes, fmt: str | None = None, max_bytes: int | None = None) -> Article:
    """Bytes of a draft to an Article; raises ReaderError with a one-line reason."""
    fmt = fmt or detect_format(path) or "txt"
    if max_bytes is not None and len(data) > max_bytes:
        raise ReaderError(f"file is {len(data):,} bytes, over the {max_bytes:,}-byte limit (max-file-bytes)")
    text, notices = decode(data)
    return parse_text(text, path, fmt, notices)
