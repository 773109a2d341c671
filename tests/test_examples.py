"""The example drafts: their reports match the expected JSON, and every covered defect is reported on its lines.

Regenerate an expected report after a deliberate change with COPYDESK_UPDATE_EXAMPLES=1.
"""

from __future__ import annotations

import json
import os

import pytest
import yaml

from conftest import ROOT, VERIFIER_ON, run_cli

EXAMPLES = ROOT / "examples"
DRAFTS = sorted(p for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".md", ".html"))


def _report(draft) -> dict:
    proc = run_cli("check", "--format", "json", "--fail-on", "never", draft.name, cwd=EXAMPLES, env=VERIFIER_ON)
    assert proc.returncode == 0, proc.stderr.decode()
    report = json.loads(proc.stdout)
    report["tool"].pop("version")
    return report


@pytest.mark.parametrize("draft", DRAFTS, ids=lambda p: p.name)
def test_report_matches_expected(draft):
    expected_file = draft.with_suffix(".expected.json")
    report = _report(draft)
    if os.environ.get("COPYDESK_UPDATE_EXAMPLES"):
        expected_file.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    assert expected_file.is_file(), f"no expected report: rerun with COPYDESK_UPDATE_EXAMPLES=1"
    assert report == json.loads(expected_file.read_text())


@pytest.mark.parametrize("draft", [d for d in DRAFTS if d.with_suffix(".defects.yaml").is_file()], ids=lambda p: p.name)
def test_every_covered_defect_is_reported_on_its_lines(draft):
    defects = yaml.safe_load(draft.with_suffix(".defects.yaml").read_text())
    findings = _report(draft)["files"][0]["findings"]
    covered = [d for d in defects if d.get("covered_by")]
    assert covered
    for d in covered:
        lo, hi = d["lines"]
        hits = [f for f in findings if f["code"] == d["covered_by"] and lo <= f["line"] <= hi]
        assert hits, f"{d['covered_by']} should report {d['what']} on lines {lo}-{hi}"


def test_reports_do_not_depend_on_hash_randomisation():
    outputs = set()
    for seed in ("1", "2", "3"):
        proc = run_cli("check", "--format", "json", "--fail-on", "never", ".", cwd=EXAMPLES, env={"PYTHONHASHSEED": seed})
        outputs.add(proc.stdout)
    assert len(outputs) == 1
