"""The newsroom's loop, run once on saved news pages: calibrate on one half's verdicts, judge the other half.

    python benchmarks/calibrate_loop.py [--pages ../shared/pages-news] [--target 0.85]

The pages are split by sorted name into halves A (even places) and B (odd places), copied into a temporary
folder as A/ and B/ (so fingerprints name them A/<page> and B/<page>). The verdicts on each half's blocking
findings live in benchmarks/review/pages-news-A.jsonl and -B.jsonl (fingerprints and our reasons only; every
editorial finding at the gate judged, the furniture rules BOI001/BOI002 judged on a random sample of 40 per half,
since a saved page carries hundreds of furniture lines). Then:

1. `copydesk calibrate A --verdicts A.jsonl --target T --write cfg.toml` (the tuning half);
2. on B (the held-out half), before (defaults) and after (--config cfg.toml): judged precision at the gate,
   right findings still blocking, and the pages that pass the gate; the same on A for comparison;
3. the furniture rules' precision is a sample's, so the whole gate's precision is also given weighted by how many
   furniture findings block (sample precision times their count).

Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FURNITURE = ("BOI001", "BOI002")


def copydesk(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "copydesk", *args], cwd=cwd, capture_output=True, text=True)


def gate_findings(half: str, cwd: Path, config: str | None) -> dict:
    """fingerprint -> finding for every blocking finding of a half, and pages passing."""
    extra = ["--config", config] if config else []
    proc = copydesk("check", "--format", "json", "--no-cache", "--fail-on", "never", *extra, half, cwd=cwd)
    report = json.loads(proc.stdout)
    blocking, passing = {}, 0
    for f in report["files"]:
        gate = [x for x in f["findings"] if x["severity"] in ("warning", "error")]
        passing += not gate and f["score"] is not None
        blocking.update({x["fingerprint"]: x for x in gate})
    return {"blocking": blocking, "passing": passing, "pages": len(report["files"])}


def judged(blocking: dict, verdicts: dict) -> dict:
    out = {"editorial": [0, 0], "furniture": [0, 0]}
    for fp, f in blocking.items():
        v = verdicts.get(fp)
        if v is None or v["verdict"] == "unsure":
            continue
        part = out["furniture" if f["code"] in FURNITURE else "editorial"]
        part[0 if v["verdict"] == "right" else 1] += 1
    furniture_count = sum(1 for f in blocking.values() if f["code"] in FURNITURE)
    editorial_count = len(blocking) - furniture_count
    r, w = out["editorial"]
    fr, fw = out["furniture"]
    furniture_precision = fr / (fr + fw) if fr + fw else None
    weighted = None
    if furniture_precision is not None and r + w:
        weighted = (r + furniture_precision * furniture_count) / (r + w + furniture_count)
    return {"editorial_right": r, "editorial_wrong": w,
            "editorial_precision": round(r / (r + w), 3) if r + w else None,
            "editorial_blocking": editorial_count,
            "furniture_sample_right": fr, "furniture_sample_wrong": fw,
            "furniture_sample_precision": round(furniture_precision, 3) if furniture_precision is not None else None,
            "furniture_blocking": furniture_count,
            "whole_gate_precision_weighted": round(weighted, 3) if weighted is not None else None}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=Path, default=ROOT.parent / "shared" / "pages-news")
    ap.add_argument("--target", type=float, default=0.85)
    ap.add_argument("--verdicts", type=Path, default=HERE / "review", help="folder of pages-news-A/B.jsonl")
    args = ap.parse_args()
    if not args.pages.is_dir():
        print(f"no pages at {args.pages}", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="copydesk-loop-"))
    try:
        pages = sorted(p for p in args.pages.iterdir() if p.suffix == ".html")
        for i, page in enumerate(pages):
            half = work / ("A" if i % 2 == 0 else "B")
            half.mkdir(exist_ok=True)
            shutil.copy(page, half / page.name)
        verdicts = {}
        for half in "AB":
            source = args.verdicts / f"pages-news-{half}.jsonl"
            lines = [json.loads(x) for x in source.read_text(encoding="utf-8").splitlines() if x.strip()]
            verdicts[half] = {v["fingerprint"]: v for v in lines}
            shutil.copy(source, work / f"{half}.jsonl")
        cal = copydesk("calibrate", "A", "--no-cache", "--verdicts", "A.jsonl", "--target", str(args.target),
                       "--write", "calibrated.toml", cwd=work)
        if cal.returncode:
            print(cal.stderr, file=sys.stderr)
            return 2
        out = {"target": args.target, "calibrate_table": cal.stdout.splitlines(),
               "block": (work / "calibrated.toml").read_text(encoding="utf-8").splitlines()}
        for half, role in (("A", "tuned on"), ("B", "held out")):
            before = gate_findings(half, work, None)
            after = gate_findings(half, work, "calibrated.toml")
            jb, ja = judged(before["blocking"], verdicts[half]), judged(after["blocking"], verdicts[half])
            right_before = jb["editorial_right"] + jb["furniture_sample_right"]
            right_after = ja["editorial_right"] + ja["furniture_sample_right"]
            out[half] = {"role": role, "pages": before["pages"],
                         "pass_before": before["passing"], "pass_after": after["passing"],
                         "before": jb, "after": ja,
                         "right_judged_still_blocking": f"{right_after}/{right_before}",
                         "editorial_right_still_blocking": f"{ja['editorial_right']}/{jb['editorial_right']}"}
        print(json.dumps(out, indent=2))
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
