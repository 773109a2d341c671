"""Which files a check reads: folders walked in a stable order, drafts recognised by their suffix."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator

SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm"}
# Folders no newsroom keeps drafts in, and that are large: never walked.
SKIPPED_FOLDERS = ("node_modules", "__pycache__")


class MissingPath(Exception):
    """A path named on the command line (or by a library caller) does not exist; one line for the user."""


def iter_files(paths: list[str], excluded: Callable[[str], bool] = lambda p: False) -> Iterator[str]:
    """Files to check, in a stable order: explicit files as given, folders walked without following symlinks.
    '-' (stdin) passes through as it is."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS)
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if Path(name).suffix.lower() in SUFFIXES and not os.path.islink(full) and not excluded(full):
                        yield full
        elif p.exists():
            if not excluded(raw):
                yield raw
        else:
            raise MissingPath(f"no such file or directory: {raw}")
