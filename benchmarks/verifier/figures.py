"""Render train.py's report (JSON) as the Markdown tables of docs/verifier.md.

    .venv/bin/python benchmarks/verifier/train.py --report /tmp/verifier-report.json
    .venv/bin/python benchmarks/verifier/figures.py /tmp/verifier-report.json
"""

from __future__ import annotations

import json
import sys


def cell(v) -> str:
    """A share or probability (two decimals; a threshold over 1 is "never")."""
    if v is None:
        return "-"
    return "never" if v > 1 else f"{v:.2f}"


def count(v) -> str:
    return "-" if v is None else f"{v:.0f}"


def main() -> None:
    r = json.load(open(sys.argv[1]))
    w = sys.stdout.write
    t = r["trained_on"]
    w(f"Trained on {t['verdicts']} verdicts ({t['right']} right) from {t['sources']} sources; "
      f"{t['frozen_sources_left_out']} frozen sources left out.\n\n")
    w("| rule | verdicts | right | AUC, rule's confidence | AUC, verifier (CV) | threshold | CV gate precision | "
      "share of right kept | blocking (CV) | landed gate precision | landed blocking |\n")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for code, f in sorted(r["cross_validated"].items()):
        w(f"| {code} | {f['verdicts']} | {f['right']} | {cell(f['auc_strength'])} | {cell(f['auc_verifier_cv'])} | "
          f"{cell(f['threshold'])} | {cell(f['cv_gate_precision'])} | {cell(f['cv_gate_right_share'])} | "
          f"{count(f['cv_gate_blocking'])} | {cell(f['landed_gate_precision'])} | {count(f['landed_gate_blocking'])} |\n")
    w("\nBy fold (a BBC desk, or a hash share of the other sources), out of fold:\n\n")
    w("| fold | verdicts | right | AUC, rule's confidence | AUC, verifier | CV gate precision | blocking | "
      "landed gate precision | landed blocking |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for k, f in r["by_fold"].items():
        w(f"| {k} | {f['verdicts']} | {f['right']} | {cell(f['auc_strength'])} | {cell(f['auc_verifier_cv'])} | "
          f"{cell(f['cv_gate_precision'])} | {count(f['cv_gate_blocking'])} | {cell(f['landed_gate_precision'])} | "
          f"{count(f['landed_gate_blocking'])} |\n")
    fa = r["frozen_all"]
    w(f"\nFrozen sources ({fa['sources']} sources, {fa['verdicts']} verdicts, never trained on): AUC of the rules' "
      f"confidence {cell(fa['auc_strength'])}, of the verifier {cell(fa['auc_verifier'])}; gate precision "
      f"{cell(fa['gate_precision'])} on {count(fa['gate_blocking'])} blocking (landed: {cell(fa['landed_precision'])} on "
      f"{count(fa['landed_blocking'])}).\n\n")
    w("| rule | verdicts | right | AUC, rule's confidence | AUC, verifier | gate precision | blocking | landed precision | "
      "landed blocking |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for code, f in sorted(r["frozen"].items()):
        w(f"| {code} | {f['verdicts']} | {f['right']} | {cell(f['auc_strength'])} | {cell(f['auc_verifier'])} | "
          f"{cell(f['gate_precision'])} | {count(f['gate_blocking'])} | {cell(f['landed_precision'])} | "
          f"{count(f['landed_blocking'])} |\n")


if __name__ == "__main__":
    main()
