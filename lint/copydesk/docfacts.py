"""Facts derived from one spaCy Doc alone, computed once and kept on the Doc (no copydesk imports: every layer uses it)."""

from __future__ import annotations

from typing import Any


# Facts derived from one Doc alone (its token objects, a block's lemmas, a sentence's syllables) are kept on the
# Doc, in user_data under keys starting "copydesk_". A warm caller's cached Doc brings them along: a re-check
# derives them again only for the blocks that changed. Nothing that depends on the rest of the article (quotes
# in a neighbouring block, the article's date) may be kept there.

def doc_fact(doc: Any, name: str, derive) -> Any:
    """derive(doc), computed once per Doc and kept on it under copydesk_<name>."""
    key = "copydesk_" + name
    value = doc.user_data.get(key)
    if value is None:
        value = doc.user_data[key] = derive(doc)
    return value


def doc_tokens(doc: Any) -> list[Any]:
    """The Doc's Token objects, made once (spaCy makes a new Token object on every index)."""
    return doc_fact(doc, "tokens", list)


def doc_sentences(doc: Any) -> list[Any]:
    """The Doc's sentence spans, found once: every read of doc.sents scans the whole Doc for annotations."""
    return doc_fact(doc, "sentences", lambda d: list(d.sents))
