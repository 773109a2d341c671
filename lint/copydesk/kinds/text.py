"""Text helpers shared by the kinds: folding for comparison, content words, a cheap sentence splitter."""

from __future__ import annotations

import re
import unicodedata
import zlib
from functools import lru_cache

_NON_WORD = re.compile(r"[^\w\s]+")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

STOPWORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
on once only or other our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves said says say mr mrs ms one two
""".split())

# Abbreviations after which a full stop does not end a sentence (news style: titles, months, states).
ABBREVIATIONS = frozenset("""
mr mrs ms dr prof sen rep gov gen lt col sgt capt cmdr adm st jr sr rev hon pres supt insp det
inc co corp ltd llc bros no nos vs etc al approx dept est fig jan feb mar apr jun jul aug sep sept oct nov dec
mt ft ave blvd rd u.s u.k u.n e.g i.e a.m p.m ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass
mich minn miss mo mont neb nev okla ore pa tenn tex va vt wash wis wyo
""".split())


@lru_cache(maxsize=32768)
def fold(text: str) -> str:
    """Case-, accent-, whitespace- and punctuation-insensitive form of a text, for equality tests.

    Cached: several kinds fold the same blocks and sentences of one article."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _NON_WORD.sub(" ", text.replace("_", " "))
    return _SPACE.sub(" ", text).strip()


def clip(text: str, limit: int = 60) -> str:
    """Text for a message: whitespace collapsed, cut at a word boundary with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def word_count(text: str) -> int:
    return len(text.split())


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A crude stem: a few suffixes off, then the first six letters. Enough to match 'celebration' with
    'celebrated' or 'threatened' with 'threats' when comparing a summary with the body."""
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "ied", "ers", "ed", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


def content_words(text: str) -> set[str]:
    """Stemmed words that carry meaning (no stopwords, no one- or two-letter words)."""
    return {stem(w) for w in words(text) if len(w) > 2 and w not in STOPWORDS and not w.isdigit()}


@lru_cache(maxsize=65536)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode())


def shingle_hashes(tokens: list[str]) -> list[int]:
    """Stable (process-independent, unlike hash()) hashes of word bigrams, for sketching near-duplicates.

    Bigrams of two stopwords ("of the") are left out: every block has them, so they would make
    unrelated blocks look alike."""
    hashes = [_word_hash(t) for t in tokens]
    if len(hashes) < 2:
        return hashes
    return [((hashes[i] * 1_000_003) ^ hashes[i + 1]) & 0xFFFFFFFFFFFF for i in range(len(tokens) - 1)
            if tokens[i] not in STOPWORDS or tokens[i + 1] not in STOPWORDS]


_SENT_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s)|\s[-–—|]\s(?=[\"“‘(]?[A-Z0-9])")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of sentences in text. Splits after . ! ? (not after known abbreviations or
    initials) and at a spaced dash or bar between sentences, as CMS concatenation leaves them."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        token = text[max(start, text.rfind(" ", start, m.start()) + 1):m.start()].strip("\"“‘(").casefold()
        if m.group().startswith("."):
            if token in ABBREVIATIONS or (len(token) == 1 and token.isalpha()) or re.fullmatch(r"(?:\w\.)+\w", token):
                continue
        if m.group().strip() in "-–—|":  # the separator itself belongs to neither sentence
            end = m.start()
        piece = text[start:end].strip()
        if piece:
            lead = len(text[start:end]) - len(text[start:end].lstrip())
            spans.append((start + lead, start + lead + len(piece)))
        start = m.end()
    piece = text[start:].strip()
    if piece:
        lead = len(text[start:]) - len(text[start:].lstrip())
        spans.append((start + lead, start + lead + len(piece)))
    return [(a, b) for a, b in spans if text[a:b].strip(" -–—|")]
