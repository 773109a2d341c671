"""What kind of copy a draft is (news, opinion, review, first-person blog, how-to, product round-up), from evidence.

The reporter's-voice rules are written for news reporting. In a column, a review or a first-person blog the
writer's judgement is the point; in a how-to page or a product round-up "you could save an hour" is advice,
not a forecast. So the engine reads the genre once per article, records it with its evidence in the report,
and makes the rules that judge the reporter's voice advisory there (docs/configuration.md#genre): they are
still shown, ranked after the rest, and never fail the default gate.

Evidence is read in order of trust: what the page or front matter declares (front-matter type, genre,
section or tags; HTML og:type and article:section; schema.org @type such as OpinionNewsArticle or
ReviewNewsArticle; path segments such as /opinion/), then the shape of the text (first-person narration,
second-person instruction, review verdicts and scores, product cards with prices). Declared metadata wins;
the text decides only when nothing is declared, and only on strong, repeated signals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from copydesk.document import Article

GENRES = ("news", "opinion", "review", "personal", "howto", "product")

# What each genre does to the rules by default. "voice": the neutrality rules (the reporter's own judgement);
# "speculation": SRC003. In an opinion piece, a review or a first-person blog the writer's voice is expected,
# and the writer's guesses are the argument ("Maybe the league should..."); in a how-to or product page advice
# about what could happen is the point.
DEFAULT_POLICY: dict[str, tuple[str, ...]] = {
    "news": (),
    "opinion": ("voice", "speculation"),
    "review": ("voice", "speculation"),
    "personal": ("voice", "speculation"),
    "howto": ("voice", "speculation"),
    "product": ("voice", "speculation"),
}
POLICY_VALUES = ("advisory", "on")  # per genre in config: [tool.copydesk.genres] review = "on"

# Words a page or front matter uses for each genre (lowercased, after splitting on non-letters).
DECLARED: dict[str, frozenset[str]] = {
    "opinion": frozenset("opinion opinions column columns columnist editorial editorials op-ed oped commentary "
                         "comment letters letter leader satire essay perspective perspectives viewpoint "
                         "viewpoints analysis".split()),
    "review": frozenset("review reviews critique".split()),
    "personal": frozenset("blog blogs blogposting diary".split()),
    "howto": frozenset("how-to howto guide guides tips advice tutorial recipe recipes".split()),
    "product": frozenset("deals deal shopping buying-guide gift-guide gifts best-of product products".split()),
}
# schema.org types (https://schema.org/NewsArticle and its subtypes).
SCHEMA_TYPES = {
    "opinionnewsarticle": "opinion", "analysisnewsarticle": "opinion", "backgroundnewsarticle": "news",
    "reviewnewsarticle": "review", "review": "review", "criticreview": "review", "blogposting": "personal",
    "howto": "howto", "recipe": "howto", "medicalwebpage": "howto", "product": "product",
    "newsarticle": "news", "reportagenewsarticle": "news",
}
META_KEYS = ("genre", "type", "section", "article:section", "article_type", "category", "categories", "kind",
             "tags", "og:type")
_SCHEMA = re.compile(r'"@type"\s*:\s*(?:\[\s*)?"([A-Za-z]+)"')
_URL = re.compile(r'<link\b[^>]*rel\s*=\s*["\']?canonical[^>]*href\s*=\s*["\']([^"\'>\s]+)|'
                  r'<meta\b[^>]*property\s*=\s*["\']og:url["\'][^>]*content\s*=\s*["\']([^"\'>\s]+)', re.I)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|my|me|myself)\b")
_SECOND_PERSON = re.compile(r"\b(?:you|your|you're|you'll|yourself)\b", re.I)
# The marks of a writer speaking in their own voice, outside quotation marks: "I" or "we", a contraction
# ("don't", "it's"; news style spells them out outside quotes), "you", a question or an exclamation.
_VOICE_MARKS = (
    ("the first person", re.compile(r"\b(?:I|me|my|myself|we|our|us|ourselves)\b|\b(?:I|we)[’'](?:m|ve|d|ll|re)\b")),
    ("contractions", re.compile(r"\b\w+n[’']t\b|\b\w+[’'](?:re|ve|ll|m|d)\b|\b(?:it|that|there|here|what|let)[’']s\b", re.I)),
    ("the reader addressed", re.compile(r"\b(?:you|your|yourself)\b", re.I)),
    ("questions", re.compile(r"\?")),
    ("exclamations", re.compile(r"!")),
)
VOICE_MIN_PARAGRAPHS = 5  # paragraphs in the writer's own voice, at least
VOICE_SHARE = 0.4  # of the story's paragraphs
_SCORE = re.compile(r"(?:\b\d(?:\.\d)?\s*/\s*(?:5|10)\b|\b\d(?:\.\d)? out of (?:5|10|five|ten)\b|[★☆]{3,}|"
                    r"^(?:verdict|rating|our rating|score|the verdict|pros|cons|the good|the bad)\s*:)", re.I | re.M)
_PRICE = re.compile(r"(?:[$£€]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:USD|EUR|GBP)\b)")
_SHOP = re.compile(r"\b(?:buy|shop|available at|see it at|add to cart|check price|deal)\b", re.I)


@dataclass
class Genre:
    name: str = "news"
    evidence: list[str] = field(default_factory=list)  # what decided it, in words an editor can check
    declared: bool = False  # from metadata, not read from the text

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "declared": self.declared, "evidence": self.evidence}


def _words(value: Any, whole: bool = False) -> list[str]:
    """A metadata value's words ("Opinion | Columnists" gives opinion and columnists). A tag list counts
    only whole tags: a news story tagged "consumer advice" is not a how-to page."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            low = item.strip().lower()
            out.append(low)
            if not whole:
                out += [w for w in re.split(r"[^a-z-]+", low) if w]
    return out


def _declared_genre(word: str) -> str | None:
    for genre, words in DECLARED.items():
        if word in words:
            return genre
    return None


def declared(article: Article) -> Genre | None:
    """The genre the draft or its page declares, with the key that said so."""
    if article.meta.get("opinion") is True or str(article.meta.get("article:opinion", "")).lower() == "true":
        return Genre("opinion", ["declared an opinion piece (opinion: true, or an opinion-files path)"], True)
    for key in META_KEYS:
        for word in _words(article.meta.get(key), whole=key == "tags"):
            genre = _declared_genre(word)
            if genre:
                return Genre(genre, [f"{key}: {word}"], True)
    if article.format == "html":
        text = article.source.text
        for match in _SCHEMA.finditer(text):
            genre = SCHEMA_TYPES.get(match.group(1).lower())
            if genre and genre != "news":
                return Genre(genre, [f"schema.org @type {match.group(1)}"], True)
        for match in _URL.finditer(text):
            found = _from_path(match.group(1) or match.group(2), "page address")
            if found:
                return found
    return _from_path(article.path, "path", local=True)


# Folder names a newsroom's own repository uses for its workflow ("review/" for copy waiting to be read,
# "comment/" for notes): in a file's path they say where a draft is in the process, not what kind it is.
WORKFLOW_FOLDERS = frozenset("review comment comments letter guide deal".split())


def _from_path(path: str, what: str, local: bool = False) -> Genre | None:
    """A folder or address segment that names a genre: /opinion/, /reviews/, /blog/, /how-to/."""
    # Whole folders only, not the file name or a slug's words ("/opinion-poll-finds-.../" is news).
    segments = [s for s in re.split(r"[/?#]+", path.lower()) if s][:-1]
    for segment in segments:
        if local and segment in WORKFLOW_FOLDERS:
            continue
        genre = _declared_genre(segment)
        if genre:
            return Genre(genre, [f"{what} segment /{segment}/"], True)
    return None


def from_text(article: Article) -> Genre:
    """The genre the narration's shape shows, when nothing is declared. Only strong, repeated signals count:
    a news story quotes people who say "I" and "you", so the words inside quotation marks are left out, and a
    share of the paragraphs must carry the signal, not one."""
    from copydesk.voice import narration_blocks

    blocks = [b for b in narration_blocks(article) if b.kind in ("paragraph", "list_item", "line")]
    if len(blocks) < 3:
        return Genre()
    signals = [_signals(b.text, tuple(b.quotes)) for b in blocks]
    first = sum(s.first_person for s in signals)
    second = sum(s.second_person for s in signals)
    n = len(blocks)
    text = "\n".join(b.text for b in blocks)
    scores = len(_SCORE.findall(text))
    prices = sum(s.price for s in signals)
    shops = sum(s.shop for s in signals)
    if scores >= 2:
        return Genre("review", [f"{scores} review scores or verdict labels"])
    if prices >= 4 and shops >= 3 and prices >= n * 0.15:
        return Genre("product", [f"{prices} of {n} paragraphs carry a price, {shops} a shop line"])
    if second >= 4 and second >= n * 0.3:
        return Genre("howto", [f"{second} of {n} paragraphs address the reader as 'you'"])
    if first >= 4 and first >= n * 0.3:
        return Genre("personal", [f"{first} of {n} paragraphs are narrated in the first person"])
    return _commentary(blocks) or Genre()


def _commentary(blocks: list) -> Genre | None:
    """A column or a blog post read from its voice: many of its paragraphs (not one) talk to the reader in the
    writer's own words, with two kinds of mark or more. A news report keeps those inside its quotations."""
    prose = [b for b in blocks if b.kind == "paragraph" and len(b.text.split()) >= 8]
    voiced = 0
    kinds: set[str] = set()
    for b in prose:
        marks = _signals(b.text, tuple(b.quotes)).voice_marks
        voiced += bool(marks)
        kinds.update(marks)
    if voiced >= VOICE_MIN_PARAGRAPHS and voiced >= VOICE_SHARE * len(prose) and len(kinds) >= 2:
        return Genre("opinion", [f"{voiced} of {len(prose)} paragraphs speak in the writer's own voice "
                                 f"({', '.join(sorted(kinds))}) outside quotations"])
    return None


class BlockSignals(NamedTuple):
    """What one block shows of its genre, outside its quotations."""

    first_person: bool
    second_person: bool
    price: bool
    shop: bool
    voice_marks: tuple[str, ...]


@lru_cache(maxsize=4096)  # a pure function of the block: a warm re-check reads only the blocks that changed
def _signals(text: str, quotes: tuple[tuple[int, int], ...]) -> BlockSignals:
    own = outside_quotes(text, list(quotes))
    return BlockSignals(bool(_FIRST_PERSON.search(own)), bool(_SECOND_PERSON.search(own)),
                        bool(_PRICE.search(text)), bool(_SHOP.search(text)),
                        tuple(name for name, rx in _VOICE_MARKS if rx.search(own)))


def outside_quotes(text: str, quotes: list[tuple[int, int]]) -> str:
    """The text with its quotations left out: the writer's own words."""
    if not quotes:
        return text
    out, at = [], 0
    for q0, q1 in sorted(quotes):
        out.append(text[at:q0])
        at = max(at, q1)
    out.append(text[at:])
    return " ".join(out)


def article_genre(article: Article) -> Genre:
    """Declared first, else read from the text; kept in article.cache."""
    if "genre" not in article.cache:
        article.cache["genre"] = declared(article) or from_text(article)
    return article.cache["genre"]


def relaxed(genre: str, overrides: dict[str, str] | None = None) -> tuple[str, ...]:
    """What the genre makes advisory, after the config's per-genre overrides ("on": judge it as news)."""
    if (overrides or {}).get(genre) == "on":
        return ()
    return DEFAULT_POLICY.get(genre, ())


def affected(card: Any, relax: tuple[str, ...]) -> bool:
    """The card judges what the genre relaxes: the writer's voice (neutrality) or speculation (SRC003)."""
    return ("voice" in relax and card.category == "neutrality") or (
        "speculation" in relax and card.kind == "speculation")
