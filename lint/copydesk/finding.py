"""Finding: one reported defect, with its exact position in the source file."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from copydesk.document import Article, Block

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
    # A safe, mechanical fix: delete source lines fix[0] to fix[1] (1-based, inclusive). Set only where the
    # lines hold nothing but the defect (a pasted copy, a furniture line, an empty bullet); see fixes.py.
    fix: list[int] | None = None
    # The rule's severity was lowered to info because the evidence for this finding is below the card's
    # advisory-below confidence (docs/severity.md): shown, ranked after the rest, never failing the default gate.
    advisory: bool = False
    # A safe, mechanical replacement for the finding's span (a house style's one-to-one substitution): --fix and
    # the editor's code action put this text where the span is. None: no such fix.
    replacement: str | None = None
    # The evidence holds in any genre (a judgement word glued onto a sentence already written, "Sadly, The
    # board..."): the genre policy does not make this finding advisory. Not part of the report.
    any_genre: bool = False
    # Where the finding sits: the block's index and the span in block.text (set by make_finding), so the
    # evidence about the article (copydesk.evidence) reads the finding's own paragraph. Not part of the report.
    block: int | None = None
    span: list[int] | None = None
    # The evidence cannot block on its own (REL001 without its meaning model): always advisory. Not reported.
    advisory_only: bool = False
    # The evidence features the verifier read (copydesk.evidence), and the ones that weighed most in its
    # confidence: [[feature, value, weight], ...], strongest first (copydesk.verifier). Only "why" is reported.
    features: dict[str, float] | None = None
    why: list[list[Any]] | None = None

    def sort_key(self) -> tuple:
        """Ranking: severity, then confidence (high first), then position. An advisory finding is info, so it
        ranks after every warning and error."""
        return (SEVERITY_RANK[self.severity], -round(self.confidence, 3), self.line, self.column, self.code)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["confidence"] = round(self.confidence, 2)
        if self.fix is None:
            del data["fix"]
        if self.replacement is None:
            del data["replacement"]
        del data["any_genre"], data["block"], data["span"], data["features"], data["advisory_only"]
        if self.why is None:
            del data["why"]
        return data


_MARKER = re.compile(r"^\s*(?:[-*+](?:\s+|$)|\d+[.)](?:\s+|$)|>\s*)*")


def whole_lines(article: "Article", first: "Block", last: "Block | None" = None) -> list[int] | None:
    """[first line, last line] when the source lines of these blocks hold nothing but their text (list and
    quote markers aside): the lines can be deleted without touching anything else. None otherwise, and
    always for HTML, where one line of markup may hold several elements."""
    last = last or first
    if article.format == "html" or first.origin != "body":
        return None
    lines = [article.source.line_text(n) for n in range(first.start_line, last.end_line + 1)]
    expected = " ".join(" ".join(b.text.split()) for b in article.blocks[first.index:last.index + 1]).split()
    found = " ".join(_MARKER.sub("", line) for line in lines).split()
    if found != expected:
        return None
    return [first.start_line, last.end_line]


def excerpt_of(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


def make_finding(card: Any, article: "Article", block: "Block", start: int = 0, end: int | None = None,
                 confidence: float = 1.0, through: "Block | None" = None, **fields: Any) -> Finding:
    """A finding of `card` (a registry.RuleCard) for block.text[start:end] (or from start through the end of
    block `through`, for a defect spanning several blocks), with the card's message filled from fields."""
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
        block=block.index,
        span=[start, end],
    )
