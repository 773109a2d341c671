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
from copydesk.framework import Option, kind
from copydesk.genre import article_genre
from copydesk.lexicon import read_list, word_set
from copydesk.voice import (DEFINITE, GENERIC_PEOPLE, IDENTIFYING_PREPS, Sentence, according_to, attributed, by_block,
                            in_quote, is_title_case, names_a_source, paragraph_neighbours, people_noun, sentences,
                            vague_holder)

NAME_ENTITIES = ("PERSON", "ORG", "NORP", "GPE", "FAC")


def _holder_verbs() -> frozenset[str]:
    """Verbs whose subject holds a claim or a view: the opinion verbs and the verbs of reporting a claim.
    The research list of report verbs also has "gather", "decide", "learn"; those report no claim."""
    return word_set("cognition-verbs") | CLAIM_REPORT_VERBS


CLAIM_REPORT_VERBS = frozenset("""say tell add claim suggest argue contend maintain assert insist allege note observe
warn predict speculate fear worry agree disagree doubt question criticize criticise praise describe call
consider regard view estimate expect report hope feel suspect recommend acknowledge admit accuse charge blame
complain dispute deny concede stress emphasize caution state write remark comment hint imply indicate show
find conclude demonstrate point believe think reckon""".split())


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
    return any(t.ent_type_ in ("PERSON", "ORG") for t in sentence.tokens)


# -- vague attribution -----------------------------------------------------------------------------------------

PASSIVE_ADVERBS = frozenset("widely generally commonly often frequently long increasingly largely broadly "
                            "popularly traditionally sometimes".split())
OPINION_PASSIVES = frozenset("consider regard view deem think believe".split())
# Passives that hide a holder of a claim or a judgement. "Is known as", "was found", "can be seen" state
# facts, not opinions, so they are not here.
WEASEL_PASSIVES = frozenset("say believe think consider regard claim allege rumour rumor suggest argue report "
                            "suspect fear feel view deem reckon assume presume speculate hypothesize theorize "
                            "question criticise criticize dispute challenge praise condemn debate contest doubt "
                            "hail acclaim describe".split())
# Judged by someone, who is not named: "has been questioned", "was widely criticised".
JUDGED_PASSIVES = frozenset("question criticise criticize dispute challenge praise condemn contest doubt hail "
                            "acclaim debate".split())
HOLDER_PREPS = frozenset({"among", "within", "from", "inside", "across"})


@kind(
    "vague_attribution",
    options={
        "holder_confidence": Option("float", 0.85, "confidence for an unnamed group as holder", min=0, max=1),
        "passive_confidence": Option("float", 0.8, "confidence for an agentless passive (\"it is believed\")",
                                     min=0, max=1),
        "quantified_subjects": Option("bool", True, "also flag a vague quantity of people or things as the "
                                      "subject of any claim (\"many residents have left\", \"some studies\")"),
        "quantity_confidence": Option("float", 0.5, "confidence for a vague quantity as subject", min=0, max=1),
    },
    fields=("attribution", "question"),
    needs_nlp=True,
)
def vague_attribution(article: Article, card) -> Iterator[Finding]:
    """A verb of reporting or opinion whose holder is an unnamed group, or nobody (an agentless passive)."""
    opts = card.options
    questions = {e.text: e.note for e in read_list("vague-holders")}
    narration = sentences(article)
    neighbours = by_block(narration)
    groups = defined_groups(narration)
    previous = {b.start_key: a for a, b in zip(narration, narration[1:])}  # each sentence's predecessor
    for sentence in narration:
        span = sentence.span
        doc = span.doc
        seen: set[int] = set()
        for _, (verb_i, subject_i) in _matches(span):
            verb, subject = doc[verb_i], doc[subject_i]
            if verb.i in seen or not vague_holder(subject) or in_quote(sentence, verb):
                continue
            if attributed(verb) and verb.dep_ not in ("ROOT", "conj"):
                continue  # "Lund said critics argue..." is Lund's report
            if _resolved_nearby(sentence, subject, neighbours):
                continue
            seen.add(verb.i)
            confidence = holder_confidence(opts["holder_confidence"], sentence, verb, subject, groups, previous,
                                           neighbours)
            if confidence is None:
                continue  # "the pain that people feel": a relative clause, not an attribution
            confidence = round(confidence - setting_discount(article, sentence, subject.lower_), 3)
            first = _holder_start(subject, span)
            # "Critics say" or, inverted, "said one legal expert": the span runs from the first to the last.
            start, end = sentence.token_span(min(first, verb, key=lambda t: t.i),
                               max(verb, subject.right_edge if subject.i > verb.i else verb, key=lambda t: t.i))
            yield make_finding(card, article, sentence.block, start, end, confidence=confidence,
                               attribution=sentence.block.text[start:end],
                               question=questions.get(subject.lower_, f"which {subject.lower_}?"
                                                      if subject.tag_ == "NNS" else "who are they?"))
        for token in sentence.tokens:
            # "According to experts", "according to some": the preposition of attribution, with nobody in it.
            if according_to(token) and token.i + 2 < span.end and token.i not in seen:
                pobj = next((t for t in doc[token.i + 1].children if t.dep_ == "pobj"), None)
                if pobj is not None and vague_holder(pobj) and not in_quote(sentence, token):
                    seen.add(token.i)
                    start, end = sentence.token_span(token, pobj)
                    # "according to reports", "according to polls": a document, vague but checkable, is weaker
                    # evidence of a hidden holder than "according to experts".
                    confidence = opts["holder_confidence"] - (DOCUMENT_DISCOUNT if pobj.lower_ in DOCUMENTS else 0)
                    confidence = round(confidence - setting_discount(article, sentence, pobj.lower_), 3)
                    yield make_finding(card, article, sentence.block, start, end,
                                       confidence=confidence, attribution=sentence.block.text[start:end],
                                       question=questions.get(pobj.lower_, "who are they?"))
            # "reportedly", "reputedly", "purportedly": reported by someone the story does not name.
            elif token.lower_ in ("reportedly", "reputedly", "purportedly") and not in_quote(sentence, token) \
                    and not any(names_a_source(s.tokens)
                                for s in (sentence, *paragraph_neighbours(sentence, neighbours))):
                start, end = sentence.token_span(token, token)
                yield make_finding(card, article, sentence.block, start, end, confidence=0.6,
                                   attribution=token.text, question="reported by whom?")
        if opts["quantified_subjects"]:
            for subject in sentence.tokens:
                verb = subject.head
                if subject.dep_ not in ("nsubj", "nsubjpass") or verb.i in seen or not _vague_quantity(subject):
                    continue
                if in_quote(sentence, subject) or names_a_source(sentence.tokens):
                    continue
                seen.add(verb.i)
                first = _holder_start(subject, span)
                start, end = sentence.token_span(first, subject)
                yield make_finding(card, article, sentence.block, start, end,
                                   confidence=opts["quantity_confidence"], attribution=sentence.block.text[start:end],
                                   question="how many, and who says so?")
        for verb in sentence.tokens:
            if verb.i in seen or verb.lemma_.lower() not in WEASEL_PASSIVES or verb.tag_ != "VBN":
                continue
            children = list(verb.children)
            agent = next((c for c in children if c.dep_ == "agent"), None)
            if agent is not None and any(t.dep_ == "pobj" and vague_holder(t) for t in agent.children):
                # "is favoured by some", "is considered by many": the holder is there, and unnamed.
                if not in_quote(sentence, verb):
                    seen.add(verb.i)
                    pobj = next(t for t in agent.children if t.dep_ == "pobj")
                    start, end = sentence.token_span(verb, pobj)
                    confidence = opts["holder_confidence"] - setting_discount(article, sentence, pobj.lower_)
                    yield make_finding(card, article, sentence.block, start, end,
                                       confidence=round(confidence, 3), attribution=sentence.block.text[start:end],
                                       question=questions.get(pobj.lower_, "who are they?"))
                continue
            if not any(c.dep_ == "auxpass" for c in children) or agent is not None:
                continue
            subject = next((c for c in children if c.dep_ in ("nsubjpass", "expl")), None)
            it_that = subject is not None and subject.lower_ == "it" and any(c.dep_ == "ccomp" for c in children)
            raised = any(c.dep_ == "xcomp" and any(g.lower_ == "to" for g in c.children) for c in children)
            widely = any(c.dep_ == "advmod" and c.lower_ in PASSIVE_ADVERBS for c in children)
            opinion = verb.lemma_.lower() in OPINION_PASSIVES and any(
                c.dep_ in ("oprd", "xcomp") or (c.dep_ == "prep" and c.lower_ == "as") for c in children)
            judged = verb.lemma_.lower() in JUDGED_PASSIVES and not any(
                c.dep_ == "aux" and c.tag_ == "MD" for c in children)  # "can't be challenged in court": law
            if any(c.dep_ == "prep" and c.lower_ in HOLDER_PREPS for c in children):
                continue  # "was criticised within his own party": the holder is there
            if not (it_that or raised or widely or opinion or judged):
                continue
            if in_quote(sentence, verb) or names_a_source(sentence.tokens):
                continue
            if not widely and any(names_a_source(n.tokens) for n in paragraph_neighbours(sentence, neighbours)):
                continue  # "It is believed that...": the named source beside it may be the believer; a
                # consensus ("widely believed") is never settled by one source
            aux = [c for c in children if c.dep_ in ("aux", "auxpass", "advmod") and c.i < verb.i]
            first = subject if it_that and subject is not None else (aux[0] if aux else verb)
            start, end = sentence.token_span(first, verb)
            seen.add(verb.i)
            # "It is believed that ..." hides the holder of the sentence's whole claim. "He is viewed as a
            # successor", "Florida is considered a toss-up" characterise one thing, and "was criticised" reports
            # an act: real reporting uses them with the holder a sentence away, so they are advisory.
            confidence = opts["passive_confidence"]
            if any(c.dep_ == "advmod" and c.lower_ in ("once", "formerly", "previously") for c in children):
                confidence -= JUDGED_DISCOUNT  # "it was once assumed": a belief of the past, set up to be corrected
            if not it_that:
                confidence -= PERSONAL_PASSIVE_DISCOUNT if (opinion or raised or widely) else JUDGED_DISCOUNT
            confidence = round(confidence - setting_discount(article, sentence, None), 3)
            yield make_finding(card, article, sentence.block, start, end, confidence=confidence,
                               attribution=sentence.block.text[start:end], question="by whom?")
        for m in CONSENSUS.finditer(sentence.text):
            start, end = sentence.start + m.start(), sentence.start + m.end()
            covered = any(start <= sentence.offset(doc[i]) < end for i in seen)
            if covered or sentence.block.in_quote(start, end) or names_a_source(sentence.tokens):
                continue  # already reported as a hidden holder, or quoted, or sourced
            if re.search(r"\b(?:should|must|ought to|deserves? to)\s+be\s+$", sentence.text[:m.start()]):
                continue  # "this should be universally recognised": the writer's demand, not a claimed consensus
            confidence = opts["passive_confidence"] - setting_discount(article, sentence, None)
            yield make_finding(card, article, sentence.block, start, end, confidence=round(confidence, 3),
                               attribution=m.group(), question="held or accepted by whom?")


# Where the sentence stands, as evidence against a hidden holder (each lowers the confidence once):
QUESTION_DISCOUNT = 0.15  # "Critics have said the film is too dark; do you agree?": a question asserts nothing
RHETORIC_DISCOUNT = 0.15  # "Some say ...", "conventional wisdom" in a column: the writer's set-up, not a source
TEASER_DISCOUNT = 0.15  # a title-case headline on a saved page that is not the story's own: another story's teaser
# Holders a columnist's rhetoric uses for people at large. Experts, analysts, critics, officials and sources
# are a claim of sourcing in any genre and keep their full weight.
EVERYDAY_HOLDERS = frozenset("people some many most others everyone everybody anyone anybody nobody folks "
                             "someone somebody".split())
RHETORIC_GENRES = ("opinion", "personal", "review")


def setting_discount(article: Article, sentence: Sentence, holder: str | None) -> float:
    """What the sentence's setting takes off the evidence: a question, a columnist's rhetoric about people at
    large (holder None: an agentless passive or a stock phrase), another story's headline on a saved page."""
    discount = 0.0
    if sentence.text.rstrip(" \"'”’)]").endswith("?"):
        discount += QUESTION_DISCOUNT
    if (holder is None or holder in EVERYDAY_HOLDERS) and article_genre(article).name in RHETORIC_GENRES:
        discount += RHETORIC_DISCOUNT
    block = sentence.block
    headline_form = block.kind in ("heading", "line", "list_item") or not block.text.rstrip().endswith((".", "!", "?"))
    if (article.whole_page and headline_form and is_title_case(block.text) and block is not _own_headline(article)):
        discount += TEASER_DISCOUNT
    return discount


def _own_headline(article: Article) -> Any:
    """The story's headline: its first top-level heading (a saved page's <h1>), else its title."""
    if "own_headline" not in article.cache:
        story = article.story_blocks()
        article.cache["own_headline"] = next((b for b in story if b.kind == "heading" and b.heading_level == 1),
                                             next((b for b in article.blocks if b.kind == "title"), None))
    return article.cache["own_headline"]


DOCUMENTS = frozenset("reports polls studies surveys accounts estimates figures".split())
DOCUMENT_DISCOUNT = 0.2
PERSONAL_PASSIVE_DISCOUNT = 0.15  # "is widely considered a contender": one characterisation, holder hidden
JUDGED_DISCOUNT = 0.2  # "was criticised for ...": an act reported, its authors a sentence or a search away
# How much each piece of evidence against a hidden holder takes off the card's holder confidence.
MODIFIED_DISCOUNT = 0.2  # "industry analysts", "supporters of the women": narrowed to a findable group
CONSTITUENCY_DISCOUNT = 0.2  # "many Democrats", "most Americans": a party or a people, not an anonymous voice
NO_CLAIM_DISCOUNT = 0.25  # "reported long waits", "called for his resignation": an act or an experience, no claim
DEFINED_DISCOUNT = 0.3  # "the migrants ... some said": a group the story has already introduced
SOURCED_DISCOUNT = 0.3  # "according to a poll released Friday" in the same sentence
HOLDER_QUANTIFIERS = frozenset("some many most several numerous various certain countless few multiple other "
                               "all".split())
# Bodies whose members a pronoun holder right after them stands for.
COLLECTIVES = frozenset("party wing caucus faction camp crowd audience group members membership base public "
                        "electorate congregation delegation union board committee panel jury staff team".split())
PRONOUN_HOLDERS = frozenset("some many most several others few all".split())


def holder_confidence(base: float, sentence: Sentence, verb: Any, subject: Any, groups: dict[str, tuple[int, int]],
                      previous: dict[tuple[int, int], Sentence], neighbours: dict) -> float | None:
    """How sure the evidence is that this unnamed group hides the holder of the sentence's claim.

    Full confidence for a bare class or quantity ("Experts suggest that ...", "Some say ...", "..., analysts
    say") whose verb carries a claim, about a group the story never introduced. Each thing an editor would
    accept as an answer to "who?" lowers it: a narrowed group, a party or a people, a group already in the
    story, a named source in the sentence; and a verb that reports an act rather than a claim. None when
    the verb sits in a relative clause ("the pain people feel", "ads in which people say"): no attribution."""
    if verb.dep_ in ("relcl", "acl"):
        return None
    confidence = base
    if _narrowed(subject):
        confidence -= MODIFIED_DISCOUNT
    if subject.ent_type_ == "NORP" or subject.pos_ == "PROPN":
        confidence -= CONSTITUENCY_DISCOUNT
    if subject.lower_ in DOCUMENTS:
        confidence -= DOCUMENT_DISCOUNT  # "polls show": unnamed, but a document the reader can look for
    if not _carries_claim(verb):
        confidence -= NO_CLAIM_DISCOUNT
    if _already_defined(sentence, subject, verb, groups, previous, neighbours):
        confidence -= DEFINED_DISCOUNT
    if names_a_source(sentence.tokens, skip=verb):
        confidence -= SOURCED_DISCOUNT
    elif CITATION.search(sentence.text):
        confidence -= SOURCED_DISCOUNT  # "researchers believe [4]": a numbered or author-year citation says who
    if _member_named_after(sentence, subject, neighbours):
        confidence -= DEFINED_DISCOUNT  # "Some councillors argue ..." and the next paragraph quotes one by name
    if verb.pos_ == "NOUN" or verb.tag_.startswith("NN"):
        confidence -= NO_CLAIM_DISCOUNT  # "wanted some say in the sale": the noun, not a verb of saying
    return round(confidence, 3)


# A numbered reference ("[4]", "[12, 13]") or an author-year one ("(Lund et al., 2019)", "(Brink 2021)").
CITATION = re.compile(r"\[\d+(?:[,–-]\s*\d+)*\]|\bet al\.?|\([A-Z][A-Za-z'-]+(?: et al\.?| and [A-Z][A-Za-z'-]+)?,? "
                      r"(?:19|20)\d\d[a-z]?\)")


def _member_named_after(sentence: Sentence, subject: Any, neighbours: dict) -> bool:
    """A member of the group named in the next sentences: the rest of this paragraph or the first sentence of
    the next one ("Some councillors argue ..." then "'...,' said Councillor Ana Brink"). The reporter has
    said who; a reader meets the name a line later."""
    lemma = subject.lemma_.lower()
    group = neighbours.get(sentence.block.index, [])
    following = [s for s in group if s.start > sentence.start][:2]
    if len(following) < 2:
        later = [k for k in neighbours if k > sentence.block.index]
        if later:
            following += neighbours[min(later)][:2 - len(following)]
    for other in following:
        if _names_someone(other) and any(t.lemma_.lower() == lemma or t.lower_ == subject.lower_
                                         for t in other.tokens):
            return True
    return False


def _narrowed(subject: Any) -> bool:
    """The group is narrowed by what it is or where it is ("industry analysts", "Washington-based trade
    expert", "some prominent conservatives", "supporters of the women", "consumers who sought help")."""
    for child in subject.children:
        if child.dep_ in ("det", "nummod", "predet", "punct", "cc", "advmod"):
            continue
        if child.dep_ == "amod" and child.lower_ in HOLDER_QUANTIFIERS:
            continue
        if child.dep_ == "prep" and child.lower_ not in IDENTIFYING_PREPS and not any(
                g.dep_ == "det" and g.lower_ in DEFINITE for p in child.children for g in p.children):
            continue  # "critics of tax cuts" says what they oppose; "supporters of the women" names a side
        if child.dep_ in ("amod", "compound", "prep", "relcl", "acl", "appos", "nmod", "poss", "npadvmod"):
            return True
    return False


NAMING_VERBS = frozenset("call dub term name nickname label".split())


def _a_term(token: Any) -> bool:
    """A coined name: a proper noun, an acronym or a code ("Y2Q", "the Great Resignation"), not a common noun
    phrase that characterises ("called it a disaster")."""
    text = token.text
    return token.pos_ == "PROPN" or (len(text) > 1 and text.isupper()) or any(ch.isdigit() for ch in text)


def _carries_claim(verb: Any) -> bool:
    """The verb puts a claim in the holder's mouth: a clause ("say that ...", "expect prices to rise"), a
    characterisation ("described him as reckless", "called it the end of an era"), quoted words, or the
    parenthetical "..., analysts say" attached to the sentence's own claim."""
    kids = list(verb.children)
    if any(c.dep_ == "aux" and c.lower_ in ("might", "could", "may", "would") for c in kids):
        return False  # "people might question why": a hypothetical reader, not a holder of the story's claim
    if verb.lemma_.lower() in EXPERIENCE_VERBS and any(
            c.dep_ in ("xcomp", "ccomp") and (c.tag_ == "VBG" or c.left_edge.tag_ == "VBG") for c in kids):
        return False  # "many users reported being logged out": an experience, not a claim
    if verb.lemma_.lower() in NAMING_VERBS and any(c.dep_ in ("oprd", "dobj") and _a_term(c) for c in kids):
        return False  # "Experts call the countdown Y2Q": a name for a thing, not a judgement of it
    if any(c.dep_ in ("ccomp", "xcomp", "oprd", "acomp") for c in kids):
        return True
    if any(c.dep_ == "prep" and c.lower_ == "as" for c in kids) and any(c.dep_ == "dobj" for c in kids):
        return True
    if verb.dep_ in ("parataxis", "ccomp") or (verb.dep_ == "ROOT" and any(c.dep_ in ("ccomp", "parataxis")
                                                                          for c in verb.head.children)):
        return True
    if verb.dep_ == "ROOT" and not any(c.dep_ in ("dobj", "prep", "dative") for c in kids):
        return True  # "Critics disagree.", "..., some said.": the claim is the sentence around it
    doc = verb.doc
    after = doc[verb.i + 1:min(len(doc), verb.i + 4)]
    if verb.i + 1 < len(doc) and doc[verb.i + 1].lower_ == "that" and verb.lemma_.lower() in CLAIM_REPORT_VERBS:
        return True  # "say that ...", however the parse hung the rest
    return any(t.is_quote or t.text in (":",) for t in after)


def _already_defined(sentence: Sentence, subject: Any, verb: Any, groups: dict[str, tuple[int, int]],
                     previous_sentence: dict[tuple[int, int], Sentence], neighbours: dict) -> bool:
    """The story has already said who these people are: a pronoun holder ("some", "others", "many") right
    after a sentence or clause about a group ("The migrants ... Some said", "some ... while others said"), or a
    class the story introduced definitely before ("the bill's sponsors ... sponsors disputed it")."""
    lower = subject.lower_
    if lower == "others" and (sentence.start > 0 or previous_sentence.get(sentence.start_key) is not None):
        return True  # "Others reported ...": the rest of a group the story has just described
    if lower in PRONOUN_HOLDERS and any(c.lower_ in ("also", "too") for c in verb.children):
        return True  # "Some also said": more from a group already reported
    if lower in PRONOUN_HOLDERS:
        before = [t for t in sentence.tokens if t.i < subject.i]
        previous = [n for n in paragraph_neighbours(sentence, neighbours) if n.start < sentence.start]
        # Across a paragraph break, the sentence just before counts when a group is its subject ("many
        # customers shared their reasons. / Many said ...").
        last = previous[-1:] or [p for p in (previous_sentence.get(sentence.start_key),) if p is not None]
        if not previous and last and not any(t.dep_ in ("nsubj", "nsubjpass") and t.tag_ == "NNS" and
                                             people_noun(t.lower_) for t in last[0].tokens):
            last = []
        for t in before + [t for n in last for t in n.tokens]:
            if t.tag_ in ("NNS", "NNPS") and (people_noun(t.lower_) or t.ent_type_ == "NORP"):
                return True
            if t.lemma_.lower() in COLLECTIVES or t.ent_type_ == "NORP":
                return True  # "two wings of the party. Some say ...": some of its members
            if t.lower_ in PRONOUN_HOLDERS and t.i != subject.i and t.dep_ in ("nsubj", "nsubjpass"):
                return True  # "Some ..., others said": the same group, split
        return False
    first = groups.get(subject.lemma_.lower())
    if first is not None and first < sentence.start_key:
        return True
    # "NOAA released its outlook. Researchers predicted ...": the organisation's own staff.
    if lower in STAFF_ROLES and not any(c.dep_ in ("det", "amod") and c.lower_ in HOLDER_QUANTIFIERS
                                        for c in subject.children):
        previous = [n for n in paragraph_neighbours(sentence, neighbours) if n.start < sentence.start]
        return any(t.ent_type_ == "ORG" for n in previous[-1:] for t in n.tokens)
    return False


def defined_groups(narration: list[Sentence]) -> dict[str, tuple[int, int]]:
    """Plural people nouns the story introduces definitely ("the migrants", "the bill's sponsors", "these
    researchers", "scientists, including Ada Lind"), with the position of the first such mention."""
    out: dict[str, tuple[int, int]] = {}
    for sentence in narration:
        for t in sentence.tokens:
            if t.tag_ != "NNS" or not people_noun(t.lower_) or t.lemma_.lower() in out or t.lower_ in GENERIC_PEOPLE:
                continue
            definite = any(c.dep_ == "poss" or c.dep_ == "det" and c.lower_ in DEFINITE for c in t.children)
            # "scientists, including Ada Lind", "researchers at the Velden Institute", "Velden researchers"
            named = any(c.dep_ in ("appos", "prep", "compound") and any(
                g.ent_type_ in ("PERSON", "ORG") or g.pos_ == "PROPN" for g in c.subtree) for c in t.children)
            if definite or named:
                out[t.lemma_.lower()] = sentence.start_key
    return out


STAFF_ROLES = frozenset("researchers scientists engineers officials economists analysts staff".split())
EXPERIENCE_VERBS = frozenset({"report", "complain", "describe", "recall"})


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


# Consensus claimed for nobody in particular.
CONSENSUS = re.compile(r"\b(?:widely|generally|commonly|universally|popularly) (?:held|accepted|acknowledged|agreed|"
                       r"recognised|recognized|assumed)\b|\bwell[- ]known fact\b|\bit is (?:well )?known that\b|"
                       r"\bconventional wisdom\b|\bit is (?:often |widely |commonly )?(?:said|thought|believed|argued)\b",
                       re.IGNORECASE)
VAGUE_QUANTIFIERS = frozenset("some many most several numerous countless certain".split())


def _vague_quantity(subject: Any) -> bool:
    """"Some scholars", "many people", "most historians" as the subject of any claim: a generalisation about
    an unnamed group of people. A name in it ("many Velden Institute researchers") makes it specific."""
    if any(c.lower_ == "how" for c in subject.subtree):
        return False  # "how many people will sign up": a question, not a claim
    if subject.tag_ not in ("NNS",) or subject.pos_ != "NOUN" or not people_noun(subject.lower_):
        return False  # "several deals are available", "some cities have made progress": things, not holders
    if not any(c.dep_ in ("det", "amod") and c.lower_ in VAGUE_QUANTIFIERS for c in subject.children):
        return False
    return not any(t.pos_ == "PROPN" or t.ent_type_ in NAME_ENTITIES for t in subject.subtree if t.i != subject.i)


def _holder_start(subject: Any, span: Any) -> Any:
    """Where the holder's words begin: its left edge, without a leading time stamp, number or punctuation
    that the parse hung on it ("12:10 Critics of the trust...")."""
    first = subject.left_edge if subject.left_edge.i >= span.start else subject
    doc = subject.doc
    while first.i < subject.i and (first.is_punct or first.like_num or first.pos_ in ("NUM", "SYM", "X")
                                   or any(ch.isdigit() for ch in first.text)):
        first = doc[first.i + 1]
    return first


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
        if any(t.lemma_.lower() == lemma for t in other.tokens):
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
    narration = sentences(article)
    neighbours = by_block(narration)
    for sentence in narration:
        for noun in sentence.tokens:
            question = nouns.get(noun.lemma_.lower())
            if question is None or noun.pos_ != "NOUN" or in_quote(sentence, noun):
                continue
            head = noun.head
            governed = (noun.dep_ in ("dobj", "pobj", "attr") and head.lemma_.lower() in reactions) or \
                (noun.dep_ == "pobj" and head.lower_ in ("amid", "amidst", "despite") ) or \
                (noun.dep_ == "nsubj" and head.lemma_.lower() in SWELL_VERBS) or \
                (noun.lemma_.lower() == "fire" and head.lower_ == "under") or \
                (noun.dep_ == "attr" and head.lemma_ == "be" and any(c.dep_ == "expl" for c in head.children))
            if noun.lemma_.lower() == "fire" and head.lower_ != "under":
                continue
            if noun.dep_ == "pobj" and head.pos_ == "ADP" and head.lower_ not in ("amid", "amidst", "despite", "under"):
                verb = head.head
                governed = verb.lemma_.lower() in reactions and head.lower_ in ("with", "to", "for", "under")
                head = verb
            if any(c.dep_ == "det" and c.lower_ in ("the", "this", "that", "these", "those") for c in noun.children):
                continue  # "amid the controversy" refers to one the story has described
            if any(c.dep_ == "nummod" for c in noun.children):
                continue  # "two more presidential debates": scheduled events, not a reaction
            if not governed or _has_holder(noun, head):
                continue
            if names_a_source(sentence.tokens) or attributed(noun):
                continue
            if card.options["check_neighbours"] and any(names_a_source(n.tokens)
                                                        for n in paragraph_neighbours(sentence, neighbours)):
                continue
            first = head
            if head.dep_ == "xcomp" and head.head.pos_ in ("VERB", "AUX") and head.head.i < head.i:
                first = head.head  # "continue to raise concerns"
            if head.pos_ == "ADP" or noun.dep_ == "nsubj":
                first = min(head, noun, key=lambda t: t.i)
            last = max(noun, head, key=lambda t: t.i) if noun.dep_ == "nsubj" else noun
            start, end = sentence.token_span(first, last)
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
# "It is possible that...", "it is likely that...": a guess framed as an assessment.
POSSIBLE = frozenset({"possible", "likely", "probable", "conceivable", "plausible", "unlikely", "doubtful"})
STRONG_HEDGES = frozenset({"potentially", "possibly", "perhaps", "arguably", "conceivably", "seemingly",
                           "presumably", "supposedly", "maybe", "probably"})


@kind("speculation", options={
    "hedge_confidence": Option("float", 0.6, "confidence for a hedge adverb on a claim", min=0, max=1),
    "meaning_confidence": Option("float", 0.75, "confidence for a modal on a verb of meaning or change (\"could signal\", \"could turn the port into\")",
                                 min=0, max=1),
    "stacked_confidence": Option("float", 0.8, "confidence for stacked hedges (\"could potentially\")",
                                 min=0, max=1),
    "sweeping_confidence": Option("float", 0.75, "confidence for a guess at meaning or intent (\"potentially "
                                  "alluding\") or \"it is likely that\"", min=0, max=1),
    "ranking_confidence": Option("float", 0.7, "confidence for a hedged ranking (\"is perhaps the country's "
                                 "biggest\") or a sentence opened with a hedge (\"Maybe ...\")", min=0, max=1),
    "modal_confidence": Option("float", 0.55, "confidence for \"might\" on an ordinary verb (\"states might "
                               "respond\")", min=0, max=1),
    "term_confidence": Option("float", 0.45, "confidence for a hedged adjective, number or date (\"potentially "
                              "habitable\", \"perhaps 15 storeys\")", min=0, max=1),
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
        for hedge in sentence.tokens:
            # A strong hedge is speculation whatever it modifies ("presumably destroyed", "perhaps the most").
            if hedge.lower_ not in STRONG_HEDGES or hedge.head.i in flagged or in_quote(sentence, hedge):
                continue
            head = hedge.head if hedge.head.i != hedge.i else hedge
            if attributed(hedge) or names_a_source(sentence.tokens, _holder_verbs() - meanings):
                continue
            if _first_or_second_person(head):
                continue  # "Maybe you don't publish ...", "Perhaps my least favourite ...": the writer's own
                # reasoning or an address to the reader, not a guess passed off as news
            modals = [c for c in head.children if c.dep_ == "aux" and c.lower_ in MODALS]
            cue = [hedge, *modals, head]
            first, last = min(cue, key=lambda t: t.i), max(cue, key=lambda t: t.i)
            flagged.add(head.i)
            start, end = sentence.token_span(first, last)
            if modals:
                confidence = opts["stacked_confidence"]
            else:
                confidence = _hedge_weight(hedge, head, meanings, opts)
            yield make_finding(card, article, sentence.block, start, end, confidence=confidence,
                               phrase=sentence.block.text[start:end])
        for verb in sentence.tokens:
            if verb.pos_ not in ("VERB", "AUX", "ADJ", "NOUN", "NUM") or verb.i in flagged:
                continue
            kids = list(verb.children)  # once: spaCy makes new Token objects on every walk of the children
            modals = [c for c in kids if c.dep_ == "aux" and c.lower_ in MODALS]
            adverbs = [c for c in kids if c.dep_ in ("advmod", "npadvmod") and c.lower_ in hedges]
            if verb.pos_ in ("NOUN", "NUM") and not any(a.lower_ in STRONG_HEDGES for a in adverbs):
                continue
            strong = [a for a in adverbs if a.lower_ in STRONG_HEDGES]
            # "may have caused": a guess about what happened. "Could have" is mostly counterfactual.
            perfect = any(m.lower_ in ("may", "might") for m in modals) and verb.tag_ == "VBN" and any(
                c.dep_ == "aux" and c.lower_ == "have" for c in kids)
            seeming = False  # "appears to have been taken": a verification hedge is care, not speculation
            possible = verb.lemma_.lower() == "be" and any(c.dep_ in ("expl", "nsubj") and c.lower_ == "it"
                                                           for c in kids) and any(
                c.dep_ == "acomp" and c.lower_ in POSSIBLE for c in kids) and any(
                c.dep_ == "ccomp" for c in kids)
            evidential = verb.lemma_.lower() in ("suggest", "indicate", "imply") and verb.tag_ in ("VBZ", "VBP", "VBD") \
                and any(c.dep_ == "nsubj" and c.lower_ in ("this", "that", "it", "evidence", "data", "research",
                                                           "findings", "studies", "study", "results", "analysis")
                        for c in kids)
            if modals and adverbs:
                confidence = opts["stacked_confidence"]
            elif possible:
                confidence = opts["sweeping_confidence"]  # "it is likely that ...": an assessment nobody made
            elif modals and (verb.lemma_.lower() in meanings or _sweeping(verb)):
                confidence = opts["meaning_confidence"]  # "could signal", "could turn the port into a hub"
            elif evidential:
                confidence = opts["modal_confidence"] - 0.1  # "the data suggests": the evidence is named
            elif strong or perfect:
                confidence = opts["hedge_confidence"]
            elif seeming or any(m.lower_ == "might" for m in modals):
                # "might have benign explanations", "states might respond": an ordinary possibility, which
                # the story's facts may well support; worth a look, not a verdict.
                confidence = opts["modal_confidence"]
            else:
                continue
            if possible:
                adverbs = [c for c in kids if c.dep_ in ("expl", "nsubj", "acomp")]
            if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in PERSONAL for c in kids):
                continue  # "I might", "you might also like": the writer's own experience or an address
            if modals and not adverbs and _embedded_question(verb):
                continue  # "how he might govern", "whether Obama might drop it": a question, not a guess
            cue = [*modals, *adverbs]
            if in_quote(sentence, verb) or any(in_quote(sentence, c) for c in cue):
                continue
            if attributed(verb) or names_a_source(sentence.tokens, _holder_verbs() - meanings, skip=verb):
                continue
            first = min([*cue, verb], key=lambda t: t.i)
            last = max([*cue, verb], key=lambda t: t.i)
            flagged.add(verb.i)
            start, end = sentence.token_span(first, last)
            yield make_finding(card, article, sentence.block, start, end, confidence=confidence,
                               phrase=sentence.block.text[start:end])


# Verbs of purpose: hedged, they guess at someone's motive ("was potentially aimed at the Greens").
INTENT_VERBS = frozenset("aim intend design mean target calculate motivate".split())
# Verbs of change that, under a modal, make a sweeping prediction: "could turn the port into a hub",
# "may transform the sector", "could spell the end".
SWEEPING = frozenset("turn transform reshape revolutionize revolutionise upend overturn spell herald usher "
                     "redefine remake".split())


def _sweeping(verb: Any) -> bool:
    lemma = verb.lemma_.lower()
    if lemma in SWEEPING:
        return True
    return lemma in ("make", "become") and any(c.dep_ in ("attr", "oprd") and _superlative(c) for c in verb.children)


def _superlative(noun: Any) -> bool:
    """"the country's biggest port", "the most striking yet": the noun is ranked first or last."""
    return noun.tag_ == "JJS" or any(c.tag_ == "JJS" or c.dep_ == "amod" and any(g.tag_ == "RBS" for g in c.children)
                                     or c.tag_ == "RBS" for c in noun.children)


def _hedge_weight(hedge: Any, head: Any, meanings: set[str], opts: dict) -> float:
    """How sure a lone hedge adverb is speculation, from what it hedges. Guessing at meaning or intent
    ("potentially alluding"), a hedged ranking ("is perhaps the country's biggest"), or a sentence opened with
    "Maybe" are the reporter's own guesses. A hedged adjective is mostly a term of art ("potentially
    habitable", "potentially fatal"), a hedged number or date an approximation ("perhaps 15 storeys",
    "possibly early next week"): advisory."""
    if head.lemma_.lower() in meanings or head.lemma_.lower() in INTENT_VERBS:
        return opts["sweeping_confidence"]  # "potentially alluding to", "was perhaps aimed at": a guess at motive
    if head is hedge or hedge.i == hedge.sent.start or hedge.lower_ == "maybe" and hedge.i <= hedge.sent.start + 1:
        return opts["ranking_confidence"]  # "Maybe the designers ...", "Probably not."
    if head.pos_ in ("NUM",) or head.like_num or any(c.like_num for c in head.children) or head.ent_type_ in (
            "DATE", "TIME", "QUANTITY", "CARDINAL", "MONEY", "PERCENT"):
        return opts["term_confidence"]
    if head.pos_ == "ADJ" and head.dep_ == "amod" or head.dep_ == "prep":
        return opts["term_confidence"]
    if head.lemma_ == "be" and any(c.dep_ in ("attr", "acomp") and _superlative(c) for c in head.children):
        return opts["ranking_confidence"]  # "is perhaps the country's biggest", "arguably the most striking"
    if head.pos_ in ("NOUN", "PROPN") and _superlative(head):
        return opts["ranking_confidence"]  # "perhaps the most telling contradiction"
    return opts["hedge_confidence"]


PERSONAL = frozenset("i you we me us".split())
PERSONAL_POSSESSIVES = frozenset("my our your".split())


def _first_or_second_person(head: Any) -> bool:
    """The hedged clause is about the writer or the reader: a subject "I", "we" or "you", or "my"/"our"
    on the subject ("Perhaps my least favourite feature is ...")."""
    for c in head.children:
        if c.dep_ in ("nsubj", "nsubjpass", "expl") and (c.lower_ in PERSONAL or any(
                g.dep_ == "poss" and g.lower_ in PERSONAL_POSSESSIVES for g in c.children)):
            return True
    return False


WH_WORDS = frozenset("whether if how what who whom whose when where why which".split())


def _embedded_question(verb: Any) -> bool:
    return any(c.lower_ in WH_WORDS and c.i < verb.i for c in verb.children) or verb.dep_ == "relcl" and any(
        t.lower_ in WH_WORDS for t in verb.subtree if t.i < verb.i)


# -- quotations with no speaker --------------------------------------------------------------------------------

# Verbs that introduce quoted speech besides the verbs of reporting.
SPEAKING_VERBS = frozenset("tell add write ask reply recall tweet post shout continue laugh posit demand joke "
                           "exclaim smile sigh chuckle read sing chant cry scream whisper quip muse".split())
COLON_INTRO = re.compile(r"[\w.)’'\"]\s*:\s*$")


@kind("unattributed_quote", options={
    "min_words": Option("int", 6, "shortest quotation checked (shorter ones are partial quotes or titles)", min=2),
}, fields=("quoted",), needs_nlp=True)
def unattributed_quote(article: Article, card) -> Iterator[Finding]:
    """A direct quotation of a sentence or more with no speaker in its sentence or the ones beside it."""
    narration = sentences(article, ("paragraph", "caption", "list_item", "line"))
    neighbours = by_block(narration)
    verbs = _holder_verbs() | word_set("report-verbs") | SPEAKING_VERBS
    core = article.story_core()
    for block_index, group in neighbours.items():
        block = group[0].block
        if core is not None and not core[0] <= block.index <= core[1]:
            continue  # a saved page's teaser quoting another story ("“Things are finally normal.”")
        spoken = False  # an earlier quotation of this paragraph has its speaker
        for q0, q1 in block.quotes:
            inner = block.text[q0:q1].strip("\"“”' ")
            if is_title_case(inner):
                continue  # “Once Upon a Time in Hollywood”: a title of a work, not speech
            if len(inner.split()) < card.options["min_words"] or not inner[:1].isupper():
                continue  # a lowercase start is a partial quotation woven into the reporter's sentence
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
                spoken = True
                continue
            if spoken:
                continue  # a paragraph quotes one speaker: a later quotation in it goes on with the same one
            before = block.text[:q0]
            if COLON_INTRO.search(before):
                continue  # "Lund: “...”" or "she told the meeting:" introduces the speaker
            if _introduced_by_subject(group, q0):
                continue  # "Ms Okafor returned to the point. “What ...?”": the sentence before names who speaks
            if q0 == 0 and _previous_block_introduces(article, block, verbs):
                continue
            yield make_finding(card, article, block, q0, q1, confidence=card.confidence,
                               quoted=inner[:60] + ("…" if len(inner) > 60 else ""))


def _speaker_in(sentence: Sentence, verbs: frozenset[str], q0: int, q1: int) -> bool:
    for t in sentence.tokens:
        start = sentence.offset(t)
        if q0 <= start < q1:
            continue  # a verb inside the quotation is the speaker's, not the attribution
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX"):
            return True
        if t.is_sent_start and t.pos_ == "PROPN" and _verb_stem(t.lower_) in verbs:
            return True  # "Replied Ana, “...”": an inverted verb the tagger read as part of the name
        if t.lower_ == "according":
            return True
    return False


def _verb_stem(word: str) -> str:
    """A past or third-person form's base, roughly ("replied" -> "reply", "added" -> "add")."""
    for suffix, base in (("ied", "y"), ("ies", "y"), ("ed", ""), ("es", ""), ("s", ""), ("d", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            return word[: -len(suffix)] + base
    return word


def _introduced_by_subject(group: list[Sentence], q0: int) -> bool:
    """The sentence right before the quotation, in its paragraph, has a named person (or a pronoun for one)
    as its subject: the quotation that follows is that person's, as readers take it."""
    before = [s for s in group if s.end <= q0 + 1]
    if not before:
        return False
    last = before[-1]
    for t in last.tokens:
        if t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "ROOT" and (
                t.ent_type_ == "PERSON" or t.lower_ in ("he", "she", "they")):
            return True
    return False


def _previous_block_introduces(article: Article, block: Any, verbs: frozenset[str]) -> bool:
    if block.index == 0:
        return False
    previous = article.blocks[block.index - 1]
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
    narration = sentences(article, ("paragraph", "list_item", "dek"))
    neighbours = by_block(narration)
    verbs = _holder_verbs() | FINDING_VERBS
    for sentence in narration:
        text = sentence.text
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
    for t in sentence.tokens:
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX") and any(
                c.dep_ in ("nsubj", "nsubjpass", "agent") for c in t.children):
            return True
        if t.lower_ in ("according", "source", "sources", "data", "figures", "statistics", "survey", "poll",
                        "census", "study", "report"):
            return True
    return False
