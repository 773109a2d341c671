"""Consistency kinds: one article, one way of saying things. A person titled or spelled two ways, a first
reference by surname only, relative times with no date to anchor them, dates that contradict each other,
and mixed date, percent and spelling styles."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from copydesk.dates import WEEKDAYS, article_date, has_dateline, mentions
from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding
from copydesk.framework import Option, kind
from copydesk.lexicon import read_list
from copydesk.voice import TITLE_WORDS, Sentence, narration_blocks, sentences

# -- names and titles ---------------------------------------------------------------------------------------

# Honorifics are style, not a title: "Mr. Putin" after "President Vladimir Putin" is consistent.
HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady", "mx", "prof", "professor"}
TITLE_DEPS = {"compound", "amod", "nmod", "nn"}


@dataclass
class Mention:
    sentence: Sentence
    start: int  # in block.text
    end: int
    name: str  # the name as written, possessive removed
    tokens: list[str]  # its words
    title: str  # the words before it that title it ("Chinese President"), or ""
    title_start: int
    tagged: bool = True  # the model tagged it PERSON (not found by matching a known name)

    @property
    def surname(self) -> str:
        return self.tokens[-1]

    @property
    def line(self) -> int:
        return self.sentence.block.start_line


def _title_before(sentence: Sentence, ent: Any) -> tuple[str, Any]:
    """The words directly before a name that modify it: 'Chinese President' in 'Chinese President Xi Jinping'.
    Stops at a determiner, a possessive or punctuation, which begin another phrase."""
    doc = ent.doc
    inside = set(range(ent.start, ent.end))
    j = ent.start - 1
    first = None
    while j >= sentence.span.start:
        tok = doc[j]
        if tok.is_punct or tok.pos_ in ("DET", "ADP", "PRON", "VERB", "AUX", "CCONJ", "NUM") or tok.tag_ == "POS":
            break
        if tok.dep_ not in TITLE_DEPS or not (tok.head.i in inside or (first is not None and tok.head.i >= first.i)):
            break
        if tok.ent_type_ == "PERSON":
            break
        inside.add(j)
        first = tok
        j -= 1
    if first is None:
        return "", None
    words = [t for t in doc[first.i:ent.start] if t.lower_.rstrip(".") not in HONORIFICS]
    return " ".join(t.text for t in words), first


def person_mentions(article: Article) -> list[Mention]:
    """Every PERSON the parse finds in the narration, with the title before it. Built once per article."""
    if "person_mentions" in article.cache:
        return article.cache["person_mentions"]
    out: list[Mention] = []
    for sentence in sentences(article, ("paragraph", "list_item", "caption", "quote")):
        if sentence.title_case:
            continue
        for ent in sentence.span.ents:
            if ent.label_ != "PERSON":
                continue
            words = [t for t in ent if t.is_alpha and t.lower_.rstrip(".") not in HONORIFICS]
            if not words or not all(w.text[:1].isupper() for w in words):
                continue  # "sailor", a lower-case tagging error
            last = words[-1]
            start = sentence.offset(words[0])
            end = sentence.offset(last) + len(last.text)
            title, first = _title_before(sentence, ent)
            title_start = sentence.offset(first) if first is not None else start
            out.append(Mention(sentence, start, end, " ".join(w.text for w in words),
                               [w.text for w in words], title, title_start))
    out = _untagged_mentions(article, out)
    article.cache["person_mentions"] = out
    return out


def _untagged_mentions(article: Article, tagged: list[Mention]) -> list[Mention]:
    """Mentions of the people already found that the tagger missed or labelled as something else: a known
    surname on its own ("Brandt closed the port"), or a known first name before a capitalised word ("Ilse
    Brant"). The small model often tags the same name PERSON once and ORG the next time."""
    surnames = {m.surname for m in tagged if len(m.tokens) >= 2}
    first_names = {m.tokens[0] for m in tagged if len(m.tokens) >= 2}
    # Spans already taken, per block: each token is checked against its own block's few mentions.
    covered: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for m in tagged:
        covered[m.sentence.block.index].append((m.start, m.end))
    extra: list[Mention] = []
    if not surnames:
        return tagged
    for sentence in sentences(article, ("paragraph", "list_item", "caption", "quote")):
        if sentence.title_case:
            continue
        toks = sentence.tokens
        spans = covered[sentence.block.index]
        for k, tok in enumerate(toks):
            if not tok.text[:1].isupper() or (tok.text not in first_names and tok.text not in surnames):
                continue
            start = sentence.offset(tok)
            if any(a <= start < e for a, e in spans):
                continue
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            if (tok.text in first_names and nxt is not None and nxt.text[:1].isupper() and nxt.is_alpha
                    and nxt.text not in first_names):
                end = sentence.offset(nxt) + len(nxt.text)
                extra.append(Mention(sentence, start, end, f"{tok.text} {nxt.text}", [tok.text, nxt.text], "", start,
                                     tagged=False))
                spans.append((start, end))
            elif tok.text in surnames and tok.ent_type_ in ("", "ORG", "PERSON", "NORP", "GPE"):
                extra.append(Mention(sentence, start, start + len(tok.text), tok.text, [tok.text], "", start,
                                     tagged=tok.ent_type_ == "PERSON"))
    return sorted(tagged + extra, key=lambda m: (m.sentence.block.index, m.start))


def _plausible_name(tokens: list[str]) -> bool:
    """Two or three capitalised words, none a title or an acronym: 'Glenn Beck', not 'UHD Smart' or
    'Toughest Sheriff', which the small model also tags PERSON."""
    return len(tokens) <= 3 and all(t[:1].isupper() and not t.isupper() and t.lower() not in TITLE_WORDS
                                    for t in tokens)


def _titled(m: Mention) -> bool:
    """The word before the name is a capitalised title or an honorific ("Sen. Ryan", "Gov. Perry")."""
    block = m.sentence.block
    before = block.text[max(0, m.start - 30):m.start].split()
    return bool(before) and (before[-1].rstrip(".").lower() in HONORIFICS | TITLE_WORDS
                             or (before[-1][:1].isupper() and before[-1].endswith(".")))



# Posts a person holds, as opposed to descriptions ("candidate", "activist") that legitimately vary.
FORMAL_TITLES = {"president", "senator", "governor", "mayor", "chancellor", "minister", "secretary", "speaker",
                 "premier", "ambassador", "commissioner", "leader", "chairman", "chairwoman", "chair", "judge",
                 "sheriff", "councillor", "councilman", "councilwoman", "representative", "prime", "king", "queen"}


def _head_word(title: str) -> str:
    return title.split()[-1].lower() if title else ""


def _modifiers(title: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in title.split()[:-1])


def _edit_distance(a: str, b: str, limit: int = 3) -> int:
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@kind(
    "inconsistent_name",
    options={
        "check": Option("list[str]", ["titles", "spellings", "first-reference"],
                        "what to compare: titles, spellings, first-reference"),
    },
    fields=("problem",),
    needs_nlp=("tags", "parse", "entities"),
)
def inconsistent_name(article: Article, card) -> Iterator[Finding]:
    """The same person titled two ways with the same modifiers ("Chinese President" and "Chinese leader"),
    "former" on one mention and not another, a name spelled two ways, or a first reference that gives only
    the surname when the full name comes later."""
    checks = set(card.options["check"])
    people = person_mentions(article)
    if not people:
        return
    full = [m for m in people if len(m.tokens) >= 2 and _plausible_name(m.tokens)]
    by_surname: dict[str, list[Mention]] = defaultdict(list)
    for m in full:
        by_surname[m.surname.lower()].append(m)
    reported: set[tuple[int, int]] = set()

    def finding(m: Mention, start: int, problem: str, confidence: float) -> Iterator[Finding]:
        key = (m.sentence.block.index, start)
        if key not in reported:
            reported.add(key)
            yield make_finding(card, article, m.sentence.block, start, m.end, confidence=confidence, problem=problem)

    if "titles" in checks:
        for surname, group in by_surname.items():
            first_names = {tuple(w.lower() for w in m.tokens[:-1]) for m in group}
            titled = [m for m in group if m.title]
            if len(first_names) > 1 or len(titled) < 2:
                continue  # two people who share a surname, or nothing to compare
            base = titled[0]
            for m in titled[1:]:
                a, b = base.title, m.title
                if a.lower() == b.lower():
                    if a != b and _head_word(a) == _head_word(b):
                        yield from finding(m, m.title_start, f"“{b} {m.name}” is capitalised differently from "
                                           f"“{a} {base.name}” on line {base.line}", 0.8)
                    continue
                same_mods = _modifiers(a) == _modifiers(b) and _head_word(a) != _head_word(b)
                # Two formal posts for one person ("Mayor" here, "Council leader" there): one is wrong, or the
                # reader needs telling that the person holds both.
                two_posts = (_head_word(a) in FORMAL_TITLES and _head_word(b) in FORMAL_TITLES
                             and _head_word(a) != _head_word(b) and a[:1].isupper() and b[:1].isupper())
                former = {w for w in (a.lower().split() + b.lower().split())} & {"former", "ex", "late"}
                former_only_one = former and (("former" in a.lower().split()) != ("former" in b.lower().split()))
                if (same_mods and _modifiers(a)) or two_posts:
                    yield from finding(m, m.title_start, f"{m.name} is “{b}” here but “{a}” on line {base.line}", 0.8)
                elif former_only_one and _head_word(a) == _head_word(b):
                    yield from finding(m, m.title_start, f"{m.name} is “{b}” here but “{a}” on line {base.line}: "
                                       f"is the post current or former?", 0.85)
    if "spellings" in checks:
        names = {}
        for m in people:
            names.setdefault(m.name, m)
        seen_pairs: set[tuple[str, str]] = set()
        for name, m in names.items():
            for other_name, other in names.items():
                if other_name == name or (other_name, name) in seen_pairs or other.line > m.line:
                    continue
                if len(m.tokens) != len(other.tokens) or other is m:
                    continue
                diffs = [(a, b) for a, b in zip(m.tokens, other.tokens) if a != b]
                if len(diffs) != 1:
                    continue
                a, b = diffs[0]
                if _plural_of(a, b):
                    continue  # "Tony Award" and "Tony Awards", "Blister Member(s)": a thing and its plural, not a person
                longer = max(len(a), len(b))
                if longer >= 5 and _edit_distance(a.lower(), b.lower()) <= (1 if longer < 8 else 2) \
                        and a.lower() != b.lower() and len(m.tokens) >= 2:
                    seen_pairs.add((name, other_name))
                    yield from finding(m, m.start, f"“{m.name}” is spelled “{other.name}” on line {other.line}: "
                                       f"one person or two?", 0.7)
    if "first-reference" in checks:
        first_seen: dict[str, Mention] = {}
        core = article.story_core()
        for m in people:
            if core is not None and not core[0] <= m.sentence.block.index <= core[1]:
                continue  # a saved page's teaser ("Romney to ...") is not the story's first reference
            first_seen.setdefault(m.surname.lower(), m)
        for surname, first in first_seen.items():
            # "President Obama" is a full first reference in most house styles; "Obama" alone is not.
            if len(first.tokens) >= 2 or first.title or first.sentence.block.kind not in ("paragraph", "list_item"):
                continue
            if _titled(first) or not first.tagged or len(first.sentence.block.text.split()) < 8:
                continue
            if _modifier_use(first):
                continue  # "the Romney and Obama campaigns": a name as a label, not a reference to the person
            # The full name later in the same paragraph reaches the reader at once.
            later = next((m for m in by_surname.get(surname, []) if m is not first and m.tagged
                          and m.sentence.block.index > first.sentence.block.index), None)
            if later is None:
                continue
            yield from finding(first, first.start, f"the first reference gives only “{first.name}”; the full "
                               f"name, {later.name}, comes on line {later.line}", 0.75)


def _plural_of(a: str, b: str) -> bool:
    """One word is the other's plural: names do not take a plural, things do."""
    short, long_ = sorted((a.lower(), b.lower()), key=len)
    return long_ in (short + "s", short + "es") or (short.endswith("y") and long_ == short[:-1] + "ies")


def _modifier_use(m: Mention) -> bool:
    """The name labels a noun ("the Obama administration", "the Romney and Obama campaigns"): an article
    before a bare surname, and a common noun after it. A person is not "the Obama"."""
    tokens = m.sentence.tokens
    inside = [i for i, t in enumerate(tokens) if m.start <= m.sentence.offset(t) < m.end]
    if not inside:
        return False
    before, after = inside[0] - 1, inside[-1] + 1
    while before >= 1 and (tokens[before].lower_ in ("and", ",", "&") or tokens[before].pos_ == "PROPN"):
        before -= 1  # "the Romney and Obama campaigns": back over the other names of the pair
    follows = tokens[after] if after < len(tokens) else None
    return (before >= 0 and tokens[before].lower_ in ("the", "a", "an") and follows is not None
            and follows.is_alpha and follows.text.islower())


# -- times and dates ----------------------------------------------------------------------------------------

_NUMBER_WORDS = r"(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|few|several|some|many|\d+)"
RELATIVE = re.compile(
    r"\b(?:(?:over |nearly |almost |about |some |more than |less than )?" + _NUMBER_WORDS
    + r"\s+(?:days?|weeks?|months?|years?|decades?|centur(?:y|ies))\s+ago"
    r"|(?:last|next|this|earlier this|later this|late last|early next)\s+(?:week(?:end)?|month|year|spring|summer|"
    r"autumn|fall|winter|" + "|".join(d.capitalize() for d in WEEKDAYS) + r")"
    r"|yesterday|tomorrow|tonight|recently|(?:in )?recent (?:days|weeks|months)|the day before yesterday)\b",
    re.I)


@kind(
    "unanchored_time",
    options={},
    fields=("phrase", "also"),
)
def unanchored_time(article: Article, card) -> Iterator[Finding]:
    """Relative times ("three years ago", "last week", "recently") in an article that carries no date: no
    front-matter or page date, no dateline. Reported once per article, at the first, naming the others."""
    if has_dateline(article):
        return
    hits: list[tuple[Block, re.Match]] = []
    for block in narration_blocks(article, ("paragraph", "list_item", "caption", "quote", "line")):
        hits += [(block, m) for m in RELATIVE.finditer(block.text)]
    # "This Week" capitalised mid-sentence is a programme's name, not a time.
    hits = [(b, m) for b, m in hits if not (m.group()[:1].isupper() and m.group().split()[-1][:1].isupper()
                                            and m.start() > 0 and not b.text[:m.start()].rstrip().endswith((".", "!", "?")))]
    if not hits:
        return
    block, m = hits[0]
    first_line = article.span_position(block, m.start(), m.end())[0]
    lines = sorted({article.span_position(b, x.start(), x.end())[0] for b, x in hits[1:]} - {first_line})
    also = ""
    if lines:
        also = f" Also on line{'s' if len(lines) > 1 else ''} " + ", ".join(map(str, lines[:8])) + \
            (f" and {len(lines) - 8} more" if len(lines) > 8 else "") + "."
    yield make_finding(card, article, block, m.start(), m.end(), confidence=0.8, phrase=m.group(), also=also)


@kind(
    "contradictory_date",
    options={
        "dateline_days": Option("int", 1, "days a dateline may differ from the article's own date", min=0),
    },
    fields=("problem",),
)
def contradictory_date(article: Article, card) -> Iterator[Finding]:
    """A weekday that does not fall on its date ("Monday, 9 May 2025" was a Friday), or a dateline far from
    the date in the front matter or page metadata."""
    own = article_date(article)
    for block in narration_blocks(article, ("paragraph", "list_item", "caption", "quote", "line", "byline", "dek")):
        for m in mentions(block):
            date = m.date
            if date is None and own is not None and m.year is None:
                try:
                    date = dt.date(own.year, m.month, m.day)
                except ValueError:
                    date = None
            if m.weekday and date and WEEKDAYS[date.weekday()] != m.weekday:
                yield make_finding(card, article, block, m.start, m.end, confidence=0.9,
                                   problem=f"{date.strftime('%-d %B %Y')} was a {WEEKDAYS[date.weekday()].capitalize()}, "
                                           f"not a {m.weekday.capitalize()}")
    if own is None:
        return
    from copydesk.dates import DATELINE

    for block in article.body[:12]:
        if not DATELINE.search(block.text):
            continue
        for m in mentions(block):
            if m.start > 60:
                break
            date = m.date or _in_year(own.year, m.month, m.day)
            if date and abs((date - own).days) > card.options["dateline_days"] and abs((date - own).days) < 330:
                yield make_finding(card, article, block, m.start, m.end, confidence=0.8,
                                   problem=f"the dateline says {block.text[m.start:m.end]}, but the article is "
                                           f"dated {own.isoformat()}")
            break
        break


def _in_year(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


# -- house style --------------------------------------------------------------------------------------------

PERCENT = re.compile(r"\b(per ?cent)\b", re.I)
_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")
# Endings read for each form. Kept short on purpose: "centr" + "al" is "central" and "liter" + "ally" is
# "literally", words both systems share.
TAILS = ("", "s", "es", "ed", "d", "ing", "er", "ers")
IZE_TAILS = TAILS + ("r", "rs", "ation", "ations")
OUR_TAILS = TAILS + ("ful", "fully", "less", "able", "ably")


def _tails(us: str) -> tuple[str, ...]:
    if us.endswith(("ize", "yze")):
        return IZE_TAILS
    if us.endswith("or"):
        return OUR_TAILS
    return TAILS


@lru_cache(maxsize=1)
def spelling_forms() -> dict[str, tuple[str, str]]:
    """Every listed form with common endings -> (system, the American base form as the key)."""
    forms: dict[str, tuple[str, str]] = {}
    for entry in read_list("spelling-variants"):
        us, uk = entry.text, entry.note.strip().lower()
        ize = us.endswith(("ize", "yze", "ization", "izations"))
        for system, word in ((("-ize" if ize else "US"), us), (("-ise" if ize else "UK"), uk)):
            stems = {word, word[:-1]} if word.endswith("e") else {word}
            for s in stems:
                for tail in _tails(us):
                    form = s + tail
                    if form not in forms and (s == word or tail):
                        forms[form] = (system, us)
    # A form shared by both systems ("aging" is no British form's inflection, but check) says nothing.
    return forms



@dataclass
class StyleHit:
    block: Block
    start: int
    end: int
    style: str
    text: str


def _style_hits(article: Article, what: str) -> list[StyleHit]:
    hits: list[StyleHit] = []
    blocks = narration_blocks(article, ("paragraph", "list_item", "caption", "line", "dek", "title", "heading"))
    if what == "date":
        for block in blocks:
            for m in mentions(block):
                if m.style in ("dmy", "mdy"):
                    hits.append(StyleHit(block, m.start, m.end, m.style, block.text[m.start:m.end]))
    elif what == "percent":
        for block in blocks:
            for m in PERCENT.finditer(block.text):
                style = "per cent" if " " in m.group().lower() else "percent"
                hits.append(StyleHit(block, m.start(), m.end(), style, m.group()))
    elif what in ("spelling", "-ize"):
        forms = spelling_forms()
        systems = ("-ize", "-ise") if what == "-ize" else ("US", "UK")
        for block in blocks:
            for m in _WORD.finditer(block.text):  # lower-case words only: names keep their own spelling
                found = forms.get(m.group())
                if found and found[0] in systems and not block.in_quote(m.start(), m.end()):
                    hits.append(StyleHit(block, m.start(), m.end(), found[0], m.group()))
    return hits


STYLE_NAMES = {"dmy": "day first", "mdy": "month first", "percent": "“percent”", "per cent": "“per cent”",
               "US": "American", "UK": "British", "-ize": "-ize", "-ise": "-ise"}
# What each configured house style expects. Oxford spelling is British with -ize, as Nature and the OUP write.
CONFIG_STYLES = {"date": {"dmy": "dmy", "mdy": "mdy"}, "percent": {"percent": "percent", "per cent": "per cent"},
                 "spelling": {"us": "US", "uk": "UK", "oxford": "UK"},
                 "-ize": {"us": "-ize", "uk": "-ise", "oxford": "-ize"}}
WHAT = {"date": "date", "percent": "percent", "spelling": "spelling", "-ize": "-ize/-ise spelling"}


@kind(
    "mixed_style",
    options={
        "date": Option("str", "consistent", "date style: consistent (the article's own majority), dmy, mdy or any",
                       choices=("consistent", "dmy", "mdy", "any")),
        "percent": Option("str", "consistent", "percent or per cent: consistent, percent, per cent or any",
                          choices=("consistent", "percent", "per cent", "any")),
        "spelling": Option("str", "consistent", "American or British spelling: consistent, us, uk, oxford "
                           "(British with -ize) or any", choices=("consistent", "us", "uk", "oxford", "any")),
    },
    fields=("what", "found", "found_style", "basis", "others"),
)
def mixed_style(article: Article, card) -> Iterator[Finding]:
    """Dates, percent and spelling written two ways in one article. With a house style set, every departure
    from it; otherwise the article's minority form, against its majority. One finding per style per
    article, at the first departure, naming the others."""
    for what in ("date", "percent", "spelling", "-ize"):
        setting = card.options["spelling" if what == "-ize" else what]
        if setting == "any":
            continue
        hits = _style_hits(article, what)
        if not hits:
            continue
        counts = Counter(h.style for h in hits)
        if setting == "consistent":
            if len(counts) < 2:
                continue
            # A clear majority sets the style: more uses, and at least two different words or dates, so one
            # "cancelled" beside one "recognize" is not called a house style.
            expected, runner_up = sorted(counts, key=lambda s: -counts[s])[:2]
            distinct = len({h.text.lower() for h in hits if h.style == expected})
            if counts[expected] == counts[runner_up] or (distinct < 2 and what != "percent") or counts[expected] < 2:
                continue
        else:
            expected = CONFIG_STYLES[what][setting]
        wrong = [h for h in hits if h.style != expected]
        if not wrong:
            continue
        examples = ", ".join(dict.fromkeys(h.text for h in hits if h.style == expected))
        first = wrong[0]
        lines = sorted({article.span_position(h.block, h.start, h.end)[0] for h in wrong[1:]}
                       - {article.span_position(first.block, first.start, first.end)[0]})
        others = ""
        if lines:
            others = f" Also on line{'s' if len(lines) > 1 else ''} " + ", ".join(map(str, lines[:8])) + "."
        if setting == "consistent":
            basis = f"the rest of the article is {STYLE_NAMES[expected]} ({_clip(examples)})"
        else:
            basis = f"the house style is {STYLE_NAMES[expected]}"
        yield make_finding(card, article, first.block, first.start, first.end,
                           confidence=0.8 if setting == "consistent" else 0.95, what=WHAT[what], found=first.text,
                           found_style=STYLE_NAMES[first.style], basis=basis, others=others)


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(",", 1)[0] + ", …"
