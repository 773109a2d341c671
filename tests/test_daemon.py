"""The check daemon, with real processes: a real daemon started by `copydesk daemon start`, real `copydesk check`
clients, and the reports compared byte for byte with `--no-daemon`. Each test has a daemon folder of its own."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, cli_env, write

pytestmark = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="the daemon speaks over a Unix socket")

STORY = """# Tram depot plan approved

The Velmar city council approved the new tram depot on Tuesday, ending a two-year dispute over its site.

"We listened to the neighbours," said councillor Ana Brightwater, who chairs the transport committee.

Critics say the depot will bring noise to the quiet streets around the old gasworks.

Skip to content

Work starts in March and the council expects the first trams to leave the depot in 2028.
"""


def copydesk(*args: str, env: dict, stdin: bytes | None = None, cwd: Path | None = None,
             timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "copydesk", *args], env=env, input=stdin, cwd=cwd or ROOT,
                          capture_output=True, timeout=timeout)


def status(env: dict) -> dict:
    proc = copydesk("daemon", "status", "--format", "json", env=env, timeout=60)
    return json.loads(proc.stdout)


def lock_pid(folder: Path) -> int | None:
    try:
        return int((folder / "daemon.lock").read_text().strip() or 0) or None
    except (OSError, ValueError):
        return None


def alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is not alive: the daemon is no child of ours, but check the state anyway.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return True


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def daemon_env():
    # A short folder: a Unix socket's path must fit in about 100 bytes.
    folder = Path(tempfile.mkdtemp(prefix="cdd-", dir="/tmp"))
    env = cli_env({"COPYDESK_DAEMON_DIR": str(folder)})
    yield env, folder
    copydesk("daemon", "stop", env=env, timeout=60)
    pid = lock_pid(folder)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
    shutil.rmtree(folder, ignore_errors=True)


def start(env: dict, *extra: str) -> dict:
    proc = copydesk("daemon", "start", *extra, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"copydesk daemon: started" in proc.stdout or b"copydesk daemon: replaced" in proc.stdout, proc.stdout
    state = status(env)
    assert state["status"] == "running" and state["ready"], state
    return state


def same(env: dict, *args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """A check through the daemon and the same check in-process: byte for byte the same."""
    through = copydesk("check", *args, env=env, stdin=stdin, cwd=cwd)
    alone = copydesk("check", "--no-daemon", *args, env=env, stdin=stdin, cwd=cwd)
    assert (through.returncode, through.stdout, through.stderr) == (alone.returncode, alone.stdout, alone.stderr), \
        (args, through.stderr.decode()[-400:], alone.stderr.decode()[-400:])
    return through


def test_reports_through_the_daemon_are_the_in_process_reports_byte_for_byte(daemon_env, tmp_path):
    env, folder = daemon_env
    start(env)
    story = write(tmp_path / "tram.md", STORY)
    runs = [("examples/harbour-draft.txt",), ("examples/library-page.html", "--format", "json"),
            ("examples/", "--format", "sarif", "--no-cache"), ("tests/fixtures/scraped-draft.txt", "-q"), ("tests/fixtures/clean-story.md",),
            ("tests/fixtures/saved-page.html", "--format", "html"), ("tests/fixtures/blog-page.html", "--format", "github"),
            (str(story), "--format", "junit", "--fail-on", "error"), (str(story), "--select", "boilerplate"),
            ("--stdin-filename", "piped.md", "-"), ("missing-draft.md",), ("--bogus-flag", str(story)),
            ("--format", "gitlab", "-o", str(tmp_path / "report.json"), str(story))]
    codes = []
    for args in runs:
        proc = same(env, *args, stdin=STORY.encode() if "-" in args else None)
        codes.append(proc.returncode)
    assert set(codes) == {0, 1, 2}  # clean files, findings and errors all went through
    assert json.loads((tmp_path / "report.json").read_text())  # --output written relative to the client
    served = status(env)
    assert served["checks"] == len(runs)  # every one of them was the daemon's, not a silent fallback
    log = (folder / "daemon.log").read_text()
    assert "Velmar" not in log and "harbour" not in log  # the log names folders, never copy


def test_the_socket_and_its_folder_are_private(daemon_env):
    env, folder = daemon_env
    state = start(env)
    sock = Path(state["socket"])
    assert sock.parent == folder
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_ISSOCK(os.stat(sock).st_mode) and stat.S_IMODE(os.stat(sock).st_mode) == 0o600
    if os.getuid() == 0:
        # Another user (nobody) cannot reach the socket at all.
        probe = ("import socket, os, sys\nos.setgid(65534); os.setuid(65534)\ns = socket.socket(socket.AF_UNIX)\n"
                 "try:\n    s.connect(sys.argv[1])\nexcept PermissionError:\n    print('refused')\nelse:\n"
                 "    print('connected')\n")
        proc = subprocess.run([sys.executable, "-c", probe, str(sock)], capture_output=True, timeout=60)
        assert proc.stdout.strip() == b"refused", proc.stderr
    # A folder someone else could enter is refused before a socket is put in it.
    shared = Path(tempfile.mkdtemp(prefix="cdd-", dir="/tmp"))
    try:
        link = shared / "elsewhere"
        link.symlink_to(shared)
        proc = copydesk("daemon", "start", env={**env, "COPYDESK_DAEMON_DIR": str(link)}, timeout=60)
        assert proc.returncode == 2 and b"is not a folder" in proc.stderr and not proc.stdout
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_a_stale_socket_is_detected_removed_and_never_waited_on(daemon_env, tmp_path):
    env, folder = daemon_env
    # What a daemon killed with -9 leaves: a socket file that nothing listens on.
    left = socket.socket(socket.AF_UNIX)
    left.bind(str(folder / "daemon.sock"))
    left.close()
    story = write(tmp_path / "tram.md", STORY)
    began = time.monotonic()
    proc = copydesk("check", str(story), env=env)
    alone = copydesk("check", "--no-daemon", str(story), env=env)
    assert proc.returncode == alone.returncode == 1 and proc.stdout == alone.stdout
    assert proc.stderr.decode().strip().splitlines()[0] == \
        "copydesk: the daemon is not running (its stale socket was removed); checked in-process"
    assert not (folder / "daemon.sock").exists()
    assert time.monotonic() - began < 120  # a fallback, not a hang
    # And a start replaces it without complaint.
    left = socket.socket(socket.AF_UNIX)
    left.bind(str(folder / "daemon.sock"))
    left.close()
    start(env)
    same(env, str(story))


def start_other_version(env: dict, folder: Path) -> int:
    """A daemon that says it is another copydesk (as one left running by an older install would)."""
    other = ("import sys\nimport copydesk.version as v\nv.__version__ = '0.0.1-elsewhere'\n"
             "from copydesk.daemon.server import main\nsys.exit(main(['--detach']))\n")
    with open(folder / "daemon.log", "ab") as log:
        subprocess.run([sys.executable, "-c", other], env=env, stdout=subprocess.DEVNULL, stderr=log, timeout=60,
                       start_new_session=True, check=True)
    assert wait_for(lambda: status(env).get("ready"), 120)
    state = status(env)
    assert state["version"] == "0.0.1-elsewhere"
    return state["pid"]


def test_a_daemon_of_another_copydesk_version_is_replaced(daemon_env, tmp_path):
    env, folder = daemon_env
    story = write(tmp_path / "tram.md", STORY)
    alone = copydesk("check", "--no-daemon", str(story), env=env)
    old = start_other_version(env, folder)
    proc = copydesk("check", str(story), env=env)
    assert proc.returncode == alone.returncode and proc.stdout == alone.stdout
    said = proc.stderr.decode().splitlines()
    assert said[0] == ("copydesk: the daemon was copydesk 0.0.1-elsewhere (the client is copydesk "
                       f"{status_version()}, the daemon 0.0.1-elsewhere); it stopped; checked in-process"), said
    assert said[1:] == alone.stderr.decode().splitlines()
    assert wait_for(lambda: not alive(old), 30)  # the out-of-date daemon went away
    # With the opt-in, the client puts a daemon of its own version in its place and is served by it.
    old = start_other_version(env, folder)
    proc = copydesk("check", "--start-daemon", str(story), env=env)
    assert (proc.returncode, proc.stdout, proc.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    state = status(env)
    assert state["version"] == status_version() and state["pid"] != old and state["checks"] == 1
    assert not alive(old)
    # `daemon start` replaces one too, and says so.
    assert copydesk("daemon", "stop", env=env, timeout=60).returncode == 0
    start_other_version(env, folder)
    proc = copydesk("daemon", "start", env=env, timeout=300)
    assert proc.returncode == 0 and proc.stdout.startswith(b"copydesk daemon: replaced (pid ")


def status_version() -> str:
    from copydesk.version import __version__

    return __version__


def test_a_daemon_killed_in_mid_check_leaves_the_client_to_check_in_process(daemon_env, tmp_path):
    env, folder = daemon_env
    state = start(env)
    # Long enough that the check is surely still running when the daemon is killed (well under the
    # max-nlp-tokens bound, so the model does parse it).
    paragraph = ("The harbour board of Port Ellery met on Thursday to discuss the long-delayed dredging of the "
                 "eastern channel, which fishermen say has cost them a season of catches. ")
    big = write(tmp_path / "long.md", "# Dredging delayed again\n\n" + "\n\n".join(
        f"{paragraph}Item {i} on the agenda was deferred to the next meeting." for i in range(350)) + "\n")
    client = subprocess.Popen([sys.executable, "-m", "copydesk", "check", "--no-cache", str(big)], env=env,
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    log = folder / "daemon.log"
    assert wait_for(lambda: "check started" in log.read_text(), 120)
    os.kill(state["pid"], signal.SIGKILL)
    out, err = client.communicate(timeout=600)
    alone = copydesk("check", "--no-daemon", "--no-cache", str(big), env=env)
    assert client.returncode == alone.returncode and out == alone.stdout and out
    assert err.decode().splitlines()[0] == "copydesk: the daemon stopped before it answered; checked in-process"
    assert err.decode().splitlines()[1:] == alone.stderr.decode().splitlines()


def test_two_clients_at_once_each_get_their_own_report(daemon_env, tmp_path):
    env, _folder = daemon_env
    start(env)
    drafts = [write(tmp_path / "tram.md", STORY), ROOT / "examples" / "harbour-draft.txt"]
    expected = [copydesk("check", "--no-daemon", "--format", "json", str(d), env=env) for d in drafts]
    results: list = [None, None]

    def run(i: int) -> None:
        results[i] = copydesk("check", "--format", "json", "--no-cache", str(drafts[i]), env=env)

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    for got, want in zip(results, expected):
        assert (got.returncode, got.stdout, got.stderr) == (want.returncode, want.stdout, want.stderr)
    assert status(env)["checks"] == 2


def test_a_config_edit_and_a_card_edit_apply_to_the_next_check(daemon_env, tmp_path):
    env, _folder = daemon_env
    start(env)
    project = tmp_path / "desk"
    write(project / "drafts" / "tram.md", STORY)
    write(project / ".copydesk.toml", 'extend-rules = ["cards"]\n')
    card = project / "cards" / "style" / "velmar.yaml"
    write(card, """
code: VEL001
name: vellmar-spelling
category: style
kind: substitution
severity: warning
message: 'Our style: "{preferred}", not "{found}".'
why: The city took back its old spelling in 2020.
options:
  swap:
    Velmar: Vellmar
examples:
  fail:
  - The Velmar council met on Tuesday.
  pass:
  - The Vellmar council met on Tuesday.
""")
    first = same(env, "--format", "json", "drafts/tram.md", cwd=project)
    codes = {f["code"] for f in json.loads(first.stdout)["files"][0]["findings"]}
    assert "VEL001" in codes and "BOI001" in codes
    # The desk turns a rule off: the very next check through the daemon knows.
    write(project / ".copydesk.toml", 'extend-rules = ["cards"]\nignore = ["BOI001"]\n')
    second = same(env, "--format", "json", "drafts/tram.md", cwd=project)
    codes = {f["code"] for f in json.loads(second.stdout)["files"][0]["findings"]}
    assert "BOI001" not in codes and "VEL001" in codes
    # And edits its own card.
    card.write_text(card.read_text().replace("severity: warning", "severity: error").replace(
        "Our style:", "Write it our way:"))
    third = same(env, "--format", "json", "drafts/tram.md", cwd=project)
    found = [f for f in json.loads(third.stdout)["files"][0]["findings"] if f["code"] == "VEL001"]
    assert found and found[0]["severity"] == "error" and found[0]["message"].startswith("Write it our way")
    assert status(env)["checks"] == 3


def test_an_idle_daemon_exits_and_status_and_stop_say_what_runs(daemon_env):
    env, folder = daemon_env
    proc = copydesk("daemon", "status", env=env, timeout=60)
    assert proc.returncode == 1 and proc.stdout == b"copydesk daemon: not running\n"
    proc = copydesk("daemon", "stop", env=env, timeout=60)
    assert proc.returncode == 0 and proc.stdout == b"copydesk daemon: not running\n"
    state = start(env, "--idle-timeout", "2")
    assert state["idle_timeout"] == 2
    proc = copydesk("daemon", "start", env=env, timeout=60)  # a second start finds it running
    assert proc.returncode == 0 and proc.stdout.startswith(b"copydesk daemon: running (pid %d" % state["pid"])
    assert wait_for(lambda: not alive(state["pid"]), 60)
    assert not (folder / "daemon.sock").exists()
    assert "stopping: idle for 2 s" in (folder / "daemon.log").read_text()
    state = start(env)
    proc = copydesk("daemon", "stop", env=env, timeout=60)
    assert proc.returncode == 0 and proc.stdout == b"copydesk daemon: stopped (pid %d)\n" % state["pid"]
    assert wait_for(lambda: not alive(state["pid"]), 30) and not (folder / "daemon.sock").exists()


def test_start_daemon_starts_one_for_the_first_check_and_serves_the_next(daemon_env, tmp_path):
    env, _folder = daemon_env
    story = write(tmp_path / "tram.md", STORY)
    alone = copydesk("check", "--no-daemon", str(story), env=env)
    first = copydesk("check", "--start-daemon", str(story), env=env)
    assert (first.returncode, first.stdout, first.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    state = status(env)
    assert state["status"] == "running" and state["checks"] == 1
    second = copydesk("check", "--start-daemon", str(story), env=env)
    assert (second.returncode, second.stdout, second.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    assert status(env)["checks"] == 2 and status(env)["pid"] == state["pid"]
