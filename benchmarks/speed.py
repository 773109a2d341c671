"""Speed and memory of `copydesk check` against the bare spaCy pipeline on the same text, in one run.

    python benchmarks/speed.py FOLDER [--repeat 3] [--select RULES] [--cost-of CATEGORIES]

Prints medians over --repeat runs: words per second of `copydesk check --format json FOLDER` (a fresh
process, model load included) and of the bare pipeline (nlp.pipe over the same blocks, model already
loaded), their ratio, the start-up time of `copydesk --version`, and peak memory of each check process.
With --cost-of, also the same check with those rules ignored, and what they add: as a share of that
check, and as a share of a check that parses the text (the lighter check plus the bare pipeline's time,
which is what every check costs once any selected rule needs language analysis).
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


def bare_pipeline_seconds(folder: Path) -> tuple[float, int]:
    """Seconds for nlp.pipe over the blocks copydesk would parse (model load excluded), and their words."""
    from copydesk import nlp
    from copydesk.cli import iter_files
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
    pipeline = nlp.load_pipeline()
    start = time.perf_counter()
    for _ in pipeline.pipe(texts, batch_size=nlp.BATCH_SIZE):
        pass
    return time.perf_counter() - start, words


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--select", help="rules to run (default: all)")
    ap.add_argument("--cost-of", help="rules or categories whose cost to measure, e.g. duplication,boilerplate")
    args = ap.parse_args()
    check = [sys.executable, "-m", "copydesk", "check", "--format", "json", "--fail-on", "never"]
    if args.select:
        check += ["--select", args.select]
    check.append(str(args.folder))
    runs, rss, bare, starts, without = [], [], [], [], []
    words = 0
    for _ in range(args.repeat):
        wall, peak, proc = _run(check)
        if proc.returncode not in (0, 1):
            print(proc.stderr.decode()[-500:], file=sys.stderr)
            return 2
        runs.append(wall)
        rss.append(peak)
        b, words = bare_pipeline_seconds(args.folder)
        bare.append(b)
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
