"""Turns a file on disk (or stdin) into an Article: decoding, format detection, one reader per format."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from copydesk.document import Article, SourceText

FORMATS = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
BINARY_SNIFF = 8192


from copydesk.readers.errors import ReaderError  # noqa: E402  (the readers raise it; callers catch it here)


class BinaryFile(ReaderError):
    """The file looks binary; it is skipped with a notice, not an error."""


def detect_format(path: str) -> str | None:
    return FORMATS.get(Path(path).suffix.lower())


# Browsers read a page's declared charset from the first 1,024 bytes: <meta charset=...> or
# <meta http-equiv="Content-Type" content="text/html; charset=...">.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
# Front matter may declare an encoding for a legacy .md/.txt draft: "encoding: windows-1252" or "charset:".
_FRONT_MATTER_CHARSET = re.compile(rb"\A(?:\xef\xbb\xbf)?---\r?\n(?:[^\n]*\n){0,40}?(?:encoding|charset)\s*:\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
# The WHATWG Encoding Standard maps these labels to windows-1252, which Python keeps separate.
_LATIN1_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii", "cp819", "ibm819",
                  "iso_8859-1", "x-cp1252", "windows-1252", "cp1252"}


def declared_encoding(data: bytes, fmt: str) -> str | None:
    """The encoding a file declares where a browser (or an editor, for front matter) looks for it."""
    m = _META_CHARSET.search(data[:1024]) if fmt == "html" else _FRONT_MATTER_CHARSET.search(data[:4096])
    if not m:
        return None
    label = m.group(1).decode("ascii", "replace").strip().lower()
    if label in _LATIN1_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _bomless_utf16(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for mostly-ASCII text saved as UTF-16 without a byte-order mark: zero
    bytes in (nearly) every odd or every even position and almost nowhere else. Images, archives and other
    binaries do not have that rhythm, so they are still refused as binary."""
    head = data[:BINARY_SNIFF]
    if len(head) < 8 or len(head) % 2 or b"\x00" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd >= 0.9 and zeros_even <= 0.02:
        return "utf-16-le"
    if zeros_even >= 0.9 and zeros_odd <= 0.02:
        return "utf-16-be"
    return None


def decode(data: bytes, fmt: str = "txt") -> tuple[str, list[str]]:
    """Bytes to text as a browser decides: a byte-order mark, then the declared charset (HTML <meta> in the
    first 1,024 bytes, or front matter), then UTF-8; an HTML page that is not UTF-8 either is read as
    windows-1252 (what browsers fall back to for Western pages). Binary is refused; a text draft that is
    not valid UTF-8 gets its bad bytes replaced, with a notice."""
    notices: list[str] = []
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # UTF-32's mark, before UTF-16's prefix of it
        try:
            return data.decode("utf-32"), notices
        except UnicodeDecodeError:
            return data.decode("utf-32", errors="replace"), ["invalid UTF-32 sequences were replaced with U+FFFD"]
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16"), notices
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), ["invalid UTF-16 sequences were replaced with U+FFFD"]
    bare = _bomless_utf16(data)
    if bare:
        return data.decode(bare, errors="replace"), [f"no byte-order mark: read as {bare.upper()} from its pattern "
                                                     f"of zero bytes"]
    if b"\x00" in data[:BINARY_SNIFF]:
        raise BinaryFile("binary file (NUL bytes), skipped")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), notices
    declared = declared_encoding(data, fmt)
    if declared and declared not in ("utf-8", "utf_8"):
        try:
            return data.decode(declared), notices
        except UnicodeDecodeError:
            if declared != "cp1252":
                notices.append(f"not valid {declared} as declared; read as UTF-8 instead")
    try:
        return data.decode("utf-8"), notices
    except UnicodeDecodeError as exc:
        if fmt == "html":
            # Browsers read an undeclared (or wrongly declared) Western page as windows-1252; its five
            # unassigned bytes become spaces, one character each, so positions stay exact.
            return data.decode("cp1252", errors="replace").replace("\ufffd", " "), notices
        line = data[: exc.start].count(b"\n") + 1
        notices.append(f"not valid UTF-8 (first bad byte on line {line}) and no encoding declared in front matter "
                       f"(encoding: windows-1252); undecodable bytes shown as U+FFFD")
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
    text, notices = decode(data, fmt)
    return parse_text(text, path, fmt, notices)
