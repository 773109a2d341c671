"""A stable identity for each finding (file, rule, flagged text), shared by every report, baselines and verdicts."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copydesk.engine import FileResult

FINGERPRINT_VERSION = 2


def fingerprint_path(path: str) -> str:
    """The file as a fingerprint names it: forward slashes, no leading "./"."""
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def fingerprints(result: "FileResult") -> list[str]:
    """A stable identity for each finding of a file, in the order of result.findings: a hash of the file's path
    (result.fingerprint_path: relative to the project's config folder when the file is under it), the rule and
    the flagged text with whitespace folded, numbered in reading order when the same rule flags the same text
    more than once. Lines moving, edits elsewhere in the file, even elsewhere in the same paragraph, and a change
    of the finding's confidence or rank leave it as it was; editing the flagged words makes a new finding."""
    path = fingerprint_path(getattr(result, "fingerprint_path", None) or result.path)
    order = sorted(range(len(result.findings)), key=lambda i: (result.findings[i].line, result.findings[i].column,
                                                               result.findings[i].end_line, result.findings[i].end_column))
    seen: Counter = Counter()
    out = [""] * len(result.findings)
    for i in order:
        f = result.findings[i]
        basis = (path, f.code, " ".join(f.excerpt.split()))
        seen[basis] += 1
        raw = "\0".join((*basis, str(seen[basis])))
        out[i] = hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return out


def line_fingerprints(result: "FileResult") -> list[str]:
    """The version 1 identity (file, rule, text of the finding's first line), kept to read baselines written
    before version 2."""
    seen: Counter = Counter()
    out = []
    path = result.path.replace("\\", "/")
    for f in result.findings:
        text = " ".join(result.lines.get(f.line, "").split())
        basis = (path, f.code, text)
        seen[basis] += 1
        raw = "\0".join((*basis, str(seen[basis])))
        out.append(hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()[:32])
    return out
