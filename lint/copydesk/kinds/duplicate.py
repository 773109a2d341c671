"""Duplication kinds: the same block of text appearing twice in one article."""

from __future__ import annotations

from typing import Iterator

from copydesk.document import Article
from copydesk.finding import Finding, make_finding
from copydesk.kinds import Option, kind
from copydesk.kinds.text import fold, word_count

DEFAULT_KINDS = ["paragraph", "caption", "list_item", "heading", "quote", "line"]


@kind(
    "duplicate_block",
    options={
        "block_kinds": Option("block-kinds", DEFAULT_KINDS, "which blocks are compared"),
        "min_words": Option("int", 4, "shorter blocks count only when repeated back to back", min=1),
        "exempt": Option("list[regex]", [], "blocks matching any of these may repeat (photo credits, separators)"),
    },
    fields=("first_line", "block_kind", "distance"),
)
def duplicate_block(article: Article, card) -> Iterator[Finding]:
    """A block whose text, folded for case, whitespace and punctuation, already appeared earlier."""
    opts = card.options
    allowed = set(opts["block_kinds"])
    first_seen: dict[str, int] = {}  # folded text -> position in `blocks`
    blocks = [b for b in article.body if b.kind in allowed]
    for pos, block in enumerate(blocks):
        key = fold(block.text)
        if not key:
            continue
        if any(p.search(block.text) for p in opts["exempt"]):
            continue
        earlier = first_seen.get(key)
        if earlier is None:
            first_seen[key] = pos
            continue
        adjacent = earlier == pos - 1
        if not adjacent and word_count(key) < opts["min_words"]:
            continue
        first = blocks[earlier]
        yield make_finding(card, article, block, confidence=1.0 if adjacent else 0.95,
                           first_line=first.start_line, block_kind=block.kind.replace("_", " "),
                           distance="directly below" if adjacent else f"{block.start_line - first.end_line} lines below")
