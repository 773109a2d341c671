"""Neutrality kinds: the reporter's own judgement in narration (evaluative adverbs, loaded words, opinion
frames and puffery, non-neutral verbs of saying, scare quotes).

Deliberately left alone: anything inside quoted speech, speech attributed to a named source, words that are
part of a name ("Brutal Honesty Ltd", a title of a work), and denied words ("was not a fiasco"). Word lists
are evidence, not verdicts: the part of speech, the position and the context decide, and the confidence of
each finding says how strong the evidence is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from copydesk.document import Article, Block
from copydesk.finding import Finding, make_finding
from copydesk.framework import Option, kind
from copydesk.lexicon import normalise, phrase_index, read_list, text_pattern, word_set
from copydesk.docfacts import doc_fact
from copydesk.voice import Sentence, attributed, by_block, in_name, in_quote, negated, sentences, speech_nearby

# -ly adverbs that open news sentences without judging anything: time, sequence, domain, manner of report.
NEUTRAL_SENTENCE_ADVERBS = frozenset("""
additionally alternatively accordingly consequently conversely currently eventually finally formerly
generally historically initially internationally lately likewise locally meanwhile nationally officially
originally personally politically previously privately publicly recently reportedly allegedly apparently
separately similarly simultaneously specifically subsequently technically traditionally typically ultimately
usually economically financially legally medically statistically geographically theoretically practically
briefly secondly thirdly firstly lastly increasingly presumably understandably importantly notably
essentially basically nearly roughly approximately partly largely mostly mainly primarily initially early
daily weekly monthly yearly quarterly annually hourly nightly only family rally ally italy july
""".split())


@dataclass
class Hit:
    """One use of a word the kind judges; uses of the same word are grouped into one finding."""

    key: str  # the lemma or list entry: uses with the same key are one habit
    block: Block
    start: int
    end: int
    confidence: float
    fields: dict[str, Any]
    any_genre: bool = False  # see Finding.any_genre


def report_hits(article: Article, card, hits: Iterator[Hit], group: bool = True) -> Iterator[Finding]:
    """One finding per word per article, at its first use, naming the lines of the others: the same loaded
    word five times is one habit to fix, and a report that repeats it buries everything else."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.key if group else f"{hit.key}@{len(groups)}", []).append(hit)
    for group in groups.values():
        first = group[0]
        first_line = article.span_position(first.block, first.start, first.end)[0]
        lines = sorted({article.span_position(h.block, h.start, h.end)[0] for h in group[1:]} - {first_line})
        also = ""
        if lines:
            shown = ", ".join(str(n) for n in lines[:8]) + (f" and {len(lines) - 8} more" if len(lines) > 8 else "")
            also = f" Also on line{'s' if len(lines) > 1 else ''} {shown}."
        fields = dict(first.fields)
        if "alternative" in fields:
            fields["alternative"] = advice(fields["alternative"])
        finding = make_finding(card, article, first.block, first.start, first.end,
                               confidence=max(h.confidence for h in group), also=also, **fields)
        finding.any_genre = any(h.any_genre for h in group)
        yield finding


def advice(note: str) -> str:
    """A list's alternative as advice: "(delete it; state the fact)" is an instruction, "campaign funds" a
    neutral word to use instead."""
    note = note.strip()
    if note.startswith("(") and note.endswith(")"):
        return note[1:2].upper() + note[2:-1]
    return f"Consider \u201c{note}\u201d" if "," not in note else f"Consider {note}"


@lru_cache(maxsize=1)
def _other_rules_words() -> frozenset[str]:
    return word_set("puffery") | word_set("opinion-frames") | word_set("evaluative-adverbs")


# Lists whose words are weak evidence alone: they yield to quoted or attributed speech beside them.
WEAK_LISTS = frozenset({"intensifiers"})

# Degree words that turn an evaluative adjective up: "so reckless", "very generous", "truly awful".
DEGREE = frozenset("so very too really truly extremely incredibly utterly totally absolutely such most "
                   "deeply highly hugely remarkably astonishingly amazingly particularly especially".split())


def _base_adjectives(adverb: str) -> list[str]:
    """Adjectives an -ly adverb may come from: sadly -> sad, happily -> happy, regrettably -> regrettable,
    ironically -> ironic, tragically -> tragic."""
    w = adverb.lower()
    if not w.endswith("ly") or len(w) < 5:
        return []
    out = [w[:-2]]
    if w.endswith("ily"):
        out.append(w[:-3] + "y")
    if w.endswith(("ably", "ibly")):
        out.append(w[:-1] + "e")
    if w.endswith("ically"):
        out.append(w[:-4])
    if w.endswith("lly"):
        out.append(w[:-2] + "l")
    return out


TIME_STAMP = re.compile(r"\d{1,2}[:.]\d{2}(?:[ap]\.?m\.?)?|[ap]\.?m\.?", re.IGNORECASE)


def _opens_sentence(sentence: Sentence, token: Any) -> bool:
    """The token is the first word of the sentence (after opening quotes, brackets, a leading "But", or a
    live blog's time stamp such as "11:45")."""
    for t in sentence.tokens:
        if t.i == token.i:
            return True
        if t.is_punct or t.like_num or TIME_STAMP.fullmatch(t.text) or t.lower_ in ("but", "and", "yet", "so", "still"):
            continue
        return False
    return False


SPATIAL_PREPS = frozenset("under beneath underneath inside behind beside below above near".split())
HANDLING_VERBS = frozenset("find place plant detonate defuse carry seize store hide fit install dispose "
                           "recover remove load".split())


def _physical_thing(noun: Any) -> bool:
    """The adjective's noun is a physical object: something found, planted or carried, or placed under or
    inside something. Loaded adjectives are figurative on acts and words ("an explosive row") and literal
    on things ("an explosive device")."""
    if noun.pos_ != "NOUN" or noun.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj"):
        return False
    verb = noun.head if noun.dep_ != "pobj" else noun.head.head
    if verb.lemma_.lower() in HANDLING_VERBS:
        return True
    return any(c.dep_ == "prep" and c.lower_ in SPATIAL_PREPS for c in verb.children)


def _reporter_voice(sentence: Sentence, token: Any, check_attribution: bool = True) -> bool:
    return not (in_quote(sentence, token) or in_name(sentence, token) or
                (check_attribution and attributed(token)))


# Verbs of denial, objection and refusal: an intensity adverb on them describes how the source replied to a
# charge ("vehemently denied"). Verbs of attack (denounce, condemn) are not here: "emphatically denounced"
# turns up the reporter's picture of an aggressor, a judgement the rule exists for.
# Verbs of likeness and perception: a degree adverb on them grades a resemblance.
RESEMBLANCE_VERBS = frozenset("look seem sound resemble appear feel smell taste".split())
OBJECTING_VERBS = frozenset("deny object reject refuse dispute protest oppose contest disagree rebut resist "
                            "rebuff repudiate refute decline insist maintain".split())


@kind(
    "evaluative_adverb",
    options={
        "listed_confidence": Option("float", 0.9, "confidence for a listed sentence adverb", min=0, max=1),
        "derived_confidence": Option("float", 0.7, "confidence for an unlisted sentence adverb built from an "
                                     "evaluative adjective", min=0, max=1),
        "manner_confidence": Option("float", 0.75, "confidence for a listed manner adverb on a verb", min=0, max=1),
        "degree_confidence": Option("float", 0.55, "confidence for a listed manner adverb on an adjective "
                                    "(\"alarmingly regular\")", min=0, max=1),
    },
    fields=("word", "use", "alternative", "also"),
    needs_nlp=True,
)
def evaluative_adverb(article: Article, card) -> Iterator[Finding]:
    """Sentence adverbs ("Regrettably, ...") and manner adverbs on verbs ("brazenly ignored")."""
    # Not grouped: each sentence that opens with a judgement is its own defect, and they are rare.
    return report_hits(article, card, _evaluative_adverb_hits(article, card), group=False)


def _evaluative_adverb_hits(article: Article, card) -> Iterator[Hit]:
    opts = card.options
    listed = {e.text: e for e in read_list("evaluative-adverbs")}
    evaluative = word_set("evaluative-words")
    for sentence in sentences(article):
        for token in sentence.tokens:
            word = token.lower_
            if not word.endswith("ly") or token.pos_ not in ("ADV", "ADJ", "INTJ", "PROPN", "NOUN"):
                continue
            entry = listed.get(word)
            following = token.doc[token.i + 1] if token.i + 1 < len(token.doc) else None
            sentence_adverb = _opens_sentence(sentence, token) and following is not None and following.text == ","
            if sentence_adverb:
                if entry and entry.pos in ("sentence", "both"):
                    confidence, use = opts["listed_confidence"], "opens the sentence with the reporter's own judgement"
                elif word not in NEUTRAL_SENTENCE_ADVERBS and (word in evaluative or any(
                        a in evaluative for a in _base_adjectives(word))):
                    confidence, use = opts["derived_confidence"], "opens the sentence with the reporter's own judgement"
                else:
                    continue
                # In quoted speech it is the source's judgement; a name ("Happily Ever After") is not one.
                if in_quote(sentence, token) or (token.ent_type_ in ("ORG", "WORK_OF_ART", "PERSON")):
                    continue
            elif entry and entry.pos in ("manner", "both") and token.dep_ == "advmod" and token.head.pos_ in ("VERB", "AUX", "ADJ"):
                if not _reporter_voice(sentence, token) or negated(token.head):
                    continue
                confidence, use = opts["manner_confidence"], f"on \u201c{token.head.text}\u201d is the reporter's own judgement of the act"
                if token.head.pos_ == "ADJ":
                    # "alarmingly regular", "incredibly simple": a degree word turning an adjective up judges
                    # less than one that judges an act ("brazenly ignored"); worth a look, not a verdict.
                    confidence = opts["degree_confidence"]
                    use = f"on \u201c{token.head.text}\u201d turns the description up with the reporter's own judgement"
                elif token.head.lemma_.lower() in RESEMBLANCE_VERBS:
                    # "looked remarkably like a C-130": how close a likeness is, a description, not a verdict.
                    confidence = opts["degree_confidence"]
                    use = f"on \u201c{token.head.text}\u201d turns the description up with the reporter's own judgement"
                elif token.head.lemma_.lower() in OBJECTING_VERBS:
                    # "vehemently denied", "strongly objected": how hard the source pushed back, which is
                    # reported force, not the reporter taking a side. Worth a look, not a verdict.
                    confidence = opts["degree_confidence"]
                    use = f"on \u201c{token.head.text}\u201d may judge the force of the reply"
            else:
                continue
            start, end = sentence.token_span(token)
            alternative = entry.note if entry else "(delete it; state the fact)"
            hit = Hit(word, sentence.block, start, end, confidence,
                      dict(word=token.text, use=use, alternative=alternative))
            hit.any_genre = sentence_adverb and _glued_on(token)
            yield hit


def _glued_on(adverb: Any) -> bool:
    """An opening adverb added to a sentence already written: the word after its comma keeps the capital
    that began the sentence ("Sadly, The board voted", "Thankfully, FORD ..."). That is an edit in the
    reporter's voice whatever the genre, and a seam a reader sees."""
    doc = adverb.doc
    nxt = doc[adverb.i + 2] if adverb.i + 2 < len(doc) else None
    if nxt is None or not nxt.text[:1].isupper() or nxt.text == "I":
        return False
    if nxt.text.isupper() and len(nxt.text) > 1 or any(c.isdigit() for c in nxt.text):
        return True  # a label in capitals or a model number: no sentence of prose starts here
    return nxt.pos_ != "PROPN" and not nxt.ent_type_

@kind(
    "loaded_language",
    options={
        "lists": Option("lexicons", ["loaded-words"], "word lists from rules/lexicons/ to match"),
        "evaluative_adjectives": Option("bool", False, "also flag adjectives from evaluative-words.txt "
                                        "(research subjectivity and opinion lexicons)"),
        "list_confidence": Option("float", 0.75, "confidence for a listed word or phrase", min=0, max=1),
        "lexicon_confidence": Option("float", 0.5, "confidence for an evaluative adjective from the research "
                                     "lexicons", min=0, max=1),
        "min_weak_per_sentence": Option("int", 2, "evaluative adjectives from the research lexicons a sentence "
                                        "needs before they are flagged (one is enough when a degree word "
                                        "turns it up or the sentence exclaims)", min=1),
        "check_attribution": Option("bool", True, "leave words alone in speech attributed to a named source"),
        "check_negation": Option("bool", True, "leave denied words alone (\"was not a fiasco\")"),
    },
    fields=("word", "alternative", "list", "also"),
    needs_nlp=True,
)
def loaded_language(article: Article, card) -> Iterator[Finding]:
    """Listed words (by lemma and part of speech) and phrases in the reporter's own sentences."""
    return report_hits(article, card, _loaded_language_hits(article, card))


def _loaded_language_hits(article: Article, card) -> Iterator[Hit]:
    opts = card.options
    index = phrase_index(tuple(opts["lists"]))
    evaluative = word_set("evaluative-words") if opts["evaluative_adjectives"] else frozenset()
    # A word another neutrality list names ("stunning" is puffery) is that rule's to report: one defect,
    # one finding.
    evaluative = evaluative - _other_rules_words()
    narration = sentences(article)
    neighbours = by_block(narration)
    for sentence in narration:
        taken: list[tuple[int, int]] = []
        text = sentence.text
        if index.pattern is not None:
            for m in index.pattern.finditer(text):
                entry = index.phrase_for(m.group())
                span = sentence.span.char_span(m.start(), m.end(), alignment_mode="expand")
                if entry is None or span is None or len(span) == 0:
                    continue
                head = span.root
                if not _reporter_voice(sentence, head, opts["check_attribution"]):
                    continue
                if any(in_quote(sentence, t) for t in span) or (opts["check_negation"] and negated(head)):
                    continue
                start, end = sentence.start + m.start(), sentence.start + m.end()
                taken.append((start, end))
                yield Hit(entry.text, sentence.block, start, end, opts["list_confidence"],
                          dict(word=m.group(), alternative=entry.note or "a neutral word", list=entry.source))
        weak: list[Any] = []
        lexical = doc_fact(sentence.span.doc, "lexical", _lexical)
        for token in sentence.tokens:
            skip, lemma, lower, pos = lexical[token.i]
            if skip:
                continue
            entries = index.words.get(lemma) or index.words.get(lower)
            entry = next((e for e in entries if e.pos == "*" or e.pos == pos), None) if entries else None
            if entry is None and not (pos == "ADJ" and (lower in evaluative or lemma in evaluative)):
                continue  # most words: in no list, and no evaluative adjective
            start, end = sentence.token_span(token)
            if any(a <= start < b for a, b in taken):
                continue
            if entry is None:
                if _weak_adjective_stands(token):
                    weak.append(token)
                continue
            if not _reporter_voice(sentence, token, opts["check_attribution"]):
                continue
            if opts["check_negation"] and negated(token):
                continue
            if token.pos_ == "ADJ" and _physical_thing(token.head):
                continue  # "an explosive device was found under a van": the literal sense, on an object
            if entry.source in WEAK_LISTS and speech_nearby(sentence, neighbours):
                continue  # "extremely" next to a quotation is most likely the source's emphasis, paraphrased
            yield Hit(entry.text, sentence.block, start, end, opts["list_confidence"],
                      dict(word=token.text, alternative=entry.note or "a neutral word", list=entry.source))
        # A research-lexicon adjective alone is weak evidence: news copy describes with such words every
        # day. It counts when the sentence piles them up, turns one up ("so reckless", "very generous"), or
        # exclaims; and it yields to a source quoted or named in the sentence or beside it.
        weak = [t for t in weak if _reporter_voice(sentence, t, opts["check_attribution"])
                and not (opts["check_negation"] and negated(t))]
        if not weak or speech_nearby(sentence, neighbours):
            continue
        boosted = [t for t in weak if any(c.dep_ == "advmod" and c.lower_ in DEGREE for c in t.children)]
        if len({t.lemma_.lower() for t in weak}) < opts["min_weak_per_sentence"] and not boosted and not sentence.text.rstrip().endswith("!"):
            continue
        for token in weak:
            start, end = sentence.token_span(token)
            yield Hit(token.lemma_.lower(), sentence.block, start, end, opts["lexicon_confidence"],
                      dict(word=token.text, alternative="a neutral description, or attribute the judgement",
                           list="evaluative-words"))


def _lexical(doc: Any) -> list[tuple[bool, str, str, str]]:
    """Per token of a Doc: (punctuation or space, lower-case lemma, lower-case text, part of speech). Kept on the
    Doc (nlp.doc_fact): the lists are looked up in these, and a warm re-check reads them again for free."""
    return [(t.is_punct or t.is_space, t.lemma_.lower(), t.lower_, t.pos_) for t in doc]


def _weak_adjective_stands(token: Any) -> bool:
    """A research-lexicon adjective is weak evidence. It does not count as part of a compound ("chrome-like"),
    as a comparison, on a measured quantity,
    nor when it describes someone's state of mind towards something ("tired of", "suspicious of",
    "appealing to"): that reports the subject's view, not the reporter's."""
    doc = token.doc
    if token.i + 1 < len(doc) and doc[token.i + 1].text == "-" or token.i > 0 and doc[token.i - 1].text == "-":
        return False
    # A comparison ("worse than last year", "the narrowest margin") states a relation the copy can back;
    # an adjective on a measured quantity ("a generous 512GB drive") describes a specification.
    if token.tag_ in ("JJR", "JJS") or any(t.like_num for t in token.head.subtree if t.dep_ in ("nummod", "compound")):
        return False
    return not any(c.dep_ == "prep" and c.lower_ in ("of", "about", "to", "with", "toward", "towards")
                   for c in token.children)


@kind(
    "loaded_phrase",
    options={
        "lists": Option("lexicons", ["opinion-frames", "puffery"], "phrase lists from rules/lexicons/"),
        "confidence_per_list": Option("list[str]", [], "list=confidence pairs overriding the card confidence"),
    },
    fields=("phrase", "alternative", "list", "also"),
    needs_nlp=True,
)
def loaded_phrase(article: Article, card) -> Iterator[Finding]:
    """Opinion frames ("it is clear that", "of course") and puffery ("a testament to") outside quotes."""
    return report_hits(article, card, _loaded_phrase_hits(article, card))


def _loaded_phrase_hits(article: Article, card) -> Iterator[Hit]:
    opts = card.options
    overrides = dict(p.split("=", 1) for p in opts["confidence_per_list"] if "=" in p)
    pattern, entries = text_pattern(tuple(opts["lists"]))
    for sentence in sentences(article):
        for m in pattern.finditer(sentence.text):
            key = normalise(m.group())
            entry = entries.get(key)
            span = sentence.span.char_span(m.start(), m.end(), alignment_mode="expand")
            if entry is None or span is None or len(span) == 0:
                continue
            if any(in_quote(sentence, t) for t in span) or in_name(sentence, span[0]) and span[0].i != sentence.span.start:
                continue
            if attributed(span.root):
                continue
            if key == "of course" and m.start() > 0 and not re.search(r"[,;(—–-]\s*$", sentence.text[:m.start()]):
                continue  # "a change of course", "a golf course" are not the frame; the frame is set off
            if key == "no doubt" and re.search(r"\bno doubt\s+(?:about|that\s+the)\b", sentence.text[m.start():], re.I) is None and m.start() > 0:
                continue
            try:
                confidence = float(overrides.get(entry.source, card.confidence))
            except ValueError:
                confidence = card.confidence
            start = sentence.start + m.start()
            yield Hit(key, sentence.block, start, start + len(m.group()), confidence,
                      dict(phrase=m.group(), alternative=entry.note, list=entry.source))


def _speech_use(token: Any) -> bool:
    """The verb reports what someone said: it takes a clause ("claimed that...", "..., she insisted") or
    stands beside a quotation."""
    if any(c.dep_ in ("ccomp", "parataxis") for c in token.children):
        return True
    if token.dep_ in ("parataxis", "ccomp") and any(c.dep_ in ("nsubj",) for c in token.children):
        return True
    if any(c.dep_ == "prep" and c.lower_ == "about" for c in token.children):
        return True  # "bragged about the deal", "whined about the ruling"
    sent = token.sent
    return any(t.text in ("\"", "“", "”") for t in sent) and token.dep_ in ("ROOT", "parataxis", "conj") and \
        not any(c.dep_ in ("dobj", "prep") for c in token.children)


# What a lawsuit, a report or a filing "claims" is its stated case, a neutral legal and scholarly usage.
DOCUMENTS = frozenset("""lawsuit suit complaint filing petition report study statement ad advertisement letter
paper survey poll document indictment article book post tweet release memo motion brief patent application
claim website page video commercial""".split())


def _holder_is_document(verb: Any) -> bool:
    holder = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if holder is None and verb.dep_ in ("acl", "relcl"):
        holder = verb.head
    if holder is not None and holder.dep_ == "nsubj" and holder.lower_ in ("that", "which") and verb.dep_ == "relcl":
        holder = verb.head
    return holder is not None and holder.lemma_.lower() in DOCUMENTS


# Words by which the copy itself disputes a statement. "Claimed" followed by the evidence against the claim
# is a doubt the reporter has earned, not a slur on the speaker.
CONTRADICTION = re.compile(r"\b(?:however|but|though|although|despite|in fact|actually|no evidence|false(?:ly)?|"
                           r"erroneous(?:ly)?|incorrect(?:ly)?|untrue|wrong(?:ly)?|disputed?|contrary|denied|"
                           r"fact[- ]check\w*|misleading|debunked|unfounded|baseless)\b", re.IGNORECASE)


def _doubt_backed(sentence: Sentence, verb: Any, following: Sentence | None) -> bool:
    """The sentence (after the verb) or the next one in the paragraph contradicts the reported statement."""
    rest = sentence.span.doc.text[verb.idx + len(verb.text):sentence.span.end_char]
    before = sentence.span.doc.text[sentence.span.start_char:verb.idx]
    return bool(CONTRADICTION.search(rest) or CONTRADICTION.search(before) or
                (following is not None and CONTRADICTION.search(following.text)))


@kind("loaded_saying_verb", fields=("word", "implies", "also"), needs_nlp=True)
def loaded_saying_verb(article: Article, card) -> Iterator[Finding]:
    """"claimed", "admitted", "insisted", "conceded" used as verbs of saying in narration."""
    return report_hits(article, card, _loaded_saying_verb_hits(article, card))


def _loaded_saying_verb_hits(article: Article, card) -> Iterator[Hit]:
    verbs = {e.text: e for e in read_list("loaded-saying-verbs")}
    narration = sentences(article)
    for n, sentence in enumerate(narration):
        following = narration[n + 1] if n + 1 < len(narration) and narration[n + 1].block is sentence.block else None
        for token in sentence.tokens:
            entry = verbs.get(token.lemma_.lower())
            if entry is None or token.pos_ != "VERB" or token.tag_ == "VB" or not _speech_use(token):
                continue  # "had to admit", "to claim a victory": a bare infinitive reports nothing said
            if _holder_is_document(token) or _doubt_backed(sentence, token, following):
                continue
            if in_quote(sentence, token):
                continue
            start, end = sentence.token_span(token)
            yield Hit(entry.text, sentence.block, start, end, card.confidence, dict(word=token.text, implies=entry.note))


NAMING = re.compile(r"\b(?:call(?:s|ed|ing)?|dubb?(?:ed|s)?|nicknamed|named|titled|entitled|term(?:ed)?|word|"
                    r"phrase|label(?:l?ed)?|slogan|motto|known as|so-called|hashtag|headline|sign(?:s)?|"
                    r"read(?:s|ing)?|banner|chant(?:ed|ing)?|spell(?:ed|s)?|means?|meaning|translat\w*|(?:know|knew|known|refer\w*|describ\w*|regard\w*)\b(?:\W+\w+){0,4}\W+as)\b(?:\W+\w+){0,4}\W*$",
                    re.IGNORECASE)


@kind("scare_quotes", options={
    "max_words": Option("int", 3, "longest quoted phrase that can be a scare quote", min=1, max=8),
}, fields=("quoted",), needs_nlp=True)
def scare_quotes(article: Article, card) -> Iterator[Finding]:
    """A word or short phrase in quotation marks in narration, with no speaker anywhere in the sentence:
    the marks distance the reporter from the word ("the 'reform' passed")."""
    report = word_set("report-verbs")
    for sentence in sentences(article, ("paragraph", "caption", "list_item", "dek", "line")):
        block = sentence.block
        for q0, q1 in block.quotes:
            if not (sentence.start <= q0 and q1 <= sentence.end) or q1 - q0 < 3:
                continue
            inner = block.text[q0 + 1:q1 - 1].strip()
            if block.text[q1 - 1] not in "\"”’" or not inner or not inner[0].isalpha() or inner[0].isupper():
                continue  # a capitalised quotation is a title or a name, or a full sentence
            if len(inner.split()) > card.options["max_words"] or re.search(r"[.!?,;:]$", inner):
                continue
            before = block.text[sentence.start:q0]
            if NAMING.search(before):
                continue
            spoken = any(t.lemma_.lower() in report and t.pos_ in ("VERB", "AUX") for t in sentence.tokens) or \
                re.search(r"\baccording to\b", sentence.text, re.I)
            if spoken:
                continue
            yield make_finding(card, article, block, q0, q1, confidence=card.confidence, quoted=inner)
