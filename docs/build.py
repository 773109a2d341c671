"""Regenerate docs/rules/ from the rule cards: `python docs/build.py` (a test fails when a page is stale)."""

from __future__ import annotations

import sys
from pathlib import Path

from copydesk.explain import explain_text
from copydesk.registry import CATEGORIES, load_registry

DOCS = Path(__file__).resolve().parent / "rules"


def pages() -> dict[str, str]:
    registry = load_registry()
    out = {}
    rows = ["# Rules", "", "Generated from the cards in `rules/` by `python docs/build.py`.", ""]
    for category, (prefix, blurb) in CATEGORIES.items():
        cards = [c for c in registry.cards if c.category == category]
        rows += [f"## {category} ({prefix})", "", blurb[0].upper() + blurb[1:] + ".", ""]
        if not cards:
            rows += ["No rules yet.", ""]
            continue
        rows += ["| code | name | severity | status |", "| --- | --- | --- | --- |"]
        for c in cards:
            rows.append(f"| [{c.code}]({c.code}-{c.name}.md) | {c.name} | {c.severity} | {c.status} |")
            out[f"{c.code}-{c.name}.md"] = explain_text(c) + "\n"
        rows.append("")
    out["index.md"] = "\n".join(rows)
    return out


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    wanted = pages()
    for stale in DOCS.glob("*.md"):
        if stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (DOCS / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} pages to {DOCS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
