"""Readability kinds: how hard the article is to read. Figures per article (Flesch reading ease, Flesch-Kincaid
grade, words per sentence) for the report header, paragraphs far above the audience's grade, very long
sentences and paragraphs, passive voice and stacked nominalizations in the reporter's voice.

Counts come from the parse (spaCy's sentences and words); syllables from textstat, imported only when a
readability rule runs, with the CMU dictionary served offline (copydesk.syllables): nothing is downloaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from copydesk.docfacts import doc_fact
from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding
from copydesk.framework import Option, kind
from copydesk.syllables import syllables
from copydesk.voice import Sentence, in_quote, sentences

# Grade a reader of each audience handles comfortably (Flesch-Kincaid, US school grade).
AUDIENCES = {"general": 10.0, "broad": 8.0, "specialist": 14.0}
PROSE_KINDS = ("paragraph", "list_item")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@dataclass
class Figures:
    words: int
    sentences: int
    syllables: int

    @property
    def reading_ease(self) -> float:
        """Flesch reading ease: 100 is easy, below 30 is for graduates."""
        return 206.835 - 1.015 * self.words / max(self.sentences, 1) - 84.6 * self.syllables / max(self.words, 1)

    @property
    def grade(self) -> float:
        """Flesch-Kincaid grade level."""
        return 0.39 * self.words / max(self.sentences, 1) + 11.8 * self.syllables / max(self.words, 1) - 15.59

    @property
    def words_per_sentence(self) -> float:
        return self.words / max(self.sentences, 1)

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(self.words + other.words, self.sentences + other.sentences, self.syllables + other.syllables)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def figures_of(sents: list[Sentence]) -> Figures:
    words = syllable_count = 0
    for s in sents:
        w, n = _sentence_counts(s.span)
        words += w
        syllable_count += n
    return Figures(words, len(sents), syllable_count)


def _sentence_counts(span) -> tuple[int, int]:
    """Words and syllables of one sentence, kept on its Doc: a warm re-check counts only changed blocks."""
    counts = doc_fact(span.doc, "sentence_counts", lambda _doc: {})
    key = (span.start, span.end)
    if key not in counts:
        words = _words(span.text)
        counts[key] = (len(words), sum(syllables(w.lower()) for w in words))
    return counts[key]


def prose_sentences(article: Article) -> list[Sentence]:
    return [s for s in sentences(article, PROSE_KINDS) if not s.title_case]


def article_figures(article: Article) -> dict[str, float] | None:
    """The article's readability, for the report header; None when there is too little prose to measure."""
    sents = prose_sentences(article)
    fig = figures_of(sents)
    if fig.words < 50:
        return None
    return {"reading_ease": round(fig.reading_ease, 1), "grade": round(fig.grade, 1),
            "words_per_sentence": round(fig.words_per_sentence, 1), "sentences": fig.sentences}


def _target(opts) -> float:
    return opts["max_grade"] if opts["max_grade"] > 0 else AUDIENCES[opts["audience"]]


def _quoted_share(sentence: Sentence) -> float:
    block = sentence.block
    inside = sum(max(0, min(q1, sentence.end) - max(q0, sentence.start)) for q0, q1 in block.quotes)
    return inside / max(1, sentence.end - sentence.start)


AUDIENCE_OPTION = Option("str", "general", "who reads it: general (grade 10), broad (grade 8) or specialist "
                         "(grade 14)", choices=tuple(AUDIENCES))
MAX_GRADE_OPTION = Option("float", 0.0, "the target grade, overriding the audience (0: use the audience)", min=0.0,
                          max=30.0)


@kind(
    "hard_paragraph",
    options={
        "audience": AUDIENCE_OPTION,
        "max_grade": MAX_GRADE_OPTION,
        "margin": Option("float", 8.0, "grades above the target at which a paragraph is flagged", min=0.0),
        "min_syllables": Option("float", 1.7, "average syllables a word a flagged paragraph has at least: long "
                                "sentences alone are REA002's finding", min=1.0, max=4.0),
        "min_words": Option("int", 40, "shorter paragraphs are not graded (the formula needs text)", min=10),
    },
    fields=("grade", "target", "ease", "why"),
    needs_nlp=("sentences",),
)
def hard_paragraph(article: Article, card) -> Iterator[Finding]:
    """A paragraph whose Flesch-Kincaid grade is far above the audience's, with the reason: long sentences,
    long words, or both."""
    opts = card.options
    target = _target(opts)
    by_block: dict[int, list[Sentence]] = {}
    for s in prose_sentences(article):
        by_block.setdefault(s.block.index, []).append(s)
    for sents in by_block.values():
        block = sents[0].block
        if _quoted_share_block(block) > 0.5:
            continue  # mostly someone else's words
        fig = figures_of(sents)
        if (fig.words < opts["min_words"] or fig.grade < target + opts["margin"]
                or fig.syllables / fig.words < opts["min_syllables"]):
            continue
        reasons = []
        if fig.words_per_sentence > 25:
            reasons.append(f"{fig.words_per_sentence:.0f} words a sentence")
        if fig.syllables / fig.words > 1.6:
            reasons.append(f"{fig.syllables / fig.words:.1f} syllables a word")
        yield make_finding(card, article, block, confidence=0.7, grade=f"{fig.grade:.0f}", target=f"{target:.0f}",
                           ease=f"{fig.reading_ease:.0f}", why=" and ".join(reasons) or "long words and sentences")


def _quoted_share_block(block: Block) -> float:
    return sum(q1 - q0 for q0, q1 in block.quotes) / max(1, len(block.text))


@kind(
    "long_sentence",
    options={
        "max_words": Option("int", 50, "a sentence in the reporter's voice longer than this is flagged", min=10),
    },
    fields=("words", "limit"),
    needs_nlp=("sentences",),
)
def long_sentence(article: Article, card) -> Iterator[Finding]:
    """A sentence in the reporter's voice with more words than a reader holds at once. Quoted speech is the
    speaker's, not ours to shorten."""
    limit = card.options["max_words"]
    for s in prose_sentences(article):
        n = len(_words(s.text))
        if n > limit and _quoted_share(s) < 0.5:
            yield make_finding(card, article, s.block, s.start, s.end, confidence=0.8, words=n, limit=limit)


@kind(
    "long_paragraph",
    options={
        "max_sentences": Option("int", 7, "more sentences than this in one paragraph is flagged", min=2),
        "max_words": Option("int", 180, "more words than this in one paragraph is flagged", min=30),
    },
    fields=("sentences", "words"),
    needs_nlp=("sentences",),
)
def long_paragraph(article: Article, card) -> Iterator[Finding]:
    """A paragraph of many sentences or words: on a phone screen, a wall of text."""
    opts = card.options
    by_block: dict[int, list[Sentence]] = {}
    for s in sentences(article, ("paragraph",)):
        by_block.setdefault(s.block.index, []).append(s)
    for sents in by_block.values():
        block = sents[0].block
        n = len(_words(block.text))
        if len(sents) > opts["max_sentences"] or n > opts["max_words"]:
            yield make_finding(card, article, block, confidence=0.7, sentences=len(sents), words=n)


@kind(
    "passive_voice",
    options={},
    fields=("verb",),
    needs_nlp=("sentences", "tags", "parse"),
)
def passive_voice(article: Article, card) -> Iterator[Finding]:
    """A passive verb with no agent in the reporter's voice ("mistakes were made"): who did it? Passives
    with a "by" agent name the actor and are left alone, as is quoted speech."""
    for s in prose_sentences(article):
        for tok in s.tokens:
            if tok.dep_ != "auxpass" or in_quote(s, tok):
                continue
            verb = tok.head
            if any(c.dep_ == "agent" for c in verb.children) or verb.tag_ != "VBN":
                continue
            start, end = s.token_span(tok, verb)
            yield make_finding(card, article, s.block, start, end, confidence=0.5,
                               verb=s.block.text[start:end])


NOMINAL = re.compile(r"(?:tion|sion|ment|ance|ence|ity|ness|ization|isation|ism)s?$")


@kind(
    "stacked_nominalization",
    options={
        "min_nouns": Option("int", 3, "nominalizations chained in one noun phrase", min=2),
    },
    fields=("phrase",),
    needs_nlp=("sentences", "tags", "parse"),
)
def stacked_nominalization(article: Article, card) -> Iterator[Finding]:
    """A chain of abstract nouns ("the implementation of the optimization of the allocation"): the verbs
    are buried in nouns. Rewrite with a verb and an actor."""
    need = card.options["min_nouns"]
    for s in prose_sentences(article):
        seen: set[int] = set()
        for tok in s.tokens:
            if tok.i in seen or tok.pos_ != "NOUN" or not NOMINAL.search(tok.lower_) or in_quote(s, tok):
                continue
            chain = [tok]
            cur = tok
            while True:  # noun -> of -> noun -> of ...
                nxt = next((g for c in cur.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "on")
                            for g in c.children if g.dep_ == "pobj" and g.pos_ == "NOUN"), None)
                if nxt is None or not NOMINAL.search(nxt.lower_):
                    break
                chain.append(nxt)
                cur = nxt
            seen.update(t.i for t in chain)
            if len(chain) >= need:
                start, end = s.token_span(chain[0], chain[-1])
                yield make_finding(card, article, s.block, start, end, confidence=0.6,
                                   phrase=s.block.text[start:end])
