"""Shared test helpers: no network anywhere, a real CLI in a subprocess, and small draft writers."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NONET = Path(__file__).resolve().parent / "nonet"
# No test talks to a daemon the person running the tests may have started: checks find no socket here, unless
# a daemon test starts one in a folder of its own.
os.environ["COPYDESK_DAEMON_DIR"] = tempfile.mkdtemp(prefix="cd-tests-")
atexit.register(shutil.rmtree, os.environ["COPYDESK_DAEMON_DIR"], True)
# The rule tests check what each rule proposes and how its card weighs it: the verifier (which learns from judged
# findings what to block) is off for them. The verifier's own tests, the examples and the gate tests turn it on
# with VERIFIER_ON (tests/test_verifier.py, test_semantic.py, test_examples.py).
os.environ["COPYDESK_VERIFIER"] = "off"
VERIFIER_ON = {"COPYDESK_VERIFIER": "builtin"}


@pytest.fixture(autouse=True)
def no_network(monkeypatch, request):
    """Linting must never touch the network: every socket connect fails inside the test process."""
    if request.node.get_closest_marker("network"):
        return

    def refuse(*_a, **_k):
        raise OSError("network access is blocked in copydesk's tests")

    real_connect = socket.socket.connect

    def local_only(sock, address, *a, **k):  # Unix sockets are a call on this machine, not the network
        if sock.family == getattr(socket, "AF_UNIX", None):
            return real_connect(sock, address, *a, **k)
        refuse()

    if request.node.get_closest_marker("loopback"):
        real_create = socket.create_connection

        def loopback_only(sock, address, *a, **k):
            if address[0] not in ("127.0.0.1", "localhost", "::1"):
                refuse()
            return real_connect(sock, address, *a, **k)

        def create_loopback(address, *a, **k):
            if address[0] not in ("127.0.0.1", "localhost", "::1"):
                refuse()
            return real_create(address, *a, **k)

        monkeypatch.setattr(socket.socket, "connect", loopback_only)
        monkeypatch.setattr(socket.socket, "connect_ex", refuse)
        monkeypatch.setattr(socket, "create_connection", create_loopback)
        return

    monkeypatch.setattr(socket.socket, "connect", local_only)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def cli_env(extra: dict | None = None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(NONET), env.get("PYTHONPATH")]))
    env.pop("NO_COLOR", None)
    # One result cache for the session's CLI runs, outside the checkout; tests of the cache set their own.
    env.setdefault("COPYDESK_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"copydesk-test-cache-{os.getpid()}"))
    env.update(extra or {})
    return env


def run_cli(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env: dict | None = None,
            timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the real `copydesk` in a subprocess with sockets blocked."""
    return subprocess.run([sys.executable, "-m", "copydesk", *args], cwd=cwd, input=stdin, capture_output=True,
                          env=cli_env(env), timeout=timeout)


def check_json(*paths: str, cwd: Path | None = None, extra: tuple[str, ...] = (),
               env: dict | None = None) -> tuple[dict, subprocess.CompletedProcess]:
    proc = run_cli("check", "--format", "json", *extra, *paths, cwd=cwd, env=env)
    assert proc.stdout, proc.stderr.decode()
    return json.loads(proc.stdout), proc


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def span_text(source: str, f: dict) -> str:
    """The source text a finding's (line, column, end_line, end_column) points at."""
    lines = source.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    a = starts[f["line"] - 1] + f["column"] - 1
    b = starts[f["end_line"] - 1] + f["end_column"] - 1
    return source[a:b]
