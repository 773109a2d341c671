"""Every rule card's own examples through the real engine: fail examples flagged by that rule, pass ones not."""

from __future__ import annotations

import pytest

from copydesk.config import Settings, build_rules
from copydesk.engine import lint_article
from copydesk.readers import parse_text
from copydesk.registry import load_registry

REGISTRY = load_registry()
CASES = [
    pytest.param(card, verdict, i, ex, id=f"{card.code}-{card.name}-{verdict}{i}")
    for card in REGISTRY.cards
    for verdict in ("fail", "pass")
    for i, ex in enumerate(card.examples[verdict])
]


def codes_for(text: str, fmt: str) -> list[str]:
    ruleset = build_rules(REGISTRY, Settings(preview=True))
    article = parse_text(text, f"example.{fmt}", fmt)
    result = lint_article(article, ruleset.cards, REGISTRY)
    assert not result.errors, result.errors
    return [f.code for f in result.findings]


@pytest.mark.parametrize("card,verdict,i,example", CASES)
def test_card_example(card, verdict, i, example):
    codes = codes_for(example["text"], example["format"])
    if verdict == "fail":
        assert card.code in codes, f"{card.code} should flag:\n{example['text']}"
    else:
        assert card.code not in codes, f"{card.code} should not flag:\n{example['text']}"


def test_every_card_has_both_kinds_of_example():
    for card in REGISTRY.cards:
        # A relay of an outside engine (LanguageTool) cannot fail without it: its mapping is tested on
        # recorded answers in test_kinds_grammar.py instead.
        assert (card.examples["fail"] or card.kind_impl.defers) and card.examples["pass"], card.code
