"""The pre-commit hook, run by the real `pre-commit try-repo` in a temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, write

HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_hook_definition():
    (hook,) = yaml.safe_load(HOOKS.read_text())
    assert hook["id"] == "copydesk" and hook["entry"] == "copydesk check"
    assert hook["language"] == "python" and hook["require_serial"] is True
    assert hook["types_or"] == ["markdown", "plain-text", "html"]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"})


@pytest.mark.slow
@pytest.mark.network  # pre-commit builds the hook's environment with pip, from the package index
def test_try_repo_on_clean_and_faulty_drafts(tmp_path):
    precommit = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    # try-repo wants a git repository: a copy of this checkout with its current files committed.
    repo = tmp_path / "copydesk"
    shutil.copytree(ROOT, repo, ignore=shutil.ignore_patterns(".git", "__pycache__", "*.egg-info", ".pytest_cache",
                                                               "build", "dist", ".venv"))
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "snapshot")
    news = tmp_path / "newsroom"
    write(news / "clean.md", "# Tram reaches Velden\n\nThe first tram in forty years ran on Sunday.\n")
    write(news / "faulty.txt", "Skip to content\n\nThe tram ran on Sunday to Velden station.\n")
    _git(news, "init", "-q")
    _git(news, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}
    run = lambda *files: subprocess.run([precommit, "try-repo", str(repo), "copydesk", "--files", *files],
                                        cwd=news, capture_output=True, text=True, env=env, timeout=1800)
    clean = run("clean.md")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout
    faulty = run("clean.md", "faulty.txt")
    assert faulty.returncode == 1, faulty.stdout + faulty.stderr
    assert "Failed" in faulty.stdout and "BOI001" in faulty.stdout and "faulty.txt" in faulty.stdout
