"""A check through the daemon against the same check in-process: whole `copydesk check` processes, run
alternately, medians and ratios, and the reports compared byte for byte (stdout, stderr and exit code).

Three cases, as a pre-commit hook meets them:
  cached    the draft as last checked (the result cache answers);
  edited    one paragraph changed since the last check (every rule runs again; the daemon parses the changed
            paragraph only), the commit of a draft being worked on;
  no-cache  `--no-cache`: every rule runs on every check.

    python benchmarks/daemon.py [DRAFT ...] [--repeat 10]

The daemon runs in a folder of its own (COPYDESK_DAEMON_DIR) and is stopped at the end. The result cache is a
fresh temporary folder. Exit 1 if any report differs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DRAFTS = [ROOT / "benchmarks" / "drafts" / "tram-depot-800.md", ROOT / "examples" / "harbour-draft.txt",
                  ROOT / "examples" / "library-page.html"]
# The console script, as a hook runs it (python -m copydesk when there is none beside this Python).
_SCRIPT = Path(sys.executable).parent / "copydesk"
COPYDESK = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "copydesk"]


def run(args: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run(COPYDESK + args, capture_output=True, env=env, cwd=ROOT)
    return time.perf_counter() - start, proc


def edit(path: Path, original: str, i: int) -> None:
    """A new sentence in the last paragraph: what a reporter's next commit of the draft looks like."""
    body = original.rstrip("\n")
    if path.suffix in (".html", ".htm"):
        body = body.replace("</p>", f" The board will meet again on day {i + 2}.</p>", 1)
    else:
        body += f" The board will meet again on day {i + 2}."
    path.write_text(body + "\n", encoding="utf-8")


def measure(draft: Path, repeat: int, env: dict, work: Path) -> dict:
    copy = work / draft.name
    original = draft.read_text(encoding="utf-8")
    copy.write_text(original, encoding="utf-8")
    out: dict = {"draft": str(draft.relative_to(ROOT)) if draft.is_relative_to(ROOT) else str(draft)}
    differences = 0
    for case in ("cached", "edited", "no-cache"):
        extra = ["--no-cache"] if case == "no-cache" else []
        through_times, alone_times = [], []
        run(["check", *extra, str(copy)], env)  # warm both the file cache and the result cache
        for i in range(repeat):
            if case == "edited":
                edit(copy, original, i)
            took, through = run(["check", *extra, str(copy)], env)
            through_times.append(took)
            if case == "edited":
                edit(copy, original, i + 1000)  # in-process sees an edit too: neither side gets a cache hit
            took, alone = run(["check", "--no-daemon", *extra, str(copy)], env)
            alone_times.append(took)
            if case != "edited":  # edited runs check different text on each side; parity is for the same text
                same = (through.returncode, through.stdout, through.stderr) == (alone.returncode, alone.stdout,
                                                                              alone.stderr)
                differences += not same
        t, a = statistics.median(through_times), statistics.median(alone_times)
        out[case] = {"daemon_median_s": round(t, 3), "in_process_median_s": round(a, 3), "ratio": round(t / a, 3)}
        copy.write_text(original, encoding="utf-8")
    out["report_differences"] = differences
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("drafts", nargs="*", type=Path, default=DEFAULT_DRAFTS)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cdb-", dir="/tmp"))
    env = dict(os.environ, COPYDESK_DAEMON_DIR=str(work / "d"), COPYDESK_CACHE_DIR=str(work / "cache"))
    try:
        proc = subprocess.run(COPYDESK + ["daemon", "start"], capture_output=True, env=env, cwd=ROOT)
        if proc.returncode:
            print(proc.stderr.decode(), file=sys.stderr)
            return 2
        python_start = statistics.median(
            run_plain([sys.executable, "-c", "pass"]) for _ in range(max(3, args.repeat)))
        results = [measure(d.resolve(), args.repeat, env, work) for d in args.drafts]
        state = json.loads(subprocess.run(COPYDESK + ["daemon", "status", "--format", "json"], capture_output=True,
                                          env=env, cwd=ROOT).stdout)
    finally:
        subprocess.run(COPYDESK + ["daemon", "stop"], capture_output=True, env=env, cwd=ROOT)
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"repeat": args.repeat, "python_start_median_s": round(python_start, 3),
                      "daemon_checks_served": state.get("checks"), "drafts": results}, indent=2))
    return 1 if any(r["report_differences"] for r in results) else 0


def run_plain(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True)
    return time.perf_counter() - start


if __name__ == "__main__":
    sys.exit(main())
