"""Where copydesk's data lives: its shipped rule cards, word lists and house styles, and the user cache."""

from __future__ import annotations

import os
from pathlib import Path


def _shipped(folder: str) -> Path:
    """A folder shipped with copydesk: the checkout's in an editable install (so edits apply at once), else the
    wheel's copy inside the package."""
    here = Path(__file__).resolve().parent
    checkout = here.parents[1]
    if (checkout / folder).is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / folder
    return here / folder


def default_styles_dir() -> Path:
    """Where the styles shipped with copydesk live (newsroom-basic)."""
    return _shipped("styles")


def default_rules_dir() -> Path:
    """copydesk's own rule cards."""
    return _shipped("rules")


def user_cache_dir() -> Path:
    """The user's cache for what copydesk derives once per machine from its dependencies' data (the pronouncing
    dictionary's index, the language model unpacked): $XDG_CACHE_HOME/copydesk, else ~/.cache/copydesk."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "copydesk"
