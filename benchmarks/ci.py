"""The CI gate at scale, in one run: 1,000 drafts built from a folder, `copydesk check --jobs 1`, `--jobs 2`,
the bare spaCy pipeline in 2 processes over the same text, and a fully cached re-run.

    python benchmarks/ci.py SOURCE_FOLDER [--drafts 1000] [--keep DIR]

SOURCE_FOLDER's drafts are copied round-robin under new names until there are --drafts of them. Every run
is a fresh process (model load included). Prints wall seconds, words per second, the ratios the issue asks
for (jobs 2 / jobs 1 speed-up; jobs 2 against the bare 2-process pipeline; the cached re-run's time) and
the peak memory of the largest process in each run (for --jobs 2, one worker).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from speed import _run, block_texts, selected_analyses  # noqa: E402  (the same helpers as speed.py)

_BARE_2 = """
import json, sys, time
from copydesk import nlp
texts = json.load(open(sys.argv[1]))
pipeline = nlp.load_pipeline(None, frozenset(json.loads(sys.argv[2])))
for _ in pipeline.pipe(texts, batch_size=nlp.BATCH_SIZE, n_process=2):
    pass
"""


def build(source: Path, target: Path, count: int) -> None:
    from copydesk.files import iter_files

    originals = sorted(iter_files([str(source)], lambda p: False))
    if not originals:
        raise SystemExit(f"no drafts in {source}")
    for i in range(count):
        original = Path(originals[i % len(originals)])
        folder = target / f"section{i % 20:02}"
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(original, folder / f"{i:04}-{original.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--drafts", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="build the drafts here and keep them")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="copydesk-ci-") as tmp:
        root = args.keep or Path(tmp)
        drafts = root / "drafts"
        if drafts.exists():
            shutil.rmtree(drafts)
        build(args.source, drafts, args.drafts)
        cache = root / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        exe = [sys.executable, "-m", "copydesk", "check", "--format", "json", "--fail-on", "never"]
        texts, words = block_texts(drafts)
        rows = {}
        rows["jobs 1 (no cache)"] = _run([*exe, "--no-cache", "--jobs", "1", str(drafts)])
        rows["jobs 2 (no cache)"] = _run([*exe, "--no-cache", "--jobs", "2", str(drafts)])
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(texts, fh)
        rows["bare pipeline, 2 processes"] = _run([sys.executable, "-c", _BARE_2, fh.name,
                                                   json.dumps(sorted(selected_analyses(None)))])
        Path(fh.name).unlink()
        rows["jobs 2, filling the cache"] = _run([*exe, "--cache-dir", str(cache), "--jobs", "2", str(drafts)])
        rows["jobs 2, fully cached re-run"] = _run([*exe, "--cache-dir", str(cache), "--jobs", "2", str(drafts)])
        same = rows["jobs 1 (no cache)"][2].stdout == rows["jobs 2 (no cache)"][2].stdout == \
            rows["jobs 2, fully cached re-run"][2].stdout
        print(f"{args.drafts} drafts, {words:,} words")
        print(f"{'run':32} {'seconds':>8} {'words/s':>9} {'peak MB':>8}")
        for name, (wall, rss, _proc) in rows.items():
            print(f"{name:32} {wall:8.2f} {words / wall:9,.0f} {rss:8.0f}")
        one, two = rows["jobs 1 (no cache)"][0], rows["jobs 2 (no cache)"][0]
        bare = rows["bare pipeline, 2 processes"][0]
        print(f"speed-up jobs 2 / jobs 1: {one / two:.2f}x (target >= 1.7)")
        print(f"jobs 2 / bare 2-process pipeline: {two / bare:.2f}x (target <= 1.3)")
        print(f"fully cached re-run: {rows['jobs 2, fully cached re-run'][0]:.2f} s (target < 2)")
        print(f"reports identical (jobs 1, jobs 2, cached): {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
