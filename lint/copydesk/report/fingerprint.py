"""A stable identity for each finding, shared by the SARIF and GitLab reports and baselines."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from copydesk.engine import FileResult


def fingerprints(result: "FileResult") -> list[str]:
    """A stable identity for each finding of a file, in order: its file, rule and the text of its line
    (whitespace folded), numbered when the same rule flags the same line text more than once. Lines
    moving up or down do not change it, so code-scanning services and baselines track a finding across
    commits."""
    import hashlib

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
