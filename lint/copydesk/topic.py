"""What an article is about, from its own words: content lemmas per block, where each recurs, the names it
mentions and the years it talks about. Built once per article for the relevance rules."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
import importlib.util
from pathlib import Path
from statistics import median

from copydesk.docfacts import doc_fact
from copydesk.document import Article, Block
from copydesk.kinds.text import STOPWORDS
from copydesk.voice import is_english

CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
# Words every news paragraph uses: a headline sharing them with a paragraph says nothing about its subject.
GENERIC = frozenset("say tell add new year day time people make take get give go come see know week month world "
                    "man woman report news update live watch read latest video photo".split())
# People, organisations, places, nationalities and events: what ties a paragraph to a story. Dates, numbers
# and works of art are not a story's cast.
CAST_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT"}
YEAR = re.compile(r"(?<![\d.,$£€-])(1[89]\d\d|20\d\d)(?![\d%]|[.,]\d)")
_NAME_WORD = re.compile(r"[^\W\d_]{3,}")


@lru_cache(maxsize=1)
def familiar_words() -> frozenset[str]:
    """The Dale-Chall list of words most fourth-graders know, as textstat ships it. A familiar word shared by
    two paragraphs ("people", "year", "make") says little about their sharing a subject."""
    # Found without importing textstat, whose import pulls in its hyphenation dictionaries (0.3 s).
    spec = importlib.util.find_spec("textstat")
    try:
        folder = Path(next(iter(spec.submodule_search_locations)))  # type: ignore[union-attr]
        text = (folder / "resources" / "en" / "easy_words.txt").read_text(encoding="utf-8")
    except (AttributeError, StopIteration, TypeError, OSError):  # pragma: no cover - textstat is a dependency
        return frozenset()
    return frozenset(w.strip().lower() for w in text.split() if w.strip())


@lru_cache(maxsize=16384)
def name_words(text: str) -> frozenset[str]:
    """The distinctive words of a name: 'Russia's President Putin' -> {'russia', 'president', 'putin'} minus
    the familiar ones, so 'New' or 'House' alone never links two names."""
    text = text.replace("’s", "").replace("'s", "")
    capitals = [w[0] for w in re.findall(r"\b[A-Z][a-z]+", text)]
    acronym = {"".join(capitals).lower()} if len(capitals) >= 2 else set()  # European Union -> eu
    found = (set(_NAME_WORD.findall(text.lower())) - STOPWORDS) | {w.lower() for w in re.findall(r"\b[A-Z]{2,}\b", text)}
    found |= {a.replace(".", "").lower() for a in _ACRONYM.findall(text)}  # U.S. -> us
    rare = found - familiar_words()
    return frozenset((rare or found) | acronym)


@dataclass
class BlockProfile:
    block: Block
    lemmas: list[str]  # content lemmas in order, lower case
    names: list[tuple[str, str]]  # (label, text) of the people, places and organisations it names
    years: list[int]
    words: set[str] = field(default_factory=set)  # every word, lower case, for finding a name elsewhere

    @property
    def lemma_set(self) -> set[str]:
        cached = self.__dict__.get("_lemma_set")
        if cached is None:
            cached = self.__dict__["_lemma_set"] = set(self.lemmas)
        return cached


@dataclass
class Profile:
    """The article's blocks as bags of lemmas and names, and how many blocks each lemma occurs in."""

    blocks: list[BlockProfile]
    lemma_blocks: Counter  # lemma -> number of blocks it occurs in
    word_blocks: Counter  # word -> number of blocks it occurs in
    story_year: int | None

    def elsewhere(self, bp: BlockProfile, word: str) -> bool:
        """The word occurs in some other block of the article."""
        return self.word_blocks[word] - (word in bp.words) > 0

    def lemma_elsewhere(self, bp: BlockProfile, lemma: str) -> bool:
        return self.lemma_blocks[lemma] - (lemma in bp.lemma_set) > 0


_WORDS = re.compile(r"[^\W_]+")
_ACRONYM = re.compile(r"\b(?:[A-Z]\.){2,}")


def _profile_block(block: Block) -> BlockProfile:
    lemmas: list[str] = []
    names: list[tuple[str, str]] = []
    for _, doc in block.docs:
        doc_lemmas, doc_names = doc_fact(doc, "topic_terms", _doc_terms)
        lemmas += doc_lemmas
        names += doc_names
    years = [int(y) for y in YEAR.findall(block.text)]
    words = {w.lower() for w in _WORDS.findall(block.text.replace("’s", "").replace("'s", ""))}
    words |= {a.replace(".", "").lower() for a in _ACRONYM.findall(block.text)}  # U.S. -> us
    return BlockProfile(block, lemmas, names, years, words)


def _doc_terms(doc) -> tuple[list[str], list[tuple[str, str]]]:
    """A Doc's content lemmas and cast names: the same for the same parse, so kept on the Doc."""
    lemmas = [tok.lemma_.lower() for tok in doc
              if tok.pos_ in CONTENT_POS and tok.is_alpha and not tok.is_stop and len(tok.text) > 2]
    return lemmas, [(e.label_, e.text) for e in doc.ents if e.label_ in CAST_LABELS]


def article_year(article: Article) -> int | None:
    """The year the front matter or the page's metadata dates the article, if it does."""
    from copydesk.dates import article_date  # dates imports nothing from here; kept lazy to stay light

    when = article_date(article)
    return when.year if when else None


def profile(article: Article) -> Profile | None:
    """The article's profile, built once; None when the draft is not English (the lemmas would be noise)."""
    if "topic" in article.cache:
        return article.cache["topic"]
    result = None
    if is_english(article):
        story = set(id(b) for b in article.story_blocks())
        # The headline, dek and metadata count as the story's own words; furniture regions do not.
        blocks = [_profile_block(b) for b in article.blocks if id(b) in story or not b.in_body]
        lemma_blocks: Counter = Counter()
        word_blocks: Counter = Counter()
        for bp in blocks:
            lemma_blocks.update(set(bp.lemmas))
            word_blocks.update(bp.words)
        year = article_year(article)
        if year is None:
            years = [y for bp in blocks for y in bp.years]
            year = int(median(years)) if years else None
        result = Profile(blocks, lemma_blocks, word_blocks, year)
    article.cache["topic"] = result
    return result


def shared_names(prof: Profile, bp: BlockProfile) -> tuple[list[str], list[str]]:
    """(names also found in another block, names found nowhere else), each name once."""
    shared, new = [], []
    seen: set[str] = set()
    for _, text in bp.names:
        key = text.lower()
        if key in seen:
            continue
        seen.add(key)
        if any(prof.elsewhere(bp, w) for w in name_words(text)):
            shared.append(text)
        else:
            new.append(text)
    return shared, new


def describe(names: list[str], limit: int = 3) -> str:
    """'Moldova, the European Union and 2 more' for a message."""
    names = list(dict.fromkeys(re.sub(r"(?:\s+(?:of|for|and|in|on|to|the))+$", "", n.strip()) for n in names))
    shown = names[:limit]
    more = len(names) - len(shown)
    if more:
        return ", ".join(shown) + f" and {more} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def lemma_share(prof: Profile, bp: BlockProfile, others: set[str] | None = None) -> float:
    """The share of the block's content lemmas (counted with repeats) that occur in another block, or in
    `others` when given."""
    if not bp.lemmas:
        return 1.0
    if others is None:
        return sum(prof.lemma_elsewhere(bp, w) for w in bp.lemmas) / len(bp.lemmas)
    return sum(w in others for w in bp.lemmas) / len(bp.lemmas)

