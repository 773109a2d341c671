"""Boilerplate kinds: page furniture (navigation, widgets, prompts) left in a draft."""

from __future__ import annotations

import re
from typing import Iterator

from copydesk.document import Article
from copydesk.finding import Finding, make_finding
from copydesk.kinds import Option, kind
from copydesk.kinds.text import fold, word_count


@kind(
    "boilerplate_phrase",
    options={
        "phrases": Option("list[str]", [], "whole lines that are page furniture (compared folded)"),
        "prefixes": Option("list[str]", [], "line openings that are page furniture (`Read also: ...`)"),
        "max_words": Option("int", 12, "longer blocks are prose, never furniture", min=1),
    },
    fields=("phrase",),
)
def boilerplate_phrase(article: Article, card) -> Iterator[Finding]:
    """A short block that is, or opens with, a listed furniture phrase."""
    opts = card.options
    phrases = {fold(p) for p in opts["phrases"]}
    prefixes = [fold(p) for p in opts["prefixes"]]
    for block in article.body:
        if block.kind in ("quote",) or word_count(block.text) > opts["max_words"]:
            continue
        key = fold(block.text)
        if not key:
            continue
        hit = key if key in phrases else next((p for p in prefixes if key == p or key.startswith(p + " ")), None)
        if hit:
            yield make_finding(card, article, block, phrase=block.text.strip().rstrip(":").strip())
