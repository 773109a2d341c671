"""Real-copy review, like ruff's ecosystem check: what copydesk says about good copy, and how often it is right.

    python benchmarks/review.py                      # run, print judged precision per rule and the unjudged
    python benchmarks/review.py --unjudged 40        # list up to 40 unjudged findings (with context) per rule
    python benchmarks/review.py --rule SRC001        # only these rules (codes, comma-separated)
    python benchmarks/review.py --diff HEAD~1        # findings added and removed against another git ref
    python benchmarks/review.py --only drafts        # one set (clean, pages, drafts)
    python benchmarks/review.py judge FILE           # record verdicts: lines "FINGERPRINT right|wrong|unsure reason"
    python benchmarks/review.py --styles newsroom-basic --rule newsroom-basic   # a house style switched on, judged

Sets: the clean published articles (../shared/corpus/dev/clean), the saved web pages (../shared/pages), and
clean drafts we wrote in shapes those lack (benchmarks/review/drafts: a recipe, a training plan, a fixtures
list, a product round-up, a live blog, an interview, an obituary, a column, a review, a first-person blog...). A set that is not on this machine is
skipped with a note; --set adds another folder (NAME=PATH).

Each finding is keyed by a fingerprint: a hash of the set, the file's name, the rule and the flagged text
(whitespace folded), numbered for repeats, so it survives lines moving and edits elsewhere. The verdicts live
in benchmarks/review/verdicts.jsonl: fingerprint, rule, verdict and our short reason. The file holds no corpus
text, only hashes and our words.

Precision per rule is right / (right + wrong), unsure left out, for the findings shown at the gate (warning
or error) and for all findings. Run it before and after every rule change: a rule whose gate precision drops
below 0.80, or whose unjudged findings pile up, needs reading.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VERDICTS = HERE / "review" / "verdicts.jsonl"
SETS = {
    "clean": ROOT.parent / "shared" / "corpus" / "dev" / "clean",
    "pages": ROOT.parent / "shared" / "pages",
    "drafts": HERE / "review" / "drafts",
    # The holdout: whole pages of many outlets, judged but never tuned on (tune on clean and pages).
    "news": ROOT.parent / "shared" / "pages-news",
}
VERDICT_WORDS = ("right", "wrong", "unsure")
GATE = ("error", "warning")


def fingerprint(set_name: str, file_name: str, code: str, excerpt: str, nth: int) -> str:
    text = " ".join(excerpt.split()).lower()
    return hashlib.sha256(f"{set_name}\0{file_name}\0{code}\0{text}\0{nth}".encode()).hexdigest()[:16]


SELECT: list[str] = []  # --rule: only these rules run (faster, and a ref whose other rules cannot run still compares)
STYLES: list[str] = []  # --styles: house styles switched on, through a config file written for the run
PREVIEW: list[bool] = [False]  # --preview: preview rules run too


def style_config(folder: Path) -> list[str]:
    """`--config FILE` for the house styles asked for: a shipped style's name, or a folder (made absolute)."""
    if not STYLES:
        return []
    names = [s if not Path(s).exists() else str(Path(s).resolve()) for s in STYLES]
    handle = tempfile.NamedTemporaryFile("w", suffix=".toml", prefix="review-", delete=False, encoding="utf-8")
    with handle:
        handle.write("styles = [" + ", ".join(json.dumps(n) for n in names) + "]\n")
    return ["--config", handle.name]


def run_copydesk(folder: Path, source: Path | None = None) -> dict:
    """The JSON report of `copydesk check` over a folder: this checkout, or (source) another git worktree."""
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source / "lint"), env.get("PYTHONPATH")]))
    config = style_config(folder)
    cmd = [sys.executable, "-m", "copydesk", "check", "--format", "json", "--fail-on", "never", "--no-cache",
           *(["--select", ",".join(SELECT)] if SELECT else []), *(["--preview"] if PREVIEW[0] else []),
           *config, "."]
    try:
        proc = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, env=env)
    finally:
        if config:
            os.unlink(config[1])
    if proc.returncode not in (0, 1, 2) or not proc.stdout:
        sys.exit(f"copydesk failed on {folder}: {proc.stderr[-500:]}")
    return json.loads(proc.stdout)


def collect(sets: dict[str, Path], source: Path | None = None) -> list[dict]:
    """Every finding of every set, each with its fingerprint and the source line it sits on."""
    out = []
    for name, folder in sets.items():
        if not folder.is_dir():
            print(f"note: set {name} ({folder}) is not on this machine; skipped", file=sys.stderr)
            continue
        report = run_copydesk(folder, source)
        for f in report["files"]:
            path = folder / f["path"]
            try:
                lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                lines = []
            seen: Counter = Counter()
            for x in f["findings"]:
                key = (x["code"], " ".join(x["excerpt"].split()).lower())
                seen[key] += 1
                fp = fingerprint(name, Path(f["path"]).name, x["code"], x["excerpt"], seen[key])
                line = lines[x["line"] - 1] if 0 < x["line"] <= len(lines) else ""
                out.append({**x, "set": name, "file": f["path"], "fp": fp, "source_line": line})
    return out


def read_verdicts() -> dict[str, dict]:
    verdicts = {}
    if VERDICTS.is_file():
        for n, line in enumerate(VERDICTS.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                row = json.loads(line)
                if row.get("verdict") not in VERDICT_WORDS:
                    sys.exit(f"{VERDICTS}:{n}: verdict must be one of {', '.join(VERDICT_WORDS)}")
                verdicts[row["fp"]] = row
    return verdicts


def judge(path: str) -> None:
    """Add or replace verdicts from lines "FINGERPRINT VERDICT REASON" (# comments and blanks ignored). The
    rule code is looked up from the current findings, so a verdict keeps its rule after the finding is gone."""
    verdicts = read_verdicts()
    findings = {f["fp"]: f for f in collect(SETS)}
    added = 0
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 2)
        if len(parts) < 2 or parts[1] not in VERDICT_WORDS:
            sys.exit(f"{path}:{n}: expected 'FINGERPRINT right|wrong|unsure reason'")
        fp, verdict, reason = parts[0], parts[1], parts[2] if len(parts) > 2 else ""
        found = findings.get(fp)
        if found is None and fp not in verdicts:
            sys.exit(f"{path}:{n}: no current finding has fingerprint {fp}")
        code = found["code"] if found else verdicts[fp]["code"]
        verdicts[fp] = {"fp": fp, "code": code, "verdict": verdict, "reason": reason}
        added += 1
    VERDICTS.parent.mkdir(parents=True, exist_ok=True)
    rows = sorted(verdicts.values(), key=lambda r: (r["code"], r["fp"]))
    VERDICTS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    shown = VERDICTS.relative_to(ROOT) if VERDICTS.is_relative_to(ROOT) else VERDICTS
    print(f"{added} verdict(s) recorded; {len(rows)} in {shown}")


def precision(rows: list[dict], verdicts: dict[str, dict]) -> tuple[int, int, int, float | None]:
    tally = Counter(verdicts[r["fp"]]["verdict"] for r in rows if r["fp"] in verdicts)
    right, wrong = tally["right"], tally["wrong"]
    return right, wrong, tally["unsure"], (right / (right + wrong) if right + wrong else None)


def summary(findings: list[dict], verdicts: dict[str, dict], rules: set[str] | None) -> None:
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        if rules is None or f["code"] in rules:
            by_rule[f["code"]].append(f)
    print(f"{'rule':<7} {'found':>5} {'gate':>5} {'judged':>6} {'right':>5} {'wrong':>5} {'unsure':>6} "
          f"{'gate P':>6} {'all P':>6}  by set")
    for code in sorted(by_rule):
        rows = by_rule[code]
        gate = [r for r in rows if r["severity"] in GATE]
        r_all, w_all, u_all, p_all = precision(rows, verdicts)
        *_, p_gate = precision(gate, verdicts)
        judged = sum(1 for r in rows if r["fp"] in verdicts)
        sets = Counter(r["set"] for r in rows)
        shown = lambda p: f"{p:.2f}" if p is not None else "-"  # noqa: E731
        print(f"{code:<7} {len(rows):>5} {len(gate):>5} {judged:>6} {r_all:>5} {w_all:>5} {u_all:>6} "
              f"{shown(p_gate):>6} {shown(p_all):>6}  {dict(sets)}")
    total = [f for rows in by_rule.values() for f in rows]
    gate = [f for f in total if f["severity"] in GATE]
    *_, p_gate = precision(gate, verdicts)
    *_, p_all = precision(total, verdicts)
    print(f"\n{len(total)} findings, {len(gate)} at the gate; {sum(f['fp'] in verdicts for f in total)} judged; "
          f"gate precision {p_gate:.2f}" + (f", all findings {p_all:.2f}" if p_all is not None else "")
          if p_gate is not None else "")


def show_unjudged(findings: list[dict], verdicts: dict[str, dict], per_rule: int, rules: set[str] | None) -> None:
    by_rule: dict[str, list[dict]] = defaultdict(list)
    for f in findings:
        if f["fp"] not in verdicts and (rules is None or f["code"] in rules):
            by_rule[f["code"]].append(f)
    for code in sorted(by_rule):
        rows = sorted(by_rule[code], key=lambda r: (r["severity"] not in GATE, r["set"], r["file"], r["line"]))
        print(f"\n## {code}: {len(rows)} unjudged")
        for r in rows[:per_rule]:
            col = r["column"] - 1
            context = r["source_line"][max(0, col - 160):col + 200].strip()
            print(f"{r['fp']} [{r['severity']} {r['confidence']}] {r['set']}/{r['file'][:40]}:{r['line']}")
            print(f"    {r['message'][:200]}")
            print(f"    | {context}")


def diff(ref: str, rules: set[str] | None) -> None:
    """Findings added and removed against a git ref, by fingerprint (run on a worktree of that ref)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "ref"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), ref], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            before = {f["fp"]: f for f in collect(SETS, source=tree)}
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, capture_output=True)
    after = {f["fp"]: f for f in collect(SETS)}
    verdicts = read_verdicts()
    for title, keys, side in (("added", after.keys() - before.keys(), after),
                              ("removed", before.keys() - after.keys(), before)):
        rows = [side[k] for k in keys if rules is None or side[k]["code"] in rules]
        print(f"\n## {title}: {len(rows)}  {dict(Counter(r['code'] for r in rows).most_common())}")
        for r in sorted(rows, key=lambda r: (r["code"], r["set"], r["file"], r["line"])):
            verdict = verdicts.get(r["fp"], {}).get("verdict", "unjudged")
            print(f"{r['fp']} {r['code']} {r['severity']:<7} {verdict:<8} {r['set']}/{r['file'][:40]}:{r['line']} "
                  f"{r['excerpt'][:60]}")
    changed = [k for k in after.keys() & before.keys() if after[k]["severity"] != before[k]["severity"]]
    print(f"\n## severity changed: {len(changed)}")
    for k in sorted(changed, key=lambda k: after[k]["code"]):
        print(f"{k} {after[k]['code']} {before[k]['severity']} -> {after[k]['severity']} {after[k]['excerpt'][:60]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("action", nargs="?", default="run", choices=("run", "judge"))
    ap.add_argument("file", nargs="?", help="for judge: a file of verdict lines")
    ap.add_argument("--rule", help="only these rules (comma-separated codes)")
    ap.add_argument("--unjudged", type=int, default=0, metavar="N", help="list up to N unjudged findings per rule")
    ap.add_argument("--diff", metavar="REF", help="compare findings with another git ref")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=PATH", help="another folder to review")
    ap.add_argument("--styles", metavar="NAMES", help="switch on these house styles (comma-separated names or "
                    "folders); --rule takes a style's name")
    ap.add_argument("--preview", action="store_true", help="run preview rules too")
    ap.add_argument("--only", metavar="NAMES", help="review only these sets (comma-separated: clean,pages,drafts)")
    a = ap.parse_args()
    for item in a.set:
        name, _, path = item.partition("=")
        SETS[name] = Path(path).resolve()
    if a.only:
        keep = set(a.only.split(","))
        for name in list(SETS):
            if name not in keep:
                del SETS[name]
    rules = set(a.rule.split(",")) if a.rule else None
    if rules:
        SELECT[:] = sorted(rules)
        if not all(re.fullmatch(r"[A-Z]{3}\d{3}", r) for r in rules):
            rules = None  # a style's name or a category: --select already narrowed the run
    if a.styles:
        STYLES[:] = a.styles.split(",")
    PREVIEW[0] = a.preview
    if a.action == "judge":
        if not a.file:
            ap.error("judge needs a file of verdict lines")
        judge(a.file)
        return
    if a.diff:
        diff(a.diff, rules)
        return
    findings = collect(SETS)
    verdicts = read_verdicts()
    summary(findings, verdicts, rules)
    if a.unjudged:
        show_unjudged(findings, verdicts, a.unjudged, rules)


if __name__ == "__main__":
    main()
