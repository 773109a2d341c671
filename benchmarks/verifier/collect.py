"""Run copydesk over the judged sets and write every finding, with its evidence features, one JSON object a line.

    .venv/bin/python benchmarks/verifier/collect.py --out /tmp/findings.jsonl [--sets bbc,clean,...] [--text]

Each row: the article ("<set>/<file>"), its source group, whether the group is frozen, the finding's fingerprint,
code, category, severity (after the verifier), whether it blocks, its confidence, its position and the evidence
features the verifier reads (copydesk.evidence). With --text, the flagged excerpt and message too: for the judges'
packets, which stay outside the repository (the corpus's text is never copied into the project).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

from copydesk import api  # noqa: E402
from copydesk.report.fingerprint import fingerprints  # noqa: E402


def rows(sets: list[str], jobs: int, text: bool, verifier: str = "off"):
    # Every finding's evidence is computed (the verifier's features for rules it does not cover yet too), and
    # the checks run with the named verifier: "off" for the rules' own confidences, "builtin" for the model's.
    os.environ["COPYDESK_EVIDENCE"] = "all"
    config = Path(tempfile.mkdtemp()) / ".copydesk.toml"
    config.write_text(f"verifier = {json.dumps(verifier)}\n")
    linter = api.Linter(config=config, warm=False)
    items = [(str(p), article) for name in sets for p, article in corpus.files(name)]
    for result in linter.check_files(items, jobs=jobs):
        result.fingerprint_path = result.path
        group = corpus.group(result.path)
        for f, fp in zip(result.findings, fingerprints(result)):
            row = {"article": result.path, "group": group, "frozen": corpus.frozen(group), "fingerprint": fp,
                   "code": f.code, "category": f.category, "severity": f.severity, "advisory": f.advisory,
                   "blocks": f.severity != "info", "confidence": round(f.confidence, 4), "line": f.line,
                   "end_line": f.end_line, "column": f.column, "end_column": f.end_column,
                   "words": result.words, "genre": (result.genre or {}).get("name")}
            if f.features:
                row["features"] = {k: round(v, 4) for k, v in f.features.items()}
            if text:
                row["excerpt"] = f.excerpt
                row["message"] = f.message
            yield row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--sets", default=",".join(corpus.SETS))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--verifier", default="off", help="off (the rules' own confidences), builtin, or a model file")
    ap.add_argument("--text", action="store_true", help="include the excerpt and message (never commit these)")
    a = ap.parse_args()
    n = 0
    with open(a.out, "w", encoding="utf-8") as out:
        for row in rows(a.sets.split(","), a.jobs, a.text, a.verifier):
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    print(f"{n} findings written to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
