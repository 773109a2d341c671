"""Text normalisation shared by the kinds: folding case, whitespace and punctuation for comparison."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case-, accent-, whitespace- and punctuation-insensitive form of a text, for equality tests."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NON_WORD.sub(" ", text.replace("_", " "))
    return _SPACE.sub(" ", text).strip()


def word_count(text: str) -> int:
    return len(text.split())
