"""The finding verifier: scoring, the shipped model is the training script's output, the report's "why",
explain-finding, the settings, and `calibrate --refit` with a known answer."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, VERIFIER_ON, check_json, run_cli, write
from copydesk import verifier
from copydesk.evidence import FEATURES_VERSION

TINY = {
    "format": 1, "version": "test", "features_version": FEATURES_VERSION,
    "categories": {"sourcing": {"features": ["strength", "in_quote"], "mean": {"strength": 0.5, "in_quote": 0.0},
                                "scale": {"strength": 0.25, "in_quote": 1.0},
                                "weights": {"strength": 1.5, "in_quote": -3.0}, "bias": -0.2,
                                "rule_bias": {"SRC001": 0.4}}},
    "rules": {"SRC001": {"category": "sourcing", "threshold": 0.6}, "SRC003": {"category": "sourcing", "threshold": 1.01}},
}


def test_scoring_is_the_logistic_of_the_standardised_features():
    v = verifier.parse(TINY, "tiny")
    p, why = v.rules["SRC001"].score({"strength": 0.9, "in_quote": 1.0})
    z = -0.2 + 0.4 + 1.5 * (0.9 - 0.5) / 0.25 - 3.0 * 1.0
    assert p == pytest.approx(1 / (1 + math.exp(-z)))
    # the strongest evidence first, with its value and weight
    assert why[0] == ["in_quote", 1.0, -3.0]
    assert why[1][0] == "strength" and why[1][2] == pytest.approx(2.4)
    # a missing feature counts as 0; a rule without its own intercept uses the category's
    p3, _ = v.rules["SRC003"].score({"strength": 0.5})
    assert p3 == pytest.approx(1 / (1 + math.exp(0.2)))
    assert v.rules["SRC003"].threshold > 1  # never blocks


@pytest.mark.parametrize("change, message", [
    ({"format": 9}, "not a copydesk verifier model"),
    ({"features_version": 0}, "refit it"),
    ({"rules": {"SRC001": {"category": "nowhere", "threshold": 0.5}}}, "names no category"),
    ({"rules": {"SRC001": {"category": "sourcing", "threshold": "high"}}}, "no threshold"),
])
def test_a_broken_model_is_refused_with_one_line(change, message):
    with pytest.raises(verifier.VerifierError, match=message):
        verifier.parse({**TINY, **change}, "m.json")


def test_the_shipped_model_is_what_the_training_script_makes():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "verifier" / "train.py"), "--check"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    shipped = json.loads((ROOT / "lint" / "copydesk" / "data" / "verifier.json").read_text())
    assert shipped["features_version"] == FEATURES_VERSION
    assert shipped["trained_on"]["verdicts"] >= 3000
    # every rule it covers has a category model and a threshold
    v = verifier.load()
    assert set(v.rules) == set(shipped["rules"]) and v.rules


DRAFT = """# Harbour tolls to rise in March

The Port Aldren harbour board will raise mooring tolls by a tenth in March, its chair Ines Varga said on Monday.

Experts warn that the rise will drive small fishing boats to the rival harbour at Kessel.

The board said the money would pay for dredging the inner basin, which has silted up since the storms of
last winter and now strands boats at low tide.

Fishing crews have until the end of February to renew their moorings at the old rate, the board said.
"""


def test_the_report_carries_the_verifier_s_confidence_and_why(tmp_path):
    write(tmp_path / "d.md", DRAFT)
    report, _ = check_json("d.md", cwd=tmp_path, env=VERIFIER_ON)
    found = [f for f in report["files"][0]["findings"] if f["code"] == "SRC001"]
    assert found, report
    f = found[0]
    assert 0 <= f["confidence"] <= 1
    assert f["why"] and all(len(item) == 3 and isinstance(item[0], str) for item in f["why"])
    # features are internal: never in the report
    assert "features" not in f and "span" not in f and "block" not in f


def test_explain_finding_shows_the_evidence(tmp_path):
    write(tmp_path / "d.md", DRAFT)
    proc = run_cli("explain-finding", "d.md", "5", "--code", "SRC001", cwd=tmp_path, env=VERIFIER_ON)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert "SRC001 vague-attribution at d.md:5:1" in out
    assert "base (the rule's own rate" in out and "weight" in out
    proc = run_cli("explain-finding", "d.md", "5", "--code", "SRC001", "--format", "json", cwd=tmp_path, env=VERIFIER_ON)
    data = json.loads(proc.stdout)
    assert data[0]["verifier"]["features"][0]["meaning"]
    proc = run_cli("explain-finding", "d.md", "99", cwd=tmp_path, env=VERIFIER_ON)
    assert proc.returncode == 2 and b"no finding at" in proc.stderr


def test_verifier_off_gives_the_cards_own_confidences(tmp_path):
    write(tmp_path / "d.md", DRAFT)
    write(tmp_path / ".copydesk.toml", 'verifier = "off"\n')
    report, _ = check_json("d.md", cwd=tmp_path, env=VERIFIER_ON)
    f = next(f for f in report["files"][0]["findings"] if f["code"] == "SRC001")
    assert "why" not in f and f["confidence"] >= 0.8  # the rule's own evidence strength


def test_a_missing_model_file_is_a_config_error(tmp_path):
    write(tmp_path / "d.md", DRAFT)
    write(tmp_path / ".copydesk.toml", 'verifier = "models/mine.json"\n')
    proc = run_cli("check", "d.md", cwd=tmp_path, env=VERIFIER_ON)
    assert proc.returncode == 2
    err = proc.stderr.decode().strip()
    assert "verifier" in err and "does not exist" in err and len(err.splitlines()) == 1


def _drafts(folder: Path, n: int) -> list[str]:
    names = []
    for i in range(n):
        town = ["Osterby", "Kessel", "Marrow", "Tarne", "Hallby", "Lindqvist", "Porto Nero", "Vass"][i % 8]
        write(folder / f"d{i}.md", f"""# Ferry timetable changes in {town}

The {town} ferry will run every forty minutes from April, the operator said on Tuesday in a statement.

Experts believe the new timetable will cut waiting times for commuters crossing to {town} in the morning.

The operator said two older boats would be retired in the summer and replaced by one larger vessel.
""")
        names.append(f"d{i}.md")
    return names


def test_refit_with_a_known_answer(tmp_path):
    """The desk calls every SRC001 finding in its drafts wrong: the refitted model lowers SRC001's probability,
    makes it never block, and a check with the new model agrees; thresholds-only calibrate still works."""
    names = _drafts(tmp_path, 10)
    write(tmp_path / ".copydesk.toml", "")
    report, _ = check_json(*names, cwd=tmp_path, env=VERIFIER_ON)
    before = {}
    rows = []
    for fr in report["files"]:
        for f in fr["findings"]:
            if f["code"] == "SRC001":
                before[f["fingerprint"]] = f["confidence"]
                rows.append({"fingerprint": f["fingerprint"], "code": "SRC001", "verdict": "wrong",
                             "reason": "the desk names its experts elsewhere", "confidence": f["confidence"],
                             "severity": f["severity"], "path": fr["path"]})
    assert len(rows) == 10
    write(tmp_path / ".copydesk" / "verdicts.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    proc = run_cli("calibrate", "--refit", *names, cwd=tmp_path, env=VERIFIER_ON)
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert "SRC001" in out and "never blocks" in out
    model_path = tmp_path / ".copydesk" / "verifier.json"
    model = json.loads(model_path.read_text())
    assert model["rules"]["SRC001"]["threshold"] > 1
    shipped = verifier.load().data
    assert model["categories"]["sourcing"]["rule_bias"]["SRC001"] < shipped["categories"]["sourcing"]["rule_bias"]["SRC001"]
    # the shipped model's other categories are untouched
    assert model["categories"]["boilerplate"] == shipped["categories"]["boilerplate"]
    write(tmp_path / ".copydesk.toml", 'verifier = ".copydesk/verifier.json"\n')
    after, proc = check_json(*names, cwd=tmp_path, env=VERIFIER_ON)
    now = [f for fr in after["files"] for f in fr["findings"] if f["code"] == "SRC001"]
    assert now and all(f["severity"] == "info" and f["advisory"] for f in now)
    assert sum(f["confidence"] for f in now) < sum(before.values())


def test_refit_needs_the_files(tmp_path):
    write(tmp_path / ".copydesk.toml", "")
    write(tmp_path / ".copydesk" / "verdicts.jsonl", json.dumps(
        {"fingerprint": "ab" * 16, "code": "SRC001", "verdict": "wrong"}) + "\n")
    proc = run_cli("calibrate", "--refit", cwd=tmp_path, env=VERIFIER_ON)
    assert proc.returncode == 2 and b"needs the files" in proc.stderr


def test_calibrate_says_plainly_what_it_needs_without_files_or_confidences(tmp_path):
    write(tmp_path / ".copydesk.toml", "")
    write(tmp_path / ".copydesk" / "verdicts.jsonl", "".join(json.dumps(
        {"fingerprint": f"{i:032x}", "code": "SRC001", "verdict": "wrong"}) + "\n" for i in range(20)))
    proc = run_cli("calibrate", cwd=tmp_path)
    assert proc.returncode == 2
    assert b"carry no confidence" in proc.stderr and b"give the files" in proc.stderr


def test_stats_reports_how_well_confidence_separates(tmp_path):
    write(tmp_path / ".copydesk.toml", "")
    rows = [{"fingerprint": f"{i:032x}", "code": "SRC001", "verdict": "right" if i % 2 else "wrong",
             "confidence": 0.9 if i % 2 else 0.3, "severity": "warning"} for i in range(10)]
    write(tmp_path / ".copydesk" / "verdicts.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    proc = run_cli("stats", "--format", "json", cwd=tmp_path)
    data = json.loads(proc.stdout)
    assert data["rules"][0]["auc"] == 1.0
    proc = run_cli("stats", cwd=tmp_path)
    assert b"AUC" in proc.stdout and b"1.00" in proc.stdout
