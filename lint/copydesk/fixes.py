"""Safe, mechanical fixes (--fix, --diff): delete the lines of exact pasted copies, furniture lines and empty
bullets, and put a house style's one-to-one substitutions in place; nothing else. Writes are atomic and
refuse anything that could lose data."""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO

_BLANK = re.compile(r"^[ \t]*(?:\r\n|\r|\n)?$")


class FixRefused(Exception):
    """This file is not rewritten; the reason is one line for the user."""


def fixed_text(text: str, ranges: list[list[int]]) -> tuple[str, int]:
    """The text without the given 1-based inclusive line ranges, and how many ranges were applied. A blank
    line left doubled by a deletion goes too, so paragraphs keep one blank line between them."""
    lines = text.splitlines(keepends=True)
    drop: set[int] = set()
    applied = 0
    for first, last in sorted({tuple(r) for r in ranges}):
        if first < 1 or last > len(lines) or first > last:
            continue
        drop.update(range(first - 1, last))
        applied += 1
        after = last  # index of the line after the range
        before = first - 2
        if after < len(lines) and _BLANK.match(lines[after]) and (before < 0 or _BLANK.match(lines[before])
                                                                   or before in drop):
            drop.add(after)
    kept = [line for i, line in enumerate(lines) if i not in drop]
    if kept and text.endswith(("\n", "\r")) and not kept[-1].endswith(("\n", "\r")):
        kept[-1] += "\n"  # the file still ends with a line break
    return "".join(kept), applied


def replaced_text(text: str, findings) -> tuple[str, int]:
    """The text with each finding's replacement put where its span is (a house style's one-to-one swap), and how
    many were applied. A span is replaced only where the file holds exactly the text the finding saw (not an
    HTML entity, not text that has moved), and never inside lines another fix deletes."""
    from copydesk.document import SourceText

    source = SourceText(text)
    deleted = {n for f in findings if f.fix for n in range(f.fix[0], f.fix[1] + 1)}
    spans = []
    for f in findings:
        if f.replacement is None or f.line != f.end_line or f.line in deleted or "\n" in f.replacement:
            continue
        start = source.line_starts[f.line - 1] + f.column - 1
        end = source.line_starts[f.line - 1] + f.end_column - 1
        if text[start:end] == f.excerpt:
            spans.append((start, end, f.replacement))
    spans.sort()
    kept, reach = [], -1
    for start, end, new in spans:  # overlapping replacements: the first one only
        if start >= reach:
            kept.append((start, end, new))
            reach = end
    for start, end, new in reversed(kept):
        text = text[:start] + new + text[end:]
    return text, len(kept)


def fixed_draft(text: str, findings) -> tuple[str, int]:
    """The text with the safe fixes of these findings applied, exactly as `--fix` applies a file's: the
    one-to-one replacements first, then the line deletions; and how many were applied. Give every finding of a
    check for `--fix`'s result, or one for a single fix (the desk's "apply fix")."""
    findings = list(findings)
    swapped, replaced = replaced_text(text, findings)
    new_text, applied = fixed_text(swapped, [f.fix for f in findings if f.fix])
    return new_text, applied + replaced


def _decode_exactly(data: bytes) -> tuple[str, bytes]:
    """UTF-8 text and its BOM, only if it encodes back to the same bytes: anything else is not rewritten."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    try:
        text = data[len(bom):].decode("utf-8")
    except UnicodeDecodeError:
        raise FixRefused("not UTF-8, so not rewritten") from None
    return text, bom


def write_atomically(path: str, new: bytes, expected_sha: str) -> None:
    """Replace path with new bytes: refuse symlinks and files with several hard links, keep permissions,
    write a temporary file in the same folder, and re-check the content hash just before replacing."""
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode):
        raise FixRefused("a symbolic link, so not rewritten")
    if not stat.S_ISREG(st.st_mode):
        raise FixRefused("not a regular file, so not rewritten")
    if st.st_nlink > 1:
        raise FixRefused(f"has {st.st_nlink} hard links, so not rewritten")
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".copydesk-fix-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(new)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hashlib.sha256(Path(path).read_bytes()).hexdigest() != expected_sha:
            raise FixRefused("changed while copydesk was fixing it, so not rewritten")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def apply_fixes(results, write: bool, out: IO[str] | None = None) -> dict[str, int]:
    """Apply (write=True) or show as a unified diff (write=False) every fix in the results; returns
    {path: fixes applied}. Files that cannot be fixed safely are named on stderr and left alone."""
    out = out or sys.stdout
    done: dict[str, int] = {}
    for r in results:
        ranges = [f.fix for f in r.findings if f.fix]
        if not (ranges or any(f.replacement is not None for f in r.findings)) or r.path.startswith("<") or r.errors:
            continue
        try:
            data = Path(r.path).read_bytes()
            text, bom = _decode_exactly(data)
            new_text, applied = fixed_draft(text, r.findings)
            if not applied or new_text == text:
                continue
            if not write:
                out.writelines(difflib.unified_diff(text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                                    fromfile=f"a/{r.path}", tofile=f"b/{r.path}"))
            else:
                write_atomically(r.path, bom + new_text.encode("utf-8"), hashlib.sha256(data).hexdigest())
            done[r.path] = applied
        except FixRefused as exc:
            print(f"copydesk: {r.path}: {exc}", file=sys.stderr)
        except OSError as exc:
            print(f"copydesk: {r.path}: cannot fix: {(exc.strerror or str(exc)).lower()}", file=sys.stderr)
    return done
