"""Rule cards' own examples as tests: every fail example must be flagged by its card, no pass example may be.
The engine behind `copydesk test-rules DIR` (a newsroom's CI for its style) and copydesk's own card tests."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ExampleResult:
    code: str
    name: str
    verdict: str  # fail | pass: what the example should do
    index: int
    text: str
    ok: bool
    codes: list[str]
    errors: list[str]


def run_examples(registry, cards=None) -> list[ExampleResult]:
    """Each example of each card (default: every card of the registry) through the real engine, with every
    card of the registry selected (preview included), as `copydesk check` would see the example."""
    from copydesk.config import Settings, build_rules
    from copydesk.engine import lint_article
    from copydesk.readers import parse_text

    ruleset = build_rules(registry, Settings(preview=True))
    out: list[ExampleResult] = []
    for card in cards if cards is not None else registry.cards:
        for verdict in ("fail", "pass"):
            for i, example in enumerate(card.examples.get(verdict, [])):
                article = parse_text(example["text"], f"example.{example['format']}", example["format"])
                result = lint_article(article, ruleset.cards, registry)
                codes = [f.code for f in result.findings]
                ok = not result.errors and ((card.code in codes) == (verdict == "fail"))
                out.append(ExampleResult(card.code, card.name, verdict, i, example["text"], ok, codes,
                                         list(result.errors)))
    return out
