"""The check daemon: one warm process per user that runs `copydesk check` for its clients over a private Unix
socket, so a pre-commit hook pays neither the imports nor the model load (`copydesk daemon start`).

Layout: a thread accepts connections, checks who is calling (the same user only) and whether the client is the
same copydesk, and acknowledges each check at once; the main thread runs the checks one at a time, each as a
fresh process would (the client's folder, environment, umask, stdin and terminal), through the same
check_command.cmd_check as the command line, so the report is the same byte for byte. Only what does not depend
on the client is kept warm: imported code, the model, the rule cards (reloaded when a card file changes) and a
bounded cache of parses."""

from __future__ import annotations

import argparse
import fcntl
import io
import os
import queue
import signal
import socket
import struct
import sys
import threading
import time
from copydesk import daemon as shared
from copydesk.version import __version__

MAX_FILES_IN_DAEMON = 32  # more files than this, with --jobs above 1, are checked faster in worker processes
PARSE_CACHE_CHARS = 4_000_000  # about 660 drafts of 1,000 words (benchmarks/warm.py measures what a character costs)


class _Capture(io.TextIOWrapper):
    """What a check prints, encoded as the client's own stream would encode it; says it is a terminal when the
    client's stream is one (the text report colours itself by that)."""

    def __init__(self, encoding: str, errors: str, tty: bool):
        super().__init__(io.BytesIO(), encoding=encoding or "utf-8", errors=errors or "strict", write_through=True)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty

    def value(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()


class Daemon:
    def __init__(self, folder: str, idle_timeout: float):
        self.folder = folder
        self.path = os.path.join(folder, "daemon.sock")
        self.idle_timeout = idle_timeout
        self.jobs: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self.ready = threading.Event()
        self.started = time.time()
        self.last_active = time.monotonic()
        self.checks = 0
        self.parse_cache = None
        self.code = _code_fingerprint()
        self._cards_stamp: tuple = ()
        self._listener: socket.socket | None = None
        self._inode = 0

    # -- the socket -----------------------------------------------------------------------------------------

    def bind(self) -> None:
        """Listen on the socket (the caller holds the daemon lock, so whatever is at the path is stale)."""
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o177)  # the socket is born 0600: no moment when another user could connect
        try:
            listener.bind(self.path)
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        listener.listen(64)
        listener.settimeout(0.5)
        self._listener = listener
        self._inode = os.stat(self.path).st_ino

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        try:
            if os.stat(self.path).st_ino == self._inode:  # never remove a newer daemon's socket
                os.unlink(self.path)
        except OSError:
            pass

    def accept_forever(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                if self.stopping.is_set():
                    return
                continue
            try:
                self._answer(conn)
            except Exception as exc:  # a broken client never takes the daemon down
                log(f"bad request: {type(exc).__name__}: {exc}")
                conn.close()

    def _answer(self, conn: socket.socket) -> None:
        conn.settimeout(5.0)
        if _peer_uid(conn) != os.getuid():
            log("refused a connection from another user")
            conn.close()
            return
        received = shared.receive(conn)
        if received is None:
            conn.close()
            return
        request = received[0]
        self.last_active = time.monotonic()
        op = request.get("op")
        if op == "status":
            shared.send(conn, self.status())
            conn.close()
        elif op == "stop":
            shared.send(conn, {"status": "stopping", "pid": os.getpid()})
            conn.close()
            self.stop("asked to stop")
        elif op == "check":
            stale = self._stale(request)
            if stale:
                shared.send(conn, {"status": "stale", "version": __version__, "why": stale})
                conn.close()
                self.stop(f"stale: {stale}")
                return
            shared.send(conn, {"status": "accepted", "pid": os.getpid()})
            conn.settimeout(None)
            self.jobs.put((conn, request))
        else:
            shared.send(conn, {"status": "error", "why": f"unknown op {op!r}"})
            conn.close()

    def _stale(self, request: dict) -> str:
        if request.get("protocol") != shared.PROTOCOL or request.get("version") != __version__:
            return f"the client is copydesk {request.get('version')}, the daemon {__version__}"
        if _code_fingerprint() != self.code:
            return "copydesk's code or rule cards changed on disk since the daemon started"
        return ""

    def status(self) -> dict:
        return {"status": "running", "pid": os.getpid(), "version": __version__, "protocol": shared.PROTOCOL,
                "socket": self.path, "log": os.path.join(self.folder, "daemon.log"), "ready": self.ready.is_set(),
                "uptime": round(time.time() - self.started, 1), "checks": self.checks,
                "idle_timeout": self.idle_timeout, "waiting": self.jobs.qsize(),
                "code_changed": _code_fingerprint() != self.code,
                "parse_cache_chars": self.parse_cache.chars if self.parse_cache is not None else 0}

    def stop(self, why: str) -> None:
        if not self.stopping.is_set():
            log(f"stopping: {why}")
        self.stopping.set()
        self.jobs.put(None)

    # -- the checks -----------------------------------------------------------------------------------------

    def warm_up(self) -> None:
        """Import the rules and load the model the default settings use, so the first check is as quick as the
        rest. Errors here are the first check's to report, in its own words."""
        from copydesk.api import Linter
        from copydesk.nlp import ParseCache
        from copydesk.quiet import quiet_third_parties

        quiet_third_parties()
        self.parse_cache = ParseCache(PARSE_CACHE_CHARS)
        try:
            Linter(False, warm=False).check_text("The council met on Tuesday. It agreed the budget.\n",
                                                 path="warm-up.md")
        except Exception as exc:
            log(f"warm-up failed: {type(exc).__name__}: {exc}")
        self._cards_stamp = _cards_stamp()
        self.ready.set()
        log("ready")

    def serve_checks(self) -> None:
        while not self.stopping.is_set():
            idle_left = self.idle_timeout - (time.monotonic() - self.last_active)
            if idle_left <= 0 and self.jobs.empty():
                self.stop(f"idle for {self.idle_timeout:g} s")
                break
            try:
                job = self.jobs.get(timeout=max(0.05, min(idle_left, 0.5)))
            except queue.Empty:
                continue
            if job is None:
                continue
            conn, request = job
            started = time.perf_counter()
            log(f"check started: {len(request.get('argv', []))} argument(s) in {request.get('cwd')}")
            try:
                answer = self.run_check(conn, request)
            except (OSError, ValueError) as exc:  # the client went away while sending stdin
                log(f"check abandoned: {type(exc).__name__}: {exc}")
                conn.close()
                continue
            self.checks += 1
            self.last_active = time.monotonic()
            log(f"check done: {answer[0]['status']} exit {answer[0].get('code')} in "
                f"{time.perf_counter() - started:.3f} s")
            try:
                shared.send(conn, *answer)
            except OSError:
                pass  # the client gave up (Ctrl-C); nothing to tell
            finally:
                conn.close()

    def run_check(self, conn: socket.socket, request: dict) -> tuple[dict, bytes]:
        """One check, as a fresh `copydesk check` process in the client's place would run it: the answer, and
        what the check wrote on stderr and then on stdout."""
        from copydesk.arguments import parse
        from copydesk.check_command import UsageError, cmd_check, report_error
        from copydesk.files import MissingPath, iter_files

        saved_cwd = os.getcwd()
        saved_env = dict(os.environ)
        saved_umask = os.umask(int(request.get("umask", 0o022)))
        saved_streams = sys.stdin, sys.stdout, sys.stderr
        out = _Capture(request.get("stdout_encoding"), request.get("stdout_errors"), bool(request.get("stdout_tty")))
        # stderr never claims a terminal: a progress bar drawn here would be replayed, whole, after the fact.
        err = _Capture(request.get("stderr_encoding"), request.get("stderr_errors"), False)

        def answer(code: int) -> tuple[dict, bytes]:
            said = err.value()
            return {"status": "done", "code": code, "stderr_bytes": len(said)}, said + out.value()

        try:
            try:
                os.chdir(request["cwd"])
            except OSError:
                return {"status": "declined", "why": "the client's folder is gone"}, b""
            os.environ.clear()
            os.environ.update(request["env"])
            sys.stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
            sys.stdout, sys.stderr = out, err
            try:
                _parser, args = parse(list(request["argv"]))
            except UsageError as exc:
                print(f"copydesk: error: {exc}", file=sys.stderr)  # as the command line says it
                return answer(2)
            except SystemExit:  # --help spelt short: argparse prints help and exits; let the client do that
                return {"status": "declined", "why": "help"}, b""
            if args.command != "check" or args.no_daemon or args.debug:
                return {"status": "declined", "why": "not for the daemon"}, b""
            many = False
            if args.jobs > 1 and any(os.path.isdir(p) for p in args.paths):
                try:  # folders: count what the check would read (named files count as they are)
                    many = sum(1 for _ in iter_files(args.paths, lambda p: False)) > MAX_FILES_IN_DAEMON
                except (MissingPath, OSError):
                    pass  # the check itself says what is missing, in its own words
            elif args.jobs > 1:
                many = len(args.paths) > MAX_FILES_IN_DAEMON
            if many:
                return {"status": "declined", "why": "a large run is faster in worker processes"}, b""
            args.jobs = 1  # worker processes are never forked from the daemon: it runs threads
            stdin_data = None
            if "-" in args.paths:
                shared.send(conn, {"status": "stdin"})
                received = shared.receive(conn)
                if received is None:
                    raise ValueError("the client closed before sending stdin")
                stdin_data = received[1]
            self._new_run()
            try:
                code = cmd_check(args, stdin_data=stdin_data, parse_cache=self.parse_cache)
            except Exception as exc:
                code = report_error(exc, False)
            return answer(code)
        finally:
            sys.stdin, sys.stdout, sys.stderr = saved_streams
            os.environ.clear()
            os.environ.update(saved_env)
            os.umask(saved_umask)
            os.chdir(saved_cwd)

    def _new_run(self) -> None:
        """What a fresh process would not know: config files are looked for afresh (one may have been created),
        engines that failed last time are tried again, and edited rule cards are read again."""
        from copydesk.config import forget_config_locations

        forget_config_locations()
        engine = sys.modules.get("copydesk.languagetool")
        if engine is not None:
            engine.new_run()
        stamp = _cards_stamp()
        if stamp != self._cards_stamp:
            from copydesk.registry import load_registry

            load_registry.cache_clear()
            self._cards_stamp = _cards_stamp()
            log("rule cards changed: reloaded")


def _code_fingerprint() -> str:
    from copydesk.run import _code_fingerprint as fingerprint

    return fingerprint.__wrapped__()  # recomputed: the cached value is the one this process started with


def _cards_stamp() -> tuple:
    """Name, size and modification time of every file in the extra card folders loaded so far (copydesk's own
    cards are part of the code fingerprint)."""
    from copydesk.registry import LOADED_FOLDERS

    out = []
    for folder in sorted(LOADED_FOLDERS):
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                try:
                    st = os.stat(os.path.join(root, name))
                except OSError:
                    continue
                out.append((root, name, st.st_size, st.st_mtime_ns))
        out.append((folder, os.path.isdir(folder)))
    return tuple(out)


def _peer_uid(conn: socket.socket) -> int:
    if hasattr(socket, "SO_PEERCRED"):
        _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED,
                                                              struct.calcsize("3i")))
        return uid
    return os.getuid()  # elsewhere the socket's 0600 mode and the 0700 folder are the guard


def log(message: str) -> None:
    stream = sys.__stderr__
    if stream is not None:
        stream.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} [{os.getpid()}] {message}\n")
        stream.flush()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m copydesk.daemon.server")
    parser.add_argument("--idle-timeout", type=float, default=shared.DEFAULT_IDLE_TIMEOUT)
    parser.add_argument("--detach", action="store_true", help="fork into the background once the lock is held")
    args = parser.parse_args(argv)
    try:
        folder = shared.daemon_dir()
    except shared.DaemonError as exc:
        print(f"copydesk: error: {exc}", file=sys.stderr)
        return 2
    lock = open(os.path.join(folder, "daemon.lock"), "a+")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held for the daemon's life: one daemon per folder
    except BlockingIOError:
        print("copydesk: a daemon already runs", file=sys.stderr)
        return 3
    if args.detach:
        if os.fork():
            os._exit(0)  # the starter waits for this one; the daemon lives on in the child, lock and all
        os.setsid()
    os.chdir("/")  # hold no client's folder open
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
    lock.seek(0)
    lock.truncate()
    lock.write(f"{os.getpid()}\n")
    lock.flush()
    daemon = Daemon(folder, args.idle_timeout)

    def terminate(signum, frame):
        daemon.stop(f"signal {signum}")
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        daemon.bind()
        log(f"copydesk {__version__} daemon listening on {daemon.path} (exits after {args.idle_timeout:g} s idle)")
        acceptor = threading.Thread(target=daemon.accept_forever, name="copydesk-daemon-accept", daemon=True)
        acceptor.start()
        daemon.warm_up()
        daemon.serve_checks()
    except SystemExit:
        pass
    finally:
        daemon.stopping.set()
        daemon.close()
        log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
