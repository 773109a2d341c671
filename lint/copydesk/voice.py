"""Whose voice a word is in: the reporter's narration, quoted speech, attributed speech, or a name.

Neutrality and sourcing rules judge only the reporter's own words. Everything here reads the spaCy parse
the engine made once; nothing parses again.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copydesk.docfacts import doc_sentences, doc_tokens
from copydesk.document import Article, Block
from copydesk.lexicon import word_set
from copydesk.paths import user_cache_dir

# Blocks that carry the story's prose. Bylines, tag lists and quote blocks (all quoted speech) are not
# narration; furniture regions of a saved page and table cells are not the reporter's sentences either.
NARRATION_KINDS = ("title", "dek", "heading", "paragraph", "caption", "list_item", "line")
# Entity types that are names: a listed word inside one ("Brutal Honesty Ltd") is part of the name.
NAME_ENTITIES = {"ORG", "WORK_OF_ART", "PERSON", "FAC", "EVENT", "LAW", "PRODUCT", "GPE", "NORP", "LOC"}
# Titles and posts written before a name: they make a surname a full reference ("Senator Ryan"), and
# some house styles capitalise them on their own ("the Congressman said").
TITLE_WORDS = frozenset("""president senator sen rep representative congressman congresswoman gov governor mayor judge
justice general gen colonel col capt captain sgt sergeant chancellor minister secretary speaker pope king queen prince
princess coach chief sheriff officer detective det rev father bishop archbishop rabbi imam commissioner councillor
councilman councilwoman premier ambassador director chairman chairwoman chair leader vice attorney inspector
superintendent lieutenant lt admiral adm sir dame lord lady dr doctor prof professor""".split())

NEGATORS = {"not", "n't", "never", "no", "nor", "hardly", "neither", "without"}
SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj", "expl"}
OPINION_GENRES = {"opinion", "column", "review", "editorial", "op-ed", "oped", "commentary", "letters",
                  "letter", "comment", "opinion piece", "leader", "satire", "reviews", "opinions", "columns",
                  "editorials", "analysis and opinion"}
GENRE_KEYS = ("genre", "type", "section", "article:section", "article_type", "category", "categories", "kind")


@dataclass
class Sentence:
    """A sentence of a narration block: its spaCy span and its start in block.text."""

    block: Block
    span: Any
    start: int  # offset of span's first character in block.text
    chunk_offset: int  # offset of the span's Doc in block.text
    title_case: bool  # the block is a title-case headline: capitals do not mark names

    @property
    def end(self) -> int:
        return self.chunk_offset + self.span.end_char

    @property
    def text(self) -> str:
        """The sentence's text, as span.text gives it, sliced from the block: Span.text joins the sentence's
        tokens afresh on every read, and many rules read it."""
        cached = self.__dict__.get("_text")
        if cached is None:
            cached = self.__dict__["_text"] = self.block.text[self.start:self.end]
        return cached

    @property
    def tokens(self) -> list[Any]:
        """The sentence's tokens, made once: every rule walks them, and spaCy builds a new Token object on
        each access."""
        cached = self.__dict__.get("_tokens")
        if cached is None:
            cached = self.__dict__["_tokens"] = doc_tokens(self.span.doc)[self.span.start:self.span.end]
        return cached

    @property
    def start_key(self) -> tuple[int, int]:
        """The sentence's place in the article, for "before" and "after" across blocks."""
        return (self.block.index, self.start)

    def offset(self, token: Any) -> int:
        """Where token starts in block.text."""
        return self.chunk_offset + token.idx

    def token_span(self, first: Any, last: Any | None = None) -> tuple[int, int]:
        last = first if last is None else last
        return self.offset(first), self.offset(last) + len(last.text)


def is_title_case(text: str) -> bool:
    longer = [w for w in re.findall(r"[^\W\d_][\w'’-]*", text) if len(w) > 3]
    return len(longer) >= 3 and sum(w[0].isupper() for w in longer) / len(longer) >= 0.7


def narration_blocks(article: Article, kinds: tuple[str, ...] | list[str] = NARRATION_KINDS) -> list[Block]:
    return [b for b in article.story_blocks() if b.kind in kinds
            and not b.attrs.get("table_cell") and not b.attrs.get("pullquote")]


# Frequent English function words: a few in every English sentence, almost none in other languages.
_ENGLISH_FUNCTION_WORDS = frozenset("the of and to in is that for it with as was on be by this are at from have "
                                    "has not but or which were their they his her its an been had will would".split())
_WORDS = re.compile(r"[^\W\d_]+")


def article_language(article: Article, setting: str = "auto") -> str:
    """The draft's language as a short code: the configured one, else the declared one (front matter or
    <html lang>), else the one its text reads as (see text_language)."""
    if setting and setting != "auto":
        code = setting.lower().replace("_", "-").split("-")[0]
    else:
        declared = article.meta.get("lang") or article.meta.get("language")
        if isinstance(declared, str) and declared.strip():
            code = declared.strip().lower().replace("_", "-").split("-")[0]
            code = "en" if code in ("english", "eng") else code
        else:
            code = text_language(article)
    article.cache["english"] = code == "en"
    return code


def is_english(article: Article) -> bool:
    """Whether the rules that read English should run on this draft: the language decided for it (the engine
    records the configured or declared one), else read from the text once and kept in article.cache."""
    if "english" not in article.cache:
        article.cache["english"] = looks_english(article)
    return article.cache["english"]


def looks_english(article: Article) -> bool:
    """The draft declares English (front matter or <html lang>), or its text reads as English. The word lists
    and the model are English: on a French page "toutes" would be read as the verb "tout"."""
    declared = article.meta.get("lang") or article.meta.get("language")
    if isinstance(declared, str) and declared.strip():
        return declared.strip().lower().replace("_", "-").split("-")[0] in ("en", "english", "eng")
    return text_language(article) == "en"


# Running prose in English has about four function words in ten; other languages almost none. Above this share
# the text is English beyond doubt and the identifier is not loaded (it costs most of a second per process).
# Below it (lists, menus, recipes, headline-only pages, or another language) the identifier decides.
SURELY_ENGLISH = 0.25
LANGID_SAMPLE_CHARS = 6000  # enough for a confident identification; a whole long page is not needed
_IDENTIFIER: list = []


def _identifier():
    """py3langid's identifier with normalised probabilities, loaded once per process, offline (its model
    ships inside the wheel)."""
    if not _IDENTIFIER:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

        try:
            _IDENTIFIER.append(_unpacked_identifier(MODEL_DIR / MODEL_FILE, LanguageIdentifier))
        except Exception:  # noqa: BLE001 - py3langid's own (slower) loading is always right
            _IDENTIFIER.append(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
    return _IDENTIFIER[0]


_LANGID_ARRAYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")


def _unpacked_identifier(model: Path, identifier_class):
    """The identifier from its model unpacked once per machine into the user cache: py3langid ships the model
    LZMA-compressed, and unpacking it costs a cold process 0.4 s. The copy is a folder of plain .npy arrays,
    keyed by the model file's size and time, made whole in a temporary folder and renamed into place. The two
    big tables (95 MB) are memory-mapped, not read: a classification touches only the pages it walks. The
    values are py3langid's (modelio.load_model), handed over in the shapes its identifier indexes."""
    import tempfile

    import numpy as np
    from py3langid import modelio

    st = model.stat()
    folder = user_cache_dir()
    target = folder / f"langid-{st.st_size}-{st.st_mtime_ns}"
    if not all((target / f"{name}.npy").is_file() for name in _LANGID_ARRAYS):
        folder.mkdir(parents=True, exist_ok=True)
        ptc, pc, classes, nextmove, row, out_feat = modelio.load_model(model)
        work = Path(tempfile.mkdtemp(dir=folder, prefix=".langid-"))
        try:
            arrays = {"ptc": ptc, "pc": pc, "classes": np.array(classes), "nextmove": np.frombuffer(nextmove, "u4"),
                      "nextmove_row": np.frombuffer(row, "u2"), "out_feat": np.array(out_feat, dtype="i4")}
            for name, array in arrays.items():
                np.save(work / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
            try:
                os.rename(work, target)
            except OSError:  # another process got there first (or left a torn copy): use a whole one
                shutil.rmtree(target, ignore_errors=True)
                os.rename(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)

    def load(name: str, mapped: bool = False):
        return np.load(target / f"{name}.npy", mmap_mode="r" if mapped else None, allow_pickle=False)

    # The state table is indexed a byte at a time: a memoryview of the mapped file indexes like py3langid's
    # array("I"), without copying 39 MB into the process first.
    nextmove = memoryview(load("nextmove", mapped=True)).cast("B").cast("I")
    return identifier_class(load("ptc", mapped=True), load("pc"), load("classes").tolist(), nextmove,
                            load("out_feat").tolist(), norm_probs=True, tk_row=load("nextmove_row").tolist())


def text_language(article: Article) -> str:
    """The language the narration reads as: "en" when English function words run through it, else py3langid's
    answer (a maintained n-gram identifier over 97 languages, docs/configuration.md#language). Too little text
    to judge counts as English, the project's language. Kept in article.cache."""
    if "text_language" in article.cache:
        return article.cache["text_language"]
    words: list[str] = []
    sample: list[str] = []
    size = 0
    for block in narration_blocks(article):
        words += _WORDS.findall(block.text.lower())
        if size < LANGID_SAMPLE_CHARS:
            sample.append(block.text)
            size += len(block.text) + 1
        if len(words) > 2000 and size >= LANGID_SAMPLE_CHARS:
            break
    if len(words) < 40 and size < 200:
        code = "en"  # too little to judge: assume the project's language
    elif words and sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words) >= SURELY_ENGLISH:
        code = "en"
    else:
        code, _probability = _identifier().classify("\n".join(sample)[:LANGID_SAMPLE_CHARS])
        code = code or "other"
    article.cache["text_language"] = code
    return code


def sentences(article: Article, kinds: tuple[str, ...] | list[str] = NARRATION_KINDS) -> list[Sentence]:
    """Every sentence of the narration blocks, in reading order; none when the draft is not in English.
    Built once per article and set of block kinds, and shared by the rules."""
    key = "sentences:" + ",".join(kinds)
    if key in article.cache:
        return article.cache[key]
    out: list[Sentence] = []
    if is_english(article):
        # Sentence objects are shared between kind sets, so each keeps its token list once.
        every = article.cache.setdefault("sentence_objects", {})
        for block in narration_blocks(article, kinds):
            title_case = block.kind in ("title", "heading", "dek") and is_title_case(block.text)
            for offset, doc in block.docs:
                for sent in doc_sentences(doc):
                    ident = (block.index, offset + sent.start_char)
                    if ident not in every:
                        every[ident] = Sentence(block, sent, offset + sent.start_char, offset, title_case)
                    out.append(every[ident])
    article.cache[key] = out
    return out


def in_quote(sentence: Sentence, token: Any) -> bool:
    start = sentence.offset(token)
    return sentence.block.in_quote(start, start + len(token.text))


def in_name(sentence: Sentence, token: Any) -> bool:
    """Part of a name: inside a named entity, or (outside title-case headlines) a capitalised word next to
    another capitalised word, as in an organisation or a title of a work spaCy did not tag."""
    if token.ent_type_ in NAME_ENTITIES:
        return True
    if sentence.title_case or not token.text[:1].isupper():
        return False
    doc = token.doc
    for j in (token.i - 1, token.i + 1):
        if sentence.span.start <= j < sentence.span.end:
            other = doc[j]
            if other.text[:1].isupper() and other.is_alpha and not (j == token.i - 1 and other.is_sent_start
                                                                    and other.pos_ in ("ADV", "DET", "ADP")):
                return True
    return token.pos_ == "PROPN" and token.i != sentence.span.start


def negated(token: Any) -> bool:
    """The word is denied: "not lucrative", "was never a fiasco", "no scathing report"."""
    for t in (token, token.head):
        if any(c.dep_ == "neg" or c.lower_ in NEGATORS and c.dep_ in ("det", "advmod", "neg") for c in t.children):
            return True
        if t is token.head and token.dep_ not in ("acomp", "attr", "dobj", "amod", "xcomp", "advmod", "oprd"):
            break
    start = max(token.sent.start, token.i - 3)
    return any(t.lower_ in NEGATORS for t in token.doc[start:token.i])


QUANTIFIERS = frozenset("some many several most numerous various certain countless few multiple".split())
# Plural nouns for the public at large: with "some" or "many" they are a vague holder ("some residents argue").
# A body with known members ("several justices", "some senators") is not: the story can say which.
GENERIC_PEOPLE = frozenset("people persons individuals residents citizens voters observers commentators users students "
                           "locals members viewers readers parents americans britons europeans".split())
DEFINITE = frozenset("the these those this that his her their its our your both".split())
# Anonymous sources described by their access are how reporting cites them: "people familiar with the
# talks", "officials briefed on the plan", "sources close to the minister".
CHARACTERISED = frozenset("familiar brief briefed knowledgeable involved close aware informed speak speaking "
                          "authorise authorised authorized".split())
EMPTY_SUBJECTS = frozenset("it this that which what there".split())


PEOPLE_SUFFIXES = ("ists", "ians", "ers", "ors")
NOT_PEOPLE = frozenset("others papers numbers orders letters matters waters centers centres factors sectors "
                       "monitors computers reports layers chapters quarters headquarters towers borders powers "
                       "offers answers filters markers".split())
PEOPLE_WORDS = frozenset("scholars men women conservatives liberals experts fans locals students participants "
                         "immigrants migrants residents parents patients activists".split())
# Texts that hold claims as people do ("some chronicles say", "several accounts suggest").
CLAIM_TEXTS = ("chronicles", "accounts", "sources")


def people_noun(word: str) -> bool:
    """Plural nouns for people: the public ("people", "residents") and roles ("scholars", "critics",
    "historians", "lawmakers"), the role nouns approximated by their usual endings, minus common things."""
    if word in GENERIC_PEOPLE or word in PEOPLE_WORDS or word in word_set("vague-holders"):
        return True
    return word.endswith(PEOPLE_SUFFIXES) and word not in NOT_PEOPLE


def according_to(token: Any) -> bool:
    """The token opens "according to"."""
    return token.lower_ == "according" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to"


def vague_holder(subject: Any) -> bool:
    """The subject stands for unnamed people: "experts", "critics", "some", "many", "some lawmakers",
    "several analysts". A name in it ("experts at the Velden Institute", "critics such as Elena Moss", an
    appositive) makes it specific."""
    lower = subject.lower_
    vague = lower in word_set("vague-holders") or (
        subject.tag_ in ("NNS", "NNPS") and (lower in GENERIC_PEOPLE or subject.pos_ == "PROPN"
                                             or subject.ent_type_ == "NORP" or people_noun(lower)
                                             or lower.endswith(CLAIM_TEXTS))
        and any(c.dep_ in ("det", "amod", "nummod") and c.lower_ in QUANTIFIERS for c in subject.children))
    if not vague:
        return False
    if any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in subject.children):
        return False  # "the experts", "these critics" refer to people the story has introduced
    for child in subject.children:
        if child.dep_ in ("acl", "amod") and child.lemma_.lower() in CHARACTERISED or child.dep_ == "amod" and \
                child.lower_ in CHARACTERISED:
            return False  # "people familiar with the talks", "officials briefed on the plan": a described source
        if child.dep_ == "prep" and child.lower_ in ("with", "close") and any(
                t.lower_ in ("knowledge", "familiar", "close") for t in child.subtree):
            return False
        # A name that says who they are ("experts at the Velden Institute", "critics, including Elena
        # Moss", "Green critics"), not what they talk about ("critics of Social Security").
        if child.dep_ == "prep" and child.lower_ not in IDENTIFYING_PREPS:
            continue
        if child.dep_ in ("appos", "prep", "acl", "relcl", "compound", "poss") and any(
                t.ent_type_ in ("PERSON", "ORG", "FAC") or t.pos_ == "PROPN" for t in child.subtree):
            return False
    return True


IDENTIFYING_PREPS = frozenset({"at", "from", "with", "including", "like", "within", "inside", "for", "such"})


def _named_holder(verb: Any, strict: bool = True) -> bool:
    """The verb of saying has a subject that is someone identifiable: a name, a pronoun, an institution or
    a document ("Lund", "she", "the council", "the report"), not an unnamed group ("experts", "some").
    strict=False accepts unnamed groups too: what "critics said" is the critics' wording, not the
    reporter's, even though the sourcing rules ask who the critics are."""
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            if child.lower_ in EMPTY_SUBJECTS or child.dep_ == "nsubjpass":
                continue
            if child.pos_ in ("PROPN", "PRON", "NOUN") or child.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
                return not strict or not vague_holder(child)
        if child.dep_ == "agent" and any(t.pos_ in ("PROPN", "NOUN", "PRON") and not vague_holder(t)
                                         for t in child.subtree if t.dep_ == "pobj"):
            return True
    return False


def attributed(token: Any) -> bool:
    """The word sits in speech the sentence attributes to a named source: the complement of a verb of
    saying with a named subject ("Ortiz said the plan was reckless"), or a sentence with "according to X"."""
    report = word_set("report-verbs")
    sent = token.sent
    if any(according_to(t) for t in sent):
        return True
    child = token
    for verb in token.ancestors:
        if verb.lemma_.lower() in report and verb.pos_ in ("VERB", "AUX"):
            if child.dep_ in ("ccomp", "xcomp", "parataxis", "oprd") and _named_holder(verb, strict=False):
                return True
        # "The director called her conduct careless": naming something so is saying it is so.
        if verb.lemma_.lower() in CHARACTERISING and child.dep_ in ("oprd", "xcomp", "ccomp") and \
                _named_holder(verb, strict=False):
            return True
        # "the administration's assertion that voters rightly dismissed them": the content of a claim the
        # sentence gives to its holder, not the reporter's own.
        if verb.pos_ == "NOUN" and verb.lemma_.lower() in ASSERTION_NOUNS and child.dep_ in ("acl", "ccomp"):
            return True
        # "an op-ed describing a chaotic administration", "a column suggesting that his temper ...": a
        # participle of saying hung on the document or person that says it.
        if (verb.dep_ in ("acl", "advcl") and verb.tag_ == "VBG" and verb.lemma_.lower() in (report | DESCRIBING)
                and child.dep_ in ("ccomp", "dobj", "xcomp", "oprd")):
            return True
        child = verb
    # "..., Ortiz said." parses with the verb of saying as a parataxis or ccomp child of the clause.
    for t in sent:
        if t.dep_ in ("parataxis", "ccomp") and t.lemma_.lower() in report and t.i > token.i and \
                _named_holder(t, strict=False):
            if not any(a.i == t.i for a in token.ancestors):
                return True
    return False


CHARACTERISING = frozenset("call label brand dub term deem pronounce".split())
# Nouns whose "that" clause is someone's claim ("the assertion that ...", "her warning that ...").
ASSERTION_NOUNS = frozenset("assertion claim contention argument allegation accusation view belief warning "
                            "insistence position complaint charge suggestion".split())
DESCRIBING = frozenset("describe portray depict characterise characterize suggest argue assert claim warn".split())


def names_a_source(span: Any, verbs: frozenset[str] | None = None, skip: Any = None) -> bool:
    """The span attributes something to a named source: a verb of reporting or opinion with a named or
    pronoun subject ("Lund said", "the council estimates"), a passive with a named agent ("was criticised
    by the Greens"), or "according to" someone."""
    verbs = verbs if verbs is not None else word_set("report-verbs") | word_set("cognition-verbs")
    for t in span:
        if skip is not None and t.i == skip.i:
            continue
        if t.lemma_.lower() in verbs and t.pos_ in ("VERB", "AUX") and _reports(t) and _named_holder(t):
            return True
        if according_to(t):
            return True
    return False


# Verbs that report whatever their object: "the council estimates 300 jobs", "Lund told reporters".
ALWAYS_REPORTING = frozenset("say tell add report announce state write estimate predict forecast note claim "
                             "declare confirm explain insist argue warn reply respond testify tweet".split())


def _reports(verb: Any) -> bool:
    """The verb is used to report something said or thought: "maintains a stance" is not a report,
    "maintains that the stance holds" is."""
    if verb.lemma_.lower() in ALWAYS_REPORTING:
        return True
    # A "that" marking the verb itself means the verb is inside someone else's clause, not reporting one.
    return any(c.dep_ in ("ccomp", "parataxis") for c in verb.children) or verb.dep_ in ("parataxis",)


def paragraph_neighbours(sentence: Sentence, neighbours: dict[int, list["Sentence"]]) -> list["Sentence"]:
    """The sentences before and after this one in the same block."""
    group = neighbours.get(sentence.block.index, [])
    at = next((i for i, s in enumerate(group) if s.start == sentence.start), None)
    if at is None:
        return []
    return [group[i] for i in (at - 1, at + 1) if 0 <= i < len(group)]


def speech_nearby(sentence: Sentence, neighbours: dict[int, list["Sentence"]]) -> bool:
    """Quoted or attributed speech in this sentence or the one before or after it in the same block: the
    reporter is likely paraphrasing a source there, so weak evidence of opinion should yield."""
    report = word_set("report-verbs")
    for s in (sentence, *paragraph_neighbours(sentence, neighbours)):
        if any(s.start <= q0 < s.end or q0 < s.start < q1 for q0, q1 in s.block.quotes):
            return True
        if any(according_to(t) or (t.lemma_.lower() in report and t.pos_ == "VERB" and _named_holder(t, strict=False))
               for t in s.tokens):
            return True
    return False


def by_block(items: list[Sentence]) -> dict[int, list[Sentence]]:
    out: dict[int, list[Sentence]] = {}
    for s in items:
        out.setdefault(s.block.index, []).append(s)
    return out


def declared_genre(article: Article) -> str | None:
    """The genre the draft declares in front matter or page metadata (genre, type, section...), lowercased."""
    for key in GENRE_KEYS:
        value = article.meta.get(key)
        if isinstance(value, list):
            for item in value:
                if isinstance(item, str) and item.strip().lower() in OPINION_GENRES:
                    return item.strip().lower()
            continue
        if isinstance(value, str) and value.strip():
            low = value.strip().lower()
            if low in OPINION_GENRES or key == "genre":
                return low
    return None


def is_opinion(article: Article) -> bool:
    if article.meta.get("opinion") is True or str(article.meta.get("article:opinion", "")).lower() == "true":
        return True
    return (declared_genre(article) or "") in OPINION_GENRES
