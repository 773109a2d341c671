"""The pre-commit case against its floor: a cold `copydesk check` of one draft against a bare process that
imports spaCy, loads the same components of the same English model and parses the same text.

    python benchmarks/cold.py [DRAFT ...] [--repeat 5]

Whole processes, run alternately (check, bare, bare without teardown, check, ...) so the machine's drift
touches them alike; prints each one's median wall time and the ratios. Defaults: the 870-word reference draft
and examples/. The bar (issue 26): a ratio of at most 1.2.

copydesk's console script skips the interpreter's teardown once the report is out (cli.run), which a plain
spaCy script pays (0.2 to 0.4 s of freeing the pipeline). So two floors are printed: the bare script as anyone
would write it (`ratio`), and the same script ending in os._exit (`ratio_to_bare_without_teardown`), which
counts only what copydesk adds to loading and parsing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DRAFTS = [ROOT / "benchmarks" / "drafts" / "tram-depot-800.md", ROOT / "examples" / "harbour-draft.txt",
                  ROOT / "examples" / "library-page.html"]

# The floor: what any spaCy-based check of this draft pays. The components are the ones copydesk's default
# rules ask for (copydesk.nlp.components_for), the text is the article's text as copydesk reads it.
_BARE = """
import sys
import spacy
model, exclude, path = sys.argv[1], sys.argv[2].split(",") if sys.argv[2] else [], sys.argv[3]
nlp = spacy.load(model, exclude=exclude)
if "senter" in nlp.disabled and "senter" not in exclude:
    nlp.enable_pipe("senter")
text = open(path, encoding="utf-8").read()
for _ in nlp.pipe([text]):
    pass
if len(sys.argv) > 4:
    import os
    os._exit(0)
"""


def pipeline_arguments() -> tuple[str, str]:
    from copydesk import nlp
    from copydesk.config import Settings, build_rules
    from copydesk.registry import load_registry

    rules = build_rules(load_registry(), Settings())
    analyses = frozenset().union(*(c.kind_impl.analyses for c in rules.cards))
    wanted = nlp.components_for(analyses)
    return nlp.resolve_model(None), ",".join(c for c in nlp.ALL_COMPONENTS if c not in wanted)


def article_text(draft: Path, folder: Path) -> Path:
    from copydesk.readers import read_article

    article = read_article(str(draft), draft.read_bytes())
    out = folder / (draft.name + ".txt")
    out.write_text("\n\n".join(b.text for b in article.blocks), encoding="utf-8")
    return out


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True)
    took = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr.decode()[-500:])
    return took


def measure(draft: Path, repeat: int, model: str, exclude: str, folder: Path) -> dict:
    text = article_text(draft, folder)
    check = [sys.executable, "-m", "copydesk", "check", "--no-daemon", "--no-cache", "--fail-on", "never", str(draft)]
    bare = [sys.executable, "-c", _BARE, model, exclude, str(text)]
    quick = bare + ["no-teardown"]
    wall(check), wall(bare), wall(quick)  # warm the file cache for all, untimed
    checks, bares, quicks = [], [], []
    for _ in range(repeat):
        checks.append(wall(check))
        bares.append(wall(bare))
        quicks.append(wall(quick))
    c, b, q = statistics.median(checks), statistics.median(bares), statistics.median(quicks)
    return {"draft": str(draft.relative_to(ROOT) if draft.is_relative_to(ROOT) else draft),
            "words": len(text.read_text(encoding="utf-8").split()), "check_median_s": round(c, 3),
            "bare_load_and_parse_median_s": round(b, 3), "ratio": round(c / b, 3),
            "bare_without_teardown_median_s": round(q, 3), "ratio_to_bare_without_teardown": round(c / q, 3)}


def main() -> int:
    import tempfile

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("drafts", nargs="*", type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    model, exclude = pipeline_arguments()
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(d.resolve(), args.repeat, model, exclude, Path(tmp)) for d in args.drafts or DEFAULT_DRAFTS]
    print(json.dumps({"model": model, "excluded": exclude, "repeat": args.repeat, "drafts": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
