"""Sourcing kinds: who says so? Vague attribution ("experts suggest", "it is believed"), reactions with no
holder ("has sparked debate"), speculation in the reporter's voice, quotations with no speaker, and figures
with no source.

Deliberately left alone: quoted speech, claims attributed to someone identifiable (a name, a pronoun, an
institution: "officials said" is how real reporting names an office), and, where the issue's reader would
find the source, a named source in the sentence before or after in the same paragraph.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from copydesk.document import Article
from copydesk.finding import Finding, make_finding
from copydesk.kinds import Option, kind
from copydesk.lexicon import read_list, word_set
from copydesk.voice import (Sentence, attributed, by_block, in_quote, names_a_source, paragraph_neighbours,
                            sentences, vague_holder)

NAME_ENTITIES = ("PERSON", "ORG", "NORP", "GPE", "FAC")


def _holder_verbs() -> frozenset[str]:
    return word_set("report-verbs") | word_set("cognition-verbs")


@lru_cache(maxsize=4)
def _holder_matcher(vocab: Any) -> Any:
    """A DependencyMatcher for a verb of reporting or opinion and its subject."""
    from spacy.matcher import DependencyMatcher

    matcher = DependencyMatcher(vocab)
    verbs = sorted(_holder_verbs())
    matcher.add("HOLDER", [[
        {"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": verbs}, "POS": {"IN": ["VERB", "AUX"]}}},
        {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "subject", "RIGHT_ATTRS": {"DEP": "nsubj"}},
    ]])
    return matcher


def _names_someone(sentence: Sentence) -> bool:
    return any(t.ent_type_ in ("PERSON", "ORG") for t in sentence.span)


def _span(sentence: Sentence, first: Any, last: Any) -> tuple[int, int]:
    return sentence.offset(first), sentence.offset(last) + len(last.text)


def _reporter_voice(sentence: Sentence, token: Any) -> bool:
    return not in_quote(sentence, token)


# -- vague attribution -----------------------------------------------------------------------------------------

PASSIVE_ADVERBS = frozenset("widely generally commonly often frequently long increasingly largely broadly "
                            "popularly traditionally sometimes".split())
OPINION_PASSIVES = frozenset("consider regard view deem see think believe know".split())


@kind(
    "vague_attribution",
    options={
        "holder_confidence": Option("float", 0.85, "confidence for an unnamed group as holder", min=0, max=1),
        "passive_confidence": Option("float", 0.8, "confidence for an agentless passive (\"it is believed\")",
                                     min=0, max=1),
    },
    fields=("attribution", "question"),
    needs_nlp=True,
)
def vague_attribution(article: Article, card) -> Iterator[Finding]:
    """A verb of reporting or opinion whose holder is an unnamed group, or nobody (an agentless passive)."""
    opts = card.options
    verbs = _holder_verbs()
    questions = {e.text: e.note for e in read_list("vague-holders")}
    narration = list(sentences(article))
    neighbours = by_block(narration)
    for sentence in narration:
        span = sentence.span
        doc = span.doc
        seen: set[int] = set()
        for _, (verb_i, subject_i) in _matches(span):
            verb, subject = doc[verb_i], doc[subject_i]
            if verb.i in seen or not vague_holder(subject) or not _reporter_voice(sentence, verb):
                continue
            if attributed(verb) and verb.dep_ not in ("ROOT", "conj"):
                continue  # "Lund said critics argue..." is Lund's report
            if _resolved_nearby(sentence, subject, neighbours):
                continue
            seen.add(verb.i)
            first = subject.left_edge if subject.left_edge.i >= span.start else subject
            start, end = _span(sentence, first, verb)
            yield make_finding(card, article, sentence.block, start, end, confidence=opts["holder_confidence"],
                               attribution=sentence.block.text[start:end],
                               question=questions.get(subject.lower_, "who are they?"))
        for verb in span:
            if verb.i in seen or verb.lemma_.lower() not in verbs or verb.tag_ != "VBN":
                continue
            children = list(verb.children)
            if not any(c.dep_ == "auxpass" for c in children) or any(c.dep_ == "agent" for c in children):
                continue
            subject = next((c for c in children if c.dep_ in ("nsubjpass", "expl")), None)
            it_that = subject is not None and subject.lower_ == "it" and any(c.dep_ == "ccomp" for c in children)
            raised = any(c.dep_ == "xcomp" and any(g.lower_ == "to" for g in c.children) for c in children)
            widely = any(c.dep_ == "advmod" and c.lower_ in PASSIVE_ADVERBS for c in children)
            opinion = verb.lemma_.lower() in OPINION_PASSIVES and any(
                c.dep_ in ("oprd", "xcomp") or (c.dep_ == "prep" and c.lower_ == "as") for c in children)
            if not (it_that or raised or widely or opinion):
                continue
            if not _reporter_voice(sentence, verb) or names_a_source(span):
                continue
            if any(names_a_source(n.span) for n in paragraph_neighbours(sentence, neighbours)):
                continue
            aux = [c for c in children if c.dep_ in ("aux", "auxpass", "advmod") and c.i < verb.i]
            first = subject if it_that and subject is not None else (aux[0] if aux else verb)
            start, end = _span(sentence, first, verb)
            seen.add(verb.i)
            yield make_finding(card, article, sentence.block, start, end, confidence=opts["passive_confidence"],
                               attribution=sentence.block.text[start:end], question="by whom?")


def _matches(span: Any) -> list[tuple[int, tuple[int, int]]]:
    """(match id, (verb, subject)) for the holder pattern inside one sentence."""
    doc = span.doc
    out = []
    for match_id, (verb_i, subject_i) in _sentence_matches(doc):
        if span.start <= verb_i < span.end:
            out.append((match_id, (verb_i, subject_i)))
    return out


def _sentence_matches(doc: Any) -> list[tuple[int, tuple[int, int]]]:
    # The matcher runs once per Doc (a block chunk), not once per sentence: cache on the Doc.
    cached = doc.user_data.get("copydesk_holder_matches")
    if cached is None:
        cached = [(m, tuple(ids)) for m, ids in _holder_matcher(doc.vocab)(doc)]
        doc.user_data["copydesk_holder_matches"] = cached
    return cached


def _resolved_nearby(sentence: Sentence, subject: Any, neighbours: dict) -> bool:
    """A definite holder ("the experts", "these critics") after a sentence that names people, or a
    neighbouring sentence that names members of the group ("One critic, Elena Moss, ..."), says who."""
    definite = any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "these", "those", "both", "such")
                   for c in subject.children)
    lemma = subject.lemma_.lower()
    for other in paragraph_neighbours(sentence, neighbours):
        if not _names_someone(other):
            continue
        if definite and other.start < sentence.start:
            return True
        if any(t.lemma_.lower() == lemma for t in other.span):
            return True
    return False


# -- reactions with no holder ----------------------------------------------------------------------------------

AGENTIVE = frozenset({"raise", "voice", "express", "air"})
SWELL_VERBS = frozenset({"grow", "mount", "swirl", "rise", "persist", "linger", "remain", "emerge"})


@kind("unattributed_reaction", options={
    "check_neighbours": Option("bool", True, "a named source in the sentence before or after settles it"),
}, fields=("phrase", "question"), needs_nlp=True)
def unattributed_reaction(article: Article, card) -> Iterator[Finding]:
    """Debate, criticism, concerns or outrage with no one holding them: "has sparked heated debate",
    "faces criticism", "continue to raise concerns", "amid concerns"."""
    nouns = {e.text: e.note for e in read_list("controversy-nouns")}
    reactions = word_set("reaction-verbs")
    narration = list(sentences(article))
    neighbours = by_block(narration)
    for sentence in narration:
        for noun in sentence.span:
            question = nouns.get(noun.lemma_.lower())
            if question is None or noun.pos_ != "NOUN" or not _reporter_voice(sentence, noun):
                continue
            head = noun.head
            governed = (noun.dep_ in ("dobj", "pobj", "attr") and head.lemma_.lower() in reactions) or \
                (noun.dep_ == "pobj" and head.lower_ in ("amid", "amidst", "despite") ) or \
                (noun.dep_ == "nsubj" and head.lemma_.lower() in SWELL_VERBS) or \
                (noun.lemma_.lower() == "fire" and head.lower_ == "under")
            if noun.lemma_.lower() == "fire" and head.lower_ != "under":
                continue
            if noun.dep_ == "pobj" and head.pos_ == "ADP" and head.lower_ not in ("amid", "amidst", "despite", "under"):
                verb = head.head
                governed = verb.lemma_.lower() in reactions and head.lower_ in ("with", "to", "in", "under")
                head = verb
            if not governed or _has_holder(noun, head):
                continue
            if names_a_source(sentence.span) or attributed(noun):
                continue
            if card.options["check_neighbours"] and any(names_a_source(n.span)
                                                        for n in paragraph_neighbours(sentence, neighbours)):
                continue
            first = head
            if head.dep_ == "xcomp" and head.head.pos_ in ("VERB", "AUX") and head.head.i < head.i:
                first = head.head  # "continue to raise concerns"
            if head.pos_ == "ADP" or noun.dep_ == "nsubj":
                first = min(head, noun, key=lambda t: t.i)
            last = max(noun, head, key=lambda t: t.i) if noun.dep_ == "nsubj" else noun
            start, end = _span(sentence, first, last)
            yield make_finding(card, article, sentence.block, start, end, confidence=card.confidence,
                               phrase=sentence.block.text[start:end], question=question)


def _has_holder(noun: Any, verb: Any) -> bool:
    """Whose reaction it is, if the sentence says: "criticism from the Greens", "residents' concerns",
    "Green criticism", or an agent who raises or voices it ("the union raised concerns")."""
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in ("from", "by", "among", "of", "within", "inside"):
            if any(t.dep_ == "pobj" for t in child.children):
                return True
        if child.dep_ == "poss" or (child.dep_ in ("compound", "amod") and
                                    (child.pos_ == "PROPN" or child.ent_type_ in NAME_ENTITIES)):
            return True
    if verb.lemma_.lower() in AGENTIVE:
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is not None and subject.lower_ not in ("it", "this", "that") and not vague_holder(subject) and (
                subject.pos_ in ("PROPN", "PRON") or subject.ent_type_ in NAME_ENTITIES):
            return True
    return False


# -- speculation in the reporter's voice -----------------------------------------------------------------------

MODALS = frozenset({"could", "may", "might"})
STRONG_HEDGES = frozenset({"potentially", "possibly", "perhaps", "arguably", "conceivably", "seemingly",
                           "presumably", "supposedly", "maybe"})


@kind("speculation", options={
    "hedge_confidence": Option("float", 0.6, "confidence for a hedge adverb on a claim", min=0, max=1),
    "meaning_confidence": Option("float", 0.65, "confidence for a modal on a verb of meaning (\"could signal\")",
                                 min=0, max=1),
    "stacked_confidence": Option("float", 0.8, "confidence for stacked hedges (\"could potentially\")",
                                 min=0, max=1),
}, fields=("phrase",), needs_nlp=True)
def speculation(article: Article, card) -> Iterator[Finding]:
    """Hedged guesses in narration: "potentially alluding", "could turn China into", "may signal", "could
    possibly". Not in quotes, and not when the sentence attributes the guess."""
    opts = card.options
    entries = read_list("speculation")
    hedges = {e.text for e in entries if e.pos == "ADV"}
    meanings = {e.text for e in entries if e.pos == "VERB"}
    for sentence in sentences(article):
        flagged: set[int] = set()
        for verb in sentence.span:
            if verb.pos_ not in ("VERB", "AUX", "ADJ") or verb.i in flagged:
                continue
            modals = [c for c in verb.children if c.dep_ == "aux" and c.lower_ in MODALS]
            adverbs = [c for c in verb.children if c.dep_ == "advmod" and c.lower_ in hedges]
            strong = [a for a in adverbs if a.lower_ in STRONG_HEDGES]
            if modals and adverbs:
                confidence = opts["stacked_confidence"]
            elif strong:
                confidence = opts["hedge_confidence"]
            elif modals and verb.lemma_.lower() in meanings:
                confidence = opts["meaning_confidence"]
            else:
                continue
            cue = [*modals, *adverbs]
            if not _reporter_voice(sentence, verb) or any(in_quote(sentence, c) for c in cue):
                continue
            if attributed(verb) or names_a_source(sentence.span, _holder_verbs() - meanings, skip=verb):
                continue
            first = min([*cue, verb], key=lambda t: t.i)
            last = max([*cue, verb], key=lambda t: t.i)
            flagged.add(verb.i)
            start, end = _span(sentence, first, last)
            yield make_finding(card, article, sentence.block, start, end, confidence=confidence,
                               phrase=sentence.block.text[start:end])


# -- quotations with no speaker --------------------------------------------------------------------------------

COLON_INTRO = re.compile(r"[\w.)’'\"]\s*:\s*$")


@kind("unattributed_quote", options={
    "min_words": Option("int", 6, "shortest quotation checked (shorter ones are partial quotes or titles)", min=2),
}, fields=("quoted",), needs_nlp=True)
def unattributed_quote(article: Article, card) -> Iterator[Finding]:
    """A direct quotation of a sentence or more with no speaker in its sentence or the ones beside it."""
    narration = list(sentences(article, ("paragraph", "caption", "list_item", "line")))
    neighbours = by_block(narration)
    verbs = _holder_verbs() | {"tell", "add", "write", "ask", "reply", "recall", "tweet", "post", "shout"}
    by_index = {b.index: b for b in article.blocks}
    for block_index, group in neighbours.items():
        block = group[0].block
        for q0, q1 in block.quotes:
            inner = block.text[q0:q1].strip("\"“”' ")
            if len(inner.split()) < card.options["min_words"]:
                continue
            if q0 == 0 and (q1 >= len(block.text.rstrip()) or block.text[q1 - 1] not in "\"”"):
                # A paragraph that opens a quotation and does not close it continues a speaker's quote from
                # the paragraph before, or runs on into the next one, where the speaker is.
                if not block.text.rstrip().endswith(("”", "\"")):
                    continue
            around = [s for s in group if s.start < q1 and q0 < s.end]
            if not around:
                continue
            context = list(around)
            for s in around:
                context += paragraph_neighbours(s, neighbours)
            if any(_speaker_in(s, verbs, q0, q1) for s in context):
                continue
            before = block.text[:q0]
            if COLON_INTRO.search(before):
                continue  # "Lund: “...”" or "she told the meeting:" introduces the speaker
            if q0 == 0 and _previous_block_introduces(article, block, by_index, verbs):
                continue
            yield make_finding(card, article, block, q0, q1, confidence=card.confidence,
                               quoted=inner[:60] + ("…" if len(inner) > 60 else ""))


def _speaker_in(sentence: Sentence, verbs: frozenset[str], q0: int, q1: int) -> bool:
    for t in sentence.span:
        start = sentence.offset(t)
        if q0 <= start < q1:
            continue  # a verb inside the quotation is the speaker's, not the attribution
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX"):
            return True
        if t.lower_ == "according":
            return True
    return False


def _previous_block_introduces(article: Article, block: Any, by_index: dict, verbs: frozenset[str]) -> bool:
    previous = by_index.get(block.index - 1)
    if previous is None:
        return False
    text = previous.text.rstrip()
    if text.endswith(":"):
        return True
    return any(t.lemma_.lower() in verbs and t.pos_ == "VERB" for _, doc in previous.docs for t in doc)


# -- figures and superlatives with no source -------------------------------------------------------------------

FIGURE = re.compile(r"\d[\d,.]*\s*(?:%|per\s?cent\b|percent\b)|\b\d[\d,.]*\s*(?:million|billion|trillion)\b|"
                    r"\b(?:doubled|tripled|quadrupled|halved)\b|\b\d+(?:\.\d+)?\s*times\s+(?:more|less|as)\b",
                    re.IGNORECASE)
SUPERLATIVE = re.compile(r"\b(?:the\s+)?(?:\w+est|most\s+\w+|biggest|largest|highest|lowest|worst|best)\b[^.;]{0,60}?"
                         r"\b(?:ever|in (?:history|the world|the country|decades|years)|on record)\b|"
                         r"\brecord[- ](?:high|low|levels?|numbers?|breaking)\b|\ball-time (?:high|low)\b",
                         re.IGNORECASE)
FINDING_VERBS = frozenset("find show estimate report publish calculate count survey measure record reveal "
                          "suggest indicate conclude project forecast put".split())


@kind("unsourced_figure", fields=("what",), needs_nlp=True)
def unsourced_figure(article: Article, card) -> Iterator[Finding]:
    """A statistic or superlative in narration with no source in its sentence or the ones beside it."""
    narration = list(sentences(article, ("paragraph", "list_item", "dek")))
    neighbours = by_block(narration)
    verbs = _holder_verbs() | FINDING_VERBS
    for sentence in narration:
        text = sentence.span.text
        match = FIGURE.search(text) or SUPERLATIVE.search(text)
        if match is None:
            continue
        start = sentence.start + match.start()
        end = sentence.start + match.end()
        if sentence.block.in_quote(start, end):
            continue
        context = [sentence, *paragraph_neighbours(sentence, neighbours)]
        if any(_cites(s, verbs) for s in context):
            continue
        what = "figure" if FIGURE.search(text) else "superlative"
        yield make_finding(card, article, sentence.block, start, end, confidence=card.confidence,
                           what=what)


def _cites(sentence: Sentence, verbs: frozenset[str]) -> bool:
    """The sentence names where a figure comes from: a verb of reporting or finding with any subject
    ("the census shows", "Lund said"), "according to", or a quotation."""
    if sentence.block.quotes and any(sentence.start <= q0 < sentence.end for q0, _ in sentence.block.quotes):
        return True
    for t in sentence.span:
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX") and any(
                c.dep_ in ("nsubj", "nsubjpass", "agent") for c in t.children):
            return True
        if t.lower_ in ("according", "source", "sources", "data", "figures", "statistics", "survey", "poll",
                        "census", "study", "report"):
            return True
    return False
