"""The check daemon's client: send a `copydesk check` to a running daemon and print its report, or say why not
and let the caller check in-process; and `copydesk daemon start|stop|status`. Standard library only, so that a
check with no daemon up pays for a stat() and nothing more."""

from __future__ import annotations

import errno
import fcntl
import os
import socket
import sys
import time
from contextlib import contextmanager

from copydesk import daemon as shared
from copydesk import version

ACK_TIMEOUT = 3.0  # seconds for a live daemon to acknowledge a check; a stopped or wedged one is given up on
START_TIMEOUT = 120.0  # seconds for a new daemon to load the model and answer
LOG_LIMIT = 1024 * 1024  # the daemon's log is started afresh past this size


class Fallback(Exception):
    """The daemon could not give the report; the message (possibly empty) is said on stderr before the check
    runs in-process."""


def check(argv: list[str], start: bool = False) -> tuple[int | None, bytes | None]:
    """Run `copydesk check` with these arguments in the daemon and print its report and notes as the check
    would: the exit code, or None when the caller must check in-process (no daemon, or it could not answer;
    anything worth saying has been said on stderr, in one line). Also stdin's bytes, if they were read for the
    daemon: the check in-process must use them."""
    read: list[bytes] = []
    try:
        return _check(argv, start, read), None
    except Fallback as exc:
        if str(exc):
            print(f"copydesk: {exc}; checked in-process", file=sys.stderr)
        return None, read[0] if read else None


def _check(argv: list[str], start: bool, read: list[bytes]) -> int:
    try:
        path = shared.socket_path()
    except shared.DaemonError as exc:
        raise Fallback(str(exc) if start else "") from None
    if not start and not os.path.exists(path):
        raise Fallback("")  # no daemon: the usual case, and nothing to say
    request = _request(argv)
    for attempt in (1, 2):
        conn = _connect(path)
        if conn is None:
            stale = _remove_stale(path)
            if not start:
                raise Fallback("the daemon is not running (its stale socket was removed)" if stale else "")
            try:
                _spawn(shared.DEFAULT_IDLE_TIMEOUT)
            except shared.DaemonError as exc:
                raise Fallback(str(exc)) from None
            conn = _connect(path)
            if conn is None:
                raise Fallback("the daemon did not start")
        with conn:
            try:
                shared.send(conn, request)
                conn.settimeout(ACK_TIMEOUT)
                received = shared.receive(conn)
            except socket.timeout:
                raise Fallback(f"the daemon did not answer within {ACK_TIMEOUT:g} s") from None
            except (OSError, ValueError):
                received = None
            if received is None:
                raise Fallback("the daemon closed the connection")
            ack = received[0]
            if ack.get("status") == "stale":
                # It stops itself; with the opt-in a daemon of this copydesk takes its place.
                _wait_gone(path, 10.0)
                if start and attempt == 1:
                    continue
                raise Fallback(f"the daemon was copydesk {ack.get('version')} ({ack.get('why')}); it stopped")
            if ack.get("status") != "accepted":
                raise Fallback(f"the daemon refused the check: {ack.get('why', ack.get('status'))}")
            conn.settimeout(None)  # a long check is not a dead daemon: a dead one closes the socket
            try:
                received = shared.receive(conn)
                if received is not None and received[0].get("status") == "stdin":
                    read.append(sys.stdin.buffer.read())
                    shared.send(conn, {"status": "stdin"}, read[0])
                    received = shared.receive(conn)
            except (OSError, ValueError):
                received = None
        if received is None:
            raise Fallback("the daemon stopped before it answered")
        answer, said = received
        if answer.get("status") == "declined":
            raise Fallback("")  # --debug spelt short, or a large run, which worker processes check faster
        if answer.get("status") != "done":
            raise Fallback(f"the daemon failed: {answer.get('why', answer.get('status'))}")
        split = int(answer["stderr_bytes"])
        _write(sys.stderr, said[:split])
        _write(sys.stdout, said[split:])
        return int(answer["code"])
    raise Fallback("the daemon could not be replaced")


def _request(argv: list[str]) -> dict:
    env = dict(os.environ)
    if "COLUMNS" not in env:
        # The report is as wide as this terminal, which the daemon cannot see: rich reads COLUMNS first, then
        # the size of the first standard stream that is a terminal, as here.
        for fd in (0, 1, 2):
            try:
                size = os.get_terminal_size(fd)
            except OSError:
                continue
            env["COLUMNS"], env["LINES"] = str(size.columns), str(size.lines)
            break
    umask = os.umask(0)
    os.umask(umask)
    return {"op": "check", "protocol": shared.PROTOCOL, "version": version.__version__, "argv": argv,
            "cwd": os.getcwd(), "env": env, "umask": umask,
            "stdout_tty": _isatty(sys.stdout), "stdout_encoding": getattr(sys.stdout, "encoding", None),
            "stdout_errors": getattr(sys.stdout, "errors", None),
            "stderr_encoding": getattr(sys.stderr, "encoding", None),
            "stderr_errors": getattr(sys.stderr, "errors", None)}


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _write(stream, data: bytes) -> None:
    if not data:
        return
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        buffer.write(data)
        buffer.flush()
    else:  # a caller's text stream (tests capture this way): decode as the daemon encoded it
        stream.write(data.decode(getattr(stream, "encoding", None) or "utf-8", "replace"))
        stream.flush()


def _connect(path: str) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(1.0)
    try:
        conn.connect(path)
    except (FileNotFoundError, ConnectionRefusedError, socket.timeout):
        conn.close()
        return None
    except OSError as exc:
        conn.close()
        if exc.errno in (errno.ENOENT, errno.ECONNREFUSED, errno.EACCES, errno.ENOTSOCK):
            return None
        raise
    return conn


@contextmanager
def _daemon_lock(folder: str):
    """The folder's daemon lock if no daemon holds it (yields True, and releases it after), else yields False.
    A daemon holds it for as long as it lives."""
    try:
        lock = open(os.path.join(folder, "daemon.lock"), "a+")
    except OSError:
        yield False
        return
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _lock_free(folder: str) -> bool:
    with _daemon_lock(folder) as free:
        return free


def _remove_stale(path: str) -> bool:
    """Remove a socket no daemon listens on (one that died without cleaning up); only while holding the lock,
    so a daemon that is just starting never loses its socket."""
    with _daemon_lock(os.path.dirname(path)) as free:
        if free and os.path.exists(path) and _connect(path) is None:
            try:
                os.unlink(path)
                return True
            except OSError:
                pass
    return False


def _wait_gone(path: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _lock_free(os.path.dirname(path)):
            return True
        time.sleep(0.02)
    return False


def _ask(message: dict, timeout: float = ACK_TIMEOUT) -> dict | None:
    conn = _connect(shared.socket_path())
    if conn is None:
        return None
    with conn:
        try:
            conn.settimeout(timeout)
            shared.send(conn, message)
            received = shared.receive(conn)
        except (OSError, ValueError):
            return None
        return received[0] if received else None


def _spawn(idle_timeout: float) -> dict:
    """Start a daemon in the background and wait until it answers: its status."""
    import subprocess

    folder = shared.daemon_dir()
    log = os.path.join(folder, "daemon.log")
    try:
        if os.stat(log).st_size > LOG_LIMIT:
            os.unlink(log)
    except OSError:
        pass
    with open(log, "ab") as err:
        starter = subprocess.Popen([sys.executable, "-m", "copydesk.daemon.server", "--detach",
                                    "--idle-timeout", repr(idle_timeout)],
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                   start_new_session=True, close_fds=True)
    code = starter.wait()  # the starter forks the daemon and exits at once
    if code not in (0, 3):  # 3: another start won the race, and its daemon will answer
        raise shared.DaemonError(f"the daemon could not start (exit {code}; see {log})")
    # A daemon that won a race answers within seconds; a new one may take as long as the model takes to load.
    deadline = time.monotonic() + (10.0 if code == 3 else START_TIMEOUT)
    while time.monotonic() < deadline:
        state = _ask({"op": "status"})
        if state is not None and state.get("status") == "running":
            return state
        if _lock_free(folder):  # nobody holds the lock: the daemon died while starting
            raise shared.DaemonError(f"the daemon stopped while starting; see {log}")
        time.sleep(0.05)
    raise shared.DaemonError(f"the daemon did not answer within {START_TIMEOUT:g} s; see {log}")


# -- copydesk daemon start|stop|status ----------------------------------------------------------------------

def status() -> dict | None:
    state = _ask({"op": "status"})
    return state if state is not None and state.get("status") == "running" else None


def start(idle_timeout: float = shared.DEFAULT_IDLE_TIMEOUT, wait_ready: bool = True) -> tuple[dict, str]:
    """Start a daemon unless one of this copydesk runs (one of another version is stopped first): its status
    and what happened ("started", "running" or "replaced")."""
    state = status()
    what = "started"
    if state is not None:
        if (state.get("version") == version.__version__ and state.get("protocol") == shared.PROTOCOL
                and not state.get("code_changed")):
            return state, "running"
        stop()
        what = "replaced"
    elif _lock_holder(shared.daemon_dir()) is not None:
        stop()  # alive but not answering this copydesk's protocol
        what = "replaced"
    elif os.path.exists(shared.socket_path()):
        _remove_stale(shared.socket_path())
    state = _spawn(idle_timeout)
    deadline = time.monotonic() + START_TIMEOUT
    while wait_ready and not state.get("ready") and time.monotonic() < deadline:
        time.sleep(0.05)
        state = status() or state
    return state, what


def stop(timeout: float = 10.0) -> dict | None:
    """Stop the running daemon (asked, then SIGTERM, then SIGKILL): its last status (only its pid when it does not
    speak this copydesk's protocol), or None if none ran."""
    import signal

    path = shared.socket_path()
    state = status()
    pid = state.get("pid") if state else _lock_holder(os.path.dirname(path))
    if pid is None:
        if os.path.exists(path):
            _remove_stale(path)
        return None
    if state is not None:
        _ask({"op": "stop"})
    if state is None or not _wait_gone(path, timeout):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.kill(int(pid), sig)
            except (ProcessLookupError, PermissionError, ValueError):
                break
            if _wait_gone(path, 5.0):
                break
    _remove_stale(path)
    return state or {"pid": pid}


def _lock_holder(folder: str) -> int | None:
    """The pid of a daemon that holds the folder's lock but does not answer as this copydesk expects (another
    version's protocol, or wedged), from the lock file it wrote; None when no daemon holds the lock."""
    if _lock_free(folder):
        return None
    try:
        with open(os.path.join(folder, "daemon.lock"), encoding="ascii") as lock:
            return int(lock.read().strip() or 0) or None
    except (OSError, ValueError):
        return None
