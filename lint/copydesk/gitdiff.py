"""What changed since a git ref: the files (--changed-since) and their changed lines (--changed-lines)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)


class GitError(Exception):
    """git is missing, this is not a repository, or the ref is unknown; one line for the user."""


def _git(args: list[str], cwd: Path) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, errors="replace")
    except FileNotFoundError:
        raise GitError("--changed-since needs git, which is not installed") from None
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args[:2])}: {(proc.stderr.strip().splitlines() or ['failed'])[-1]}")
    return proc.stdout


def changed_files(ref: str, cwd: Path | None = None) -> set[str]:
    """Real paths of files added, copied, modified or renamed since ref (committed, staged or not), and
    untracked files: what a pull request or a commit would bring in."""
    cwd = cwd or Path.cwd()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).strip())
    _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    names = _git(["diff", "--name-only", "-z", "--diff-filter=ACMR", ref, "--"], top).split("\0")
    names += _git(["ls-files", "--others", "--exclude-standard", "-z"], top).split("\0")
    return {os.path.realpath(top / n) for n in names if n}


def changed_lines(ref: str, path: str) -> set[int] | None:
    """1-based line numbers added or changed in path since ref; None when the whole file is new."""
    folder = Path(path).resolve().parent
    if not _git(["ls-files", "--", Path(path).name], folder).strip():
        return None  # untracked: every line is new
    out = _git(["diff", "-U0", "--no-color", "--no-ext-diff", ref, "--", Path(path).name], folder)
    lines: set[int] = set()
    for m in _HUNK.finditer(out):
        start, count = int(m.group(1)), int(m.group(2) or 1)
        lines.update(range(start, start + count))
    return lines
