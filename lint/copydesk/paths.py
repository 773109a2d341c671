"""Where copydesk's shipped data lives: its rule cards, word lists and house styles."""

from __future__ import annotations

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
