"""What house style costs: `copydesk check` with a style of N generated house rules against the same check without
it, on the same drafts, in one run.

    python benchmarks/house.py                      # 200 rules, the drafts in benchmarks/ (about a minute)
    python benchmarks/house.py --rules 200 --repeat 7 FOLDER

The style is generated into a temporary folder: N/2 substitution cards and N/2 existence cards (a third of them
token patterns, ten each, unless --no-patterns), ten terms each: invented words, and in one card of ten a
common word, so some match. Each draft is checked by a
warm Linter with and without the style (model loaded, parse cache off, so both parse every time); the figure is
the median over --repeat runs of the total time for all drafts, and the ratio of the two.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMON = ["council", "harbour", "ferry", "board", "depot", "tram", "contract", "vote", "storm", "pier", "said",
          "year", "city", "work", "plan"]


def write_style(folder: Path, n: int, patterns: bool = True) -> None:
    import yaml

    (folder / "style.yaml").write_text("name: bench-house\nversion: '1'\nlicence: MIT\n", encoding="utf-8")
    for i in range(n):
        # One card in ten lists a common word, so the style finds something in most drafts, as a real
        # stylebook does; the rest list words these drafts never use.
        words = [f"zqx{i}w{k}" for k in range(9)] + ([COMMON[i // 10 % len(COMMON)]] if i % 10 == 0 else [f"zqx{i}w9"])
        card = {"code": f"BEN{i:03}", "name": f"bench-rule-{i}", "category": "style", "severity": "info",
                "message": "Bench {found}.", "why": "A generated benchmark rule.",
                "examples": {"fail": [f"The {words[0]} met."], "pass": ["The board met."]}}
        if i % 2 == 0:
            card.update(kind="substitution", options={"swap": {w: f"{w}x" for w in words}})
        elif i % 3 == 0 and patterns:
            card.update(kind="existence", options={"patterns": [[{"LOWER": w}, {"POS": "VERB"}] for w in words]})
        else:
            card.update(kind="existence", options={"tokens": [f"the {w}" for w in words]})
        (folder / f"BEN{i:03}-bench-rule-{i}.yaml").write_text(yaml.safe_dump(card), encoding="utf-8")


def drafts(folder: Path | None) -> list[tuple[str, str]]:
    roots = [folder] if folder else [HERE / "drafts", HERE / "review" / "drafts"]
    out = []
    for root in roots:
        for p in sorted(root.rglob("*")):
            if p.suffix in (".md", ".txt", ".html"):
                out.append((p.name, p.read_text(encoding="utf-8")))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path)
    parser.add_argument("--rules", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-patterns", action="store_true", help="word lists only: no token-pattern cards")
    args = parser.parse_args()
    from copydesk import api

    texts = drafts(args.folder)
    with tempfile.TemporaryDirectory() as tmp:
        style = Path(tmp) / "bench-house"
        style.mkdir()
        write_style(style, args.rules, patterns=not args.no_patterns)
        config = Path(tmp) / "house.toml"
        config.write_text(f'styles = ["{style}"]\n', encoding="utf-8")
        plain = api.Linter(config=False, warm=False)
        house = api.Linter(config, warm=False)
        words = sum(len(t.split()) for _, t in texts)
        found = 0
        for name, text in texts:  # warm both: model, rules, matcher
            plain.check_text(text, name)
            found += sum(f.category == "style" for f in house.check_text(text, name).findings)
        base, with_house = [], []
        for _ in range(args.repeat):
            for linter, times in ((plain, base), (house, with_house)):
                start = time.perf_counter()
                for name, text in texts:
                    linter.check_text(text, name)
                times.append(time.perf_counter() - start)
    b, h = statistics.median(base), statistics.median(with_house)
    print(json.dumps({"drafts": len(texts), "words": words, "house_rules": args.rules,
                      "token_patterns": 0 if args.no_patterns else 10 * sum(1 for i in range(args.rules) if i % 2 and i % 3 == 0),
                      "house_findings": found,
                      "check_s": round(b, 3), "check_with_house_s": round(h, 3), "added": round(h / b - 1, 3),
                      "repeat": args.repeat}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
