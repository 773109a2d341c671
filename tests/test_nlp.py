"""The NLP pass: real spaCy, once per article, sentences/tokens/entities on the blocks, long text chunked."""

from __future__ import annotations

import pytest

from copydesk import nlp
from copydesk.readers import parse_text


def test_model_resolution_prefers_the_official_package(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object() if name == "en_core_web_sm" else real(name))
    assert nlp.resolve_model(None) == "en_core_web_sm"
    assert nlp.resolve_model("my_model") == "my_model"


def test_annotate_gives_sentences_tokens_and_entities():
    text = ("Mayor Clara Voss opened the Velden library on Monday. She said it cost 2 million euros.\n\n"
            "“We waited ten years,” said librarian Ada Kern.\n")
    article = parse_text(text, "a.txt", "txt")
    nlp.annotate(article)
    first, second = article.blocks
    sents = [first.text[s:e] for s, e, _ in first.sentences()]
    assert sents == ["Mayor Clara Voss opened the Velden library on Monday.", "She said it cost 2 million euros."]
    ents = {(e.text, e.label_) for _, doc in first.docs for e in doc.ents}
    assert ("Clara Voss", "PERSON") in ents and ("Monday", "DATE") in ents
    assert second.in_quote(second.text.index("waited"))
    docs_before = [id(d) for _, d in first.docs]
    nlp.annotate(article)  # a second call is free: the pass runs once per article
    assert [id(d) for _, d in first.docs] == docs_before


def test_pipeline_loads_once_per_process():
    assert nlp.load_pipeline() is nlp.load_pipeline()


def test_unknown_model_is_a_clear_error():
    with pytest.raises(nlp.ModelError, match="cannot load spaCy model 'no_such_model_xyz'"):
        nlp.load_pipeline("no_such_model_xyz")


def test_long_blocks_are_chunked_at_sentence_ends():
    sentence = "The council met again on Tuesday to discuss the tram. "
    text = sentence * 3000
    pieces = nlp.chunks(text, limit=10_000)
    assert all(len(p) <= 10_000 for _, p in pieces)
    assert "".join(p for _, p in pieces) == text
    assert all(p.endswith(". ") for _, p in pieces[:-1])
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]
