"""Finding: one reported defect, with its exact position in the source file."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copydesk.document import Article, Block
    from copydesk.registry import RuleCard

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
EXCERPT_CHARS = 160


@dataclass
class Finding:
    code: str
    rule: str
    category: str
    severity: str
    confidence: float
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    excerpt: str

    def sort_key(self) -> tuple:
        """Ranking: severity, then confidence (high first), then position."""
        return (SEVERITY_RANK[self.severity], -round(self.confidence, 3), self.line, self.column, self.code)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["confidence"] = round(self.confidence, 2)
        return data


def excerpt_of(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def make_finding(card: "RuleCard", article: "Article", block: "Block", start: int = 0, end: int | None = None,
                 confidence: float = 1.0, through: "Block | None" = None, **fields: Any) -> Finding:
    """A finding for block.text[start:end] (or from start through the end of block `through`, for a
    defect spanning several blocks), with the card's message filled from fields."""
    end = len(block.text) if end is None else end
    line, col, end_line, end_col = article.span_position(block, start, end)
    excerpt = block.text[start:end]
    if through is not None and through is not block:
        _, _, end_line, end_col = article.span_position(through, 0, len(through.text))
        excerpt = " / ".join(b.text for b in article.blocks[block.index:through.index + 1])
    return Finding(
        code=card.code,
        rule=card.name,
        category=card.category,
        severity=card.severity,
        confidence=max(0.0, min(1.0, confidence)),
        line=line,
        column=col,
        end_line=end_line,
        end_column=end_col,
        message=card.render_message(fields),
        excerpt=excerpt_of(excerpt),
    )
