"""Assemble the training tables from a collection run and the judges' verdicts (benchmarks/verifier/data/).

    .venv/bin/python benchmarks/verifier/merge.py COLLECTED.jsonl VERDICTS.jsonl [VERDICTS.jsonl ...]

- findings.jsonl.gz: the collected findings without their text (article, group, frozen, fingerprint, code, category,
  the landed gate's decision and confidence, features).
- verdicts.jsonl: every verdict, in copydesk's verdicts format (fingerprint, code, verdict, reason, confidence,
  severity, path), plus:
  - a dev draft's finding that covers an injected defect of its own category is right (the labels say so);
  - a dev draft's other findings take the verdict of the same finding (rule and flagged text) in its clean
    article, which is the same story without the injected defects.
Later files' verdicts win over earlier ones (a re-judged finding).
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import corpus  # noqa: E402

DATA = HERE / "data"
LABELS = corpus.SHARED / "corpus" / "dev" / "labels.jsonl"


def injected_category(row: dict, labels: dict) -> str | None:
    name = row["article"].split("/", 1)[1]
    lab = labels.get(name)
    if not lab:
        return None
    lines = (corpus.SHARED / "corpus" / "dev" / lab["file"]).read_text(encoding="utf-8").splitlines()
    got = set(range(row["line"], row["end_line"] + 1))
    for g in lab["defects"]:
        want = set(range(g["lines"][0], g["lines"][1] + 1))
        if g["category"] == "duplication":  # either occurrence counts, as the scorer counts it
            want |= {i + 1 for i, s in enumerate(lines) if g["text"][:120] in s}
        if g["category"] == row["category"] and want & got:
            return g["category"]
    return None


def main() -> None:
    collected, judged = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    rows = [json.loads(l) for l in collected.read_text(encoding="utf-8").splitlines() if l.strip()]
    by_fp = {r["fingerprint"]: r for r in rows}
    labels = {json.loads(l)["file"].split("/")[-1]: json.loads(l) for l in LABELS.read_text().splitlines()}
    verdicts: dict[str, dict] = {}
    for path in judged:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            v = json.loads(line)
            r = by_fp.get(v["fingerprint"])
            if r is None:
                continue  # a finding the rules no longer make
            verdicts[v["fingerprint"]] = {"fingerprint": v["fingerprint"], "code": r["code"], "verdict": v["verdict"],
                                          "reason": (v.get("reason") or "")[:300], "confidence": r["confidence"],
                                          "severity": r["severity"], "path": r["article"]}
    clean_verdict = {}
    for fp, v in verdicts.items():
        r = by_fp[fp]
        if r["article"].startswith("clean/"):
            clean_verdict[(r["article"].split("/", 1)[1], r["code"], " ".join(r["excerpt"].split()))] = v
    added = Counter()
    for r in rows:
        if not r["article"].startswith("drafts/") or r["fingerprint"] in verdicts:
            continue
        cat = injected_category(r, labels)
        if cat:
            v = {"verdict": "right", "reason": f"covers the injected {cat} defect of this dev draft (its label)"}
            added["injected"] += 1
        else:
            same = clean_verdict.get((r["article"].split("/", 1)[1], r["code"], " ".join(r["excerpt"].split())))
            if same is None:
                continue
            v = {"verdict": same["verdict"], "reason": "as in the clean article: " + (same.get("reason") or "")}
            added["from clean"] += 1
        verdicts[r["fingerprint"]] = {"fingerprint": r["fingerprint"], "code": r["code"], **v,
                                      "confidence": r["confidence"], "severity": r["severity"], "path": r["article"]}
    DATA.mkdir(exist_ok=True)
    # Gzip with no timestamp (the same bytes for the same rows) and features without their zeros (a missing feature
    # reads as 0): 2 MB instead of 17.
    with gzip.GzipFile(DATA / "findings.jsonl.gz", "wb", mtime=0) as raw:
        for r in rows:
            feats = {k: v for k, v in sorted(r.get("features", {}).items()) if v}
            raw.write((json.dumps({"article": r["article"], "group": r["group"], "frozen": r["frozen"],
                                   "fingerprint": r["fingerprint"], "code": r["code"], "category": r["category"],
                                   "blocks0": r.get("blocks0", r["blocks"]),
                                   "confidence0": r.get("confidence0", r["confidence"]), "line": r["line"],
                                   "end_line": r["end_line"], "features": feats}, sort_keys=True) + "\n").encode())
    with open(DATA / "verdicts.jsonl", "w", encoding="utf-8") as fh:
        for fp in sorted(verdicts, key=lambda f: (verdicts[f]["path"], verdicts[f]["code"], f)):
            fh.write(json.dumps(verdicts[fp], ensure_ascii=False) + "\n")
    tally = Counter(v["verdict"] for v in verdicts.values())
    print(f"{len(rows)} findings, {len(verdicts)} verdicts ({dict(tally)}; {dict(added)})")


if __name__ == "__main__":
    main()
