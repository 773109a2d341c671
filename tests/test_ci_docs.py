"""docs/ci.md as written: the GitHub Actions workflow, the GitLab job and the pre-commit config each run
their copydesk commands on sample drafts, and produce what the next step reads."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from conftest import cli_env, write

ROOT = Path(__file__).resolve().parents[1]
DOC = (ROOT / "docs" / "ci.md").read_text()
YAML_BLOCKS = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", DOC, re.S)]
SH_BLOCKS = re.findall(r"```sh\n(.*?)```", DOC, re.S)

DRAFT = ("# Pier reopens\n\nSkip to content\n\nThe Tallow Point pier reopened on Monday after a winter of repairs, "
         "the harbour office said.\n\nThe Tallow Point pier reopened on Monday after a winter of repairs, the harbour "
         "office said.\n")


def _run(command: str, cwd: Path) -> subprocess.CompletedProcess:
    args = shlex.split(command.split(" #")[0])
    assert args[0] == "copydesk"
    return subprocess.run([sys.executable, "-m", "copydesk", *args[1:]], cwd=cwd, capture_output=True,
                          env=cli_env(), timeout=600)


def _repo(tmp_path: Path) -> Path:
    write(tmp_path / "articles" / "pier.md", DRAFT)
    write(tmp_path / "articles" / "tides.md", "# Tides\n\nThe tide tables for May are on the harbour office door.\n")
    git = ["git", "-c", "user.name=Desk", "-c", "user.email=desk@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "first"], cwd=tmp_path, check=True)
    write(tmp_path / "articles" / "ferry.md", "# Ferry\n\nRead also: Tide tables for May\n\nThe ferry runs at dawn.\n")
    subprocess.run([*git, "add", "."], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "second"], cwd=tmp_path, check=True)
    return tmp_path


def test_github_actions_workflow(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    workflow = next(b for b in YAML_BLOCKS if isinstance(b, dict) and "jobs" in b)
    steps = workflow["jobs"]["drafts"]["steps"]
    runs = [s["run"] for s in steps if str(s.get("run", "")).startswith("copydesk")]
    assert len(runs) == 2
    repo = _repo(tmp_path)
    annotate = _run(runs[0], repo)
    assert annotate.returncode == 1, annotate.stderr
    lines = annotate.stdout.decode().splitlines()
    assert lines and all(line.startswith("::") for line in lines)
    assert all("ferry.md" in line for line in lines)  # only the file changed in the last commit
    sarif = _run(runs[1], repo)
    assert sarif.returncode == 0, sarif.stderr  # --fail-on never: the upload step decides nothing
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    log = json.loads((repo / upload["with"]["sarif_file"]).read_text())
    jsonschema.validate(log, json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text()))
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {"DUP001", "BOI001"}
    cache = next(s for s in steps if "actions/cache" in s.get("uses", ""))
    assert cache["with"]["path"] == ".copydesk_cache"


def test_gitlab_job(tmp_path):
    job = next(b for b in YAML_BLOCKS if isinstance(b, dict) and "copydesk" in b)["copydesk"]
    repo = _repo(tmp_path)
    codes = [_run(line, repo).returncode for line in job["script"] if line.startswith("copydesk")]
    assert codes == [0, 1]
    reports = job["artifacts"]["reports"]
    quality = json.loads((repo / reports["codequality"]).read_text())
    assert quality and all(i["fingerprint"] and i["location"]["path"].startswith("articles/") for i in quality)
    junit = ET.parse(repo / reports["junit"]).getroot()
    assert len(junit.findall(".//testcase")) == 3 and int(junit.get("failures")) >= 2
    assert job["cache"]["paths"] == [".copydesk_cache/"]


def test_precommit_config_names_our_hook_with_valid_arguments():
    from copydesk.arguments import build_parser

    config = next(b for b in YAML_BLOCKS if isinstance(b, dict) and "repos" in b)
    hook = config["repos"][0]["hooks"][0]
    ours = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] in {h["id"] for h in ours}
    entry = next(h for h in ours if h["id"] == hook["id"])["entry"].split()[1:]
    args = build_parser().parse_args([*entry, *hook.get("args", []), "draft.md"])
    assert args.fail_on == "error" and args.paths == ["draft.md"]


def test_baseline_commands(tmp_path):
    repo = _repo(tmp_path)
    commands = [line for block in SH_BLOCKS for line in block.splitlines() if line.startswith("copydesk")]
    assert [c.split()[1] for c in commands] == ["baseline", "check"]
    assert _run(commands[0], repo).returncode == 0
    assert _run(commands[1], repo).returncode == 0  # nothing new since the baseline
