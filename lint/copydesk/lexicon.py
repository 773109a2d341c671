"""Word lists kept as data beside the rule cards (rules/lexicons/*.txt), read once and shared by the kinds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from copydesk.paths import default_rules_dir

POS_TAGS = ("ADJ", "ADV", "NOUN", "VERB", "*")
# Lists whose middle column is not a part of speech, and the values it may take there.
MIDDLE_COLUMN = {"evaluative-adverbs": ("sentence", "manner", "both")}


class LexiconError(Exception):
    """A word list is missing or has a malformed line; the message names the file and line."""


@dataclass(frozen=True)
class Entry:
    """One list entry: the word or phrase, the part of speech it counts in, and what to write instead."""

    text: str
    pos: str = "*"
    note: str = ""  # a neutral alternative, or what the word implies
    source: str = ""  # the list it came from

    @property
    def is_phrase(self) -> bool:
        return " " in self.text or "-" in self.text


def lexicon_dir() -> Path:
    return default_rules_dir() / "lexicons"


@lru_cache(maxsize=64)
def read_list(name: str) -> tuple[Entry, ...]:
    """Entries of rules/lexicons/<name>.txt. Lines: `text`, `text | note` or `text | POS | note`; # comments."""
    path = lexicon_dir() / f"{name}.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise LexiconError(f"word list {name!r} not found (looked for {path})") from None
    out: list[Entry] = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("|")]
        text = " ".join(parts[0].lower().split())
        if not text or len(parts) > 3:
            raise LexiconError(f"{path.name}:{number}: expected 'text', 'text | note' or 'text | POS | note'")
        if len(parts) == 3:
            pos, note = parts[1], parts[2]
            allowed = MIDDLE_COLUMN.get(name, POS_TAGS)
            if pos not in allowed:
                raise LexiconError(f"{path.name}:{number}: {pos!r} is not one of {', '.join(allowed)}")
        else:
            pos, note = "*", parts[1] if len(parts) == 2 else ""
        out.append(Entry(text, pos, note, name))
    return tuple(out)


@lru_cache(maxsize=64)
def word_set(name: str) -> frozenset[str]:
    return frozenset(e.text for e in read_list(name))


class PhraseIndex:
    """Finds a set of lists' entries in a sentence: single words by lemma and part of speech, phrases (and
    hyphenated words) by their words in order, with an optional plural ending. Linear in the text."""

    def __init__(self, names: tuple[str, ...]):
        self.words: dict[str, list[Entry]] = {}
        phrases: dict[str, Entry] = {}
        for name in names:
            for entry in read_list(name):
                if entry.is_phrase:
                    phrases.setdefault(entry.text, entry)
                else:
                    self.words.setdefault(entry.text, []).append(entry)
        self.phrases = phrases
        if phrases:
            alternatives = sorted((_phrase_pattern(p) for p in phrases), key=len, reverse=True)
            self.pattern: re.Pattern | None = re.compile(
                r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?:s|es)?(?![\w-])", re.IGNORECASE)
        else:
            self.pattern = None

    def phrase_for(self, matched: str) -> Entry | None:
        key = normalise(matched).replace("'", " ")
        key = " ".join(key.split())
        for candidate in (key, key[:-1], key[:-2]):
            if candidate in self.phrases:
                return self.phrases[candidate]
        return None


def normalise(matched: str) -> str:
    """Matched text in the form list entries are written in: lowercase, straight apostrophes, single spaces,
    hyphens closed up."""
    key = " ".join(matched.lower().replace("’", "'").split())
    return re.sub(r"\s*-\s*", "-", key)


@lru_cache(maxsize=16)
def text_pattern(names: tuple[str, ...]) -> tuple[re.Pattern, dict[str, Entry]]:
    """One alternation of every entry of the lists, words and phrases alike (longest first), and the entries
    by their text: for lists matched on the text, not on lemmas."""
    entries: dict[str, Entry] = {}
    for name in names:
        for entry in read_list(name):
            entries.setdefault(entry.text, entry)
    alternatives = sorted((_phrase_pattern(t) for t in entries), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE), entries


def _phrase_pattern(phrase: str) -> str:
    parts = re.split(r"(\s+|-)", phrase)
    out = []
    for part in parts:
        if part.isspace():
            out.append(r"\s+")
        elif part == "-":
            out.append(r"\s*-\s*")
        elif part:
            out.append(re.escape(part).replace("'", "['’]"))
    return "".join(out)


@lru_cache(maxsize=16)
def phrase_index(names: tuple[str, ...]) -> PhraseIndex:
    return PhraseIndex(names)
