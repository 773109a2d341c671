"""Speed and memory of `copydesk check` against the bare spaCy pipeline on the same text, in one run.

    python benchmarks/speed.py FOLDER [--repeat 3] [--select RULES] [--cost-of CATEGORIES]
    python benchmarks/speed.py --draft FILE [--repeat 5]

Prints medians over --repeat runs: words per second of `copydesk check --format json FOLDER` (a fresh
process, model load included) and of the bare pipeline (nlp.pipe over the same blocks, model already
loaded), their ratio, the start-up time of `copydesk --version`, and peak memory of each check process.
With --cost-of, also the same check with those rules ignored, and what they add: as a share of that
check, and as a share of a check that parses the text (the lighter check plus the bare pipeline's time,
which is what every check costs once any selected rule needs language analysis).

The bare pipeline loads only the components the selected rules need, as copydesk does. It is timed twice:
in this process with the model already loaded (the pure parsing cost), and in a fresh process that imports
spaCy, loads the model and parses (the same fixed costs a `copydesk check` process pays).

With --draft, the pre-commit case: start-to-report time of `copydesk check FILE` in a fresh process, and
where a fresh process spends it (interpreter start, imports, rule cards, reading, model load, parsing,
rules, report).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _run(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall seconds and this child's peak RSS in MB (ru_maxrss of a fresh helper process)."""
    wrapper = ("import resource,subprocess,sys,time,json;t=time.perf_counter();"
               "p=subprocess.run(sys.argv[1:],capture_output=True);w=time.perf_counter()-t;"
               "sys.stderr.buffer.write(p.stderr);sys.stdout.buffer.write(p.stdout);"
               "print(json.dumps([w,resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,p.returncode]),"
               "file=sys.stderr)")
    proc = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True)
    wall, rss, _rc = json.loads(proc.stderr.decode().strip().splitlines()[-1])
    return wall, rss, proc


def selected_analyses(select: str | None) -> frozenset[str]:
    """What the selected rules (default: the default selection) ask of spaCy."""
    from copydesk.config import Settings, build_rules
    from copydesk.registry import load_registry

    rules = build_rules(load_registry(), Settings(), select=select.split(",") if select else None)
    return frozenset().union(*(c.kind_impl.analyses for c in rules.cards))


def block_texts(folder: Path) -> tuple[list[str], int]:
    from copydesk import nlp
    from copydesk.files import iter_files
    from copydesk.readers import BinaryFile, ReaderError, read_article

    texts = []
    words = 0
    for path in iter_files([str(folder)], lambda p: False):
        try:
            article = read_article(path, Path(path).read_bytes())
        except (BinaryFile, ReaderError):
            continue
        words += article.words
        texts += [piece for b in article.blocks for _, piece in nlp.chunks(b.text) if piece.strip()]
    return texts, words


def bare_pipeline_seconds(folder: Path, analyses: frozenset[str]) -> tuple[float, int]:
    """Seconds for nlp.pipe over the blocks copydesk would parse (model load excluded), and their words."""
    from copydesk import nlp

    texts, words = block_texts(folder)
    pipeline = nlp.load_pipeline(None, analyses)
    start = time.perf_counter()
    for _ in pipeline.pipe(texts, batch_size=nlp.BATCH_SIZE):
        pass
    return time.perf_counter() - start, words


_FRESH_BARE = """
import json, sys, time
t = time.perf_counter()
import spacy
from copydesk import nlp
texts = json.load(open(sys.argv[1]))
pipeline = nlp.load_pipeline(None, frozenset(json.loads(sys.argv[2])))
for _ in pipeline.pipe(texts, batch_size=nlp.BATCH_SIZE):
    pass
print(json.dumps(time.perf_counter() - t))
"""


def bare_fresh_process_seconds(folder: Path, analyses: frozenset[str]) -> float:
    """Wall seconds of a fresh process that imports spaCy, loads the same components and parses the text."""
    import tempfile

    texts, _ = block_texts(folder)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(texts, fh)
    try:
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", _FRESH_BARE, fh.name, json.dumps(sorted(analyses))],
                              capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(proc.stderr[-500:])
        return time.perf_counter() - start
    finally:
        Path(fh.name).unlink()


_STAGES = """
import json, sys, time
marks = [("start", time.perf_counter())]
from copydesk.cli import main  # noqa: F401  the console script's import
from copydesk.config import Settings, build_rules
from copydesk.engine import lint_article
from copydesk.readers import read_article
from copydesk.registry import load_registry
from copydesk.report import get_renderer, summarize
marks.append(("imports", time.perf_counter()))
registry = load_registry()
rules = build_rules(registry, Settings())
marks.append(("rule_cards", time.perf_counter()))
path = sys.argv[1]
article = read_article(path, open(path, "rb").read())
marks.append(("read", time.perf_counter()))
from copydesk import nlp
analyses = frozenset().union(*(c.kind_impl.analyses for c in rules.cards))
pipeline = nlp.load_pipeline(None, analyses)
marks.append(("model_load", time.perf_counter()))
nlp.annotate(article, None, analyses)
marks.append(("parse", time.perf_counter()))
result = lint_article(article, rules.cards, registry)
marks.append(("rules", time.perf_counter()))
import io
get_renderer("text")([result], summarize([result], "warning", bool(result.findings)), io.StringIO(), no_color=True,
                     quiet=False, cards=rules.cards)
marks.append(("report", time.perf_counter()))
print(json.dumps({b[0]: b[1] - a[1] for a, b in zip(marks, marks[1:])}))
"""


def draft_profile(draft: Path, repeat: int) -> dict:
    """The pre-commit case: one draft, a fresh process each time."""
    check = [sys.executable, "-m", "copydesk", "check", "--fail-on", "never", "--no-cache", str(draft)]
    walls = [_run(check)[0] for _ in range(repeat)]
    interpreter = [_run([sys.executable, "-c", "pass"])[0] for _ in range(repeat)]
    stages: dict[str, list[float]] = {}
    for _ in range(repeat):
        proc = subprocess.run([sys.executable, "-c", _STAGES, str(draft)], capture_output=True, text=True)
        if proc.returncode:
            raise RuntimeError(proc.stderr[-500:])
        for key, value in json.loads(proc.stdout).items():
            stages.setdefault(key, []).append(value)
    return {
        "draft": str(draft),
        "words": len(draft.read_text(encoding="utf-8").split()),
        "repeat": repeat,
        "check_start_to_report_median_s": round(statistics.median(walls), 3),
        "interpreter_start_median_s": round(statistics.median(interpreter), 3),
        "stages_median_s": {k: round(statistics.median(v), 3) for k, v in stages.items()},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path, nargs="?")
    ap.add_argument("--draft", type=Path, help="profile one draft in fresh processes (the pre-commit case)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--select", help="rules to run (default: all)")
    ap.add_argument("--cost-of", help="rules or categories whose cost to measure, e.g. duplication,boilerplate")
    args = ap.parse_args()
    if args.draft:
        print(json.dumps(draft_profile(args.draft, args.repeat), indent=2))
        return 0
    if args.folder is None:
        ap.error("give a FOLDER, or --draft FILE")
    analyses = selected_analyses(args.select)
    # One process against the one-process bare pipeline, and no result cache, so every repeat does the work
    # (benchmarks/ci.py measures --jobs and the cache).
    check = [sys.executable, "-m", "copydesk", "check", "--format", "json", "--fail-on", "never", "--no-cache",
             "--jobs", "1"]
    if args.select:
        check += ["--select", args.select]
    check.append(str(args.folder))
    runs, rss, bare, fresh, starts, without = [], [], [], [], [], []
    words = 0
    for _ in range(args.repeat):
        wall, peak, proc = _run(check)
        if proc.returncode not in (0, 1):
            print(proc.stderr.decode()[-500:], file=sys.stderr)
            return 2
        runs.append(wall)
        rss.append(peak)
        b, words = bare_pipeline_seconds(args.folder, analyses)
        bare.append(b)
        if analyses:
            fresh.append(bare_fresh_process_seconds(args.folder, analyses))
        starts.append(_run([sys.executable, "-m", "copydesk", "--version"])[0])
        if args.cost_of:
            without.append(_run(check[:-1] + ["--ignore", args.cost_of, check[-1]])[0])
    check_s, bare_s = statistics.median(runs), statistics.median(bare)
    result = {
        "folder": str(args.folder),
        "words": words,
        "repeat": args.repeat,
        "check_median_s": round(check_s, 3),
        "check_words_per_s": round(words / check_s),
        "bare_spacy_median_s": round(bare_s, 3),
        "bare_spacy_words_per_s": round(words / bare_s) if bare_s else None,
        "check_to_bare_ratio": round(check_s / bare_s, 2) if bare_s else None,
        "components": sorted(__import__("copydesk.nlp", fromlist=["x"]).components_for(analyses)),
        "bare_fresh_process_median_s": round(statistics.median(fresh), 3) if fresh else None,
        "check_to_bare_fresh_process_ratio": round(check_s / statistics.median(fresh), 2) if fresh else None,
        "version_start_median_s": round(statistics.median(starts), 3),
        "check_peak_rss_mb": round(max(rss)),
    }
    if without:
        lighter = statistics.median(without)
        added = check_s - lighter
        result.update({
            "cost_of": args.cost_of,
            "check_without_them_median_s": round(lighter, 3),
            "added_s": round(added, 3),
            "added_share_of_check_without_them": round(added / lighter, 3),
            "added_share_of_a_parsing_check": round(added / (lighter + bare_s), 3),
        })
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
