"""What the verifier costs per finding: the median time to score one finding's features, over the judged findings.

    .venv/bin/python benchmarks/verifier/score_cost.py
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from pathlib import Path

from copydesk import verifier

DATA = Path(__file__).resolve().parent / "data" / "findings.jsonl.gz"


def main() -> None:
    model = verifier.load()
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        rows = [json.loads(l) for l in fh]
    rows = [r for r in rows if r["code"] in model.rules and r["features"]]
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        for r in rows:
            model.rules[r["code"]].score(r["features"])
        runs.append((time.perf_counter() - start) / len(rows))
    print(json.dumps({"findings": len(rows), "median_us_per_finding": round(statistics.median(runs) * 1e6, 1)}))


if __name__ == "__main__":
    main()
