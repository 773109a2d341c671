"""The check daemon's shared parts: where its socket lives (a private folder of the user's) and how a message
is framed. Standard library only, and few modules of it: a check that finds no daemon pays for a stat(), and
one that finds one pays little more than Python's own start."""

from __future__ import annotations

import json
import os
import socket
import stat
import struct

PROTOCOL = 1
MAX_MESSAGE = 1 << 30  # a report for a large run fits; a corrupt length prefix does not allocate more
DEFAULT_IDLE_TIMEOUT = 3600.0  # seconds without a request before the daemon exits (daemon start --idle-timeout)
_LONGEST_SOCKET_PATH = 100  # sun_path holds 108 bytes on Linux and 104 on macOS
_HEAD = struct.Struct(">II")  # the JSON part's length, then the raw bytes' length


class DaemonError(Exception):
    """The daemon's folder cannot be made private, or the daemon could not be started; one line for the user."""


def daemon_dir() -> str:
    """The folder of the socket, the lock and the log: $COPYDESK_DAEMON_DIR, else $XDG_RUNTIME_DIR/copydesk (a
    per-user folder the system empties at logout), else the user cache's daemon/ folder. Made 0700; refused
    when another user owns it, or when it is a link."""
    chosen = os.environ.get("COPYDESK_DAEMON_DIR")
    if not chosen:
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        if runtime and os.path.isdir(runtime):
            chosen = os.path.join(runtime, "copydesk")
        else:
            from copydesk.paths import user_cache_dir

            chosen = str(user_cache_dir() / "daemon")
    if len(os.path.join(chosen, "daemon.sock")) > _LONGEST_SOCKET_PATH:
        chosen = os.path.join("/tmp", f"copydesk-daemon-{os.getuid()}")
    return private_folder(chosen)


def private_folder(folder: str) -> str:
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError as exc:
        raise DaemonError(f"cannot make the daemon folder {folder}: {(exc.strerror or str(exc)).lower()}") from None
    if not stat.S_ISDIR(info.st_mode):
        raise DaemonError(f"the daemon folder {folder} is not a folder (a link or a file is in its place)")
    if info.st_uid != os.getuid():
        raise DaemonError(f"the daemon folder {folder} belongs to another user")
    if info.st_mode & 0o077:
        os.chmod(folder, 0o700)  # ours, but made under a looser umask: tighten it before a socket goes in
    return folder


def socket_path() -> str:
    return os.path.join(daemon_dir(), "daemon.sock")


def available() -> bool:
    """Whether a daemon's socket is there to try (a stat(): what a check with no daemon pays)."""
    try:
        return os.path.exists(socket_path())
    except DaemonError:
        return False


def send(conn: socket.socket, message: dict, data: bytes = b"") -> None:
    """A JSON object and, after it, raw bytes (a report, stdin) that JSON would have to escape."""
    head = json.dumps(message, separators=(",", ":")).encode("utf-8")
    conn.sendall(_HEAD.pack(len(head), len(data)) + head + data)


def receive(conn: socket.socket) -> tuple[dict, bytes] | None:
    """The next message and its bytes, or None when the other side closed before sending one whole."""
    head = _exactly(conn, _HEAD.size)
    if head is None:
        return None
    size, data_size = _HEAD.unpack(head)
    if size + data_size > MAX_MESSAGE:
        raise ValueError(f"a message of {size + data_size} bytes is over the limit")
    body = _exactly(conn, size + data_size)
    if body is None:
        return None
    message = json.loads(body[:size].decode("utf-8"))
    if not isinstance(message, dict):
        raise ValueError("a message is not a JSON object")
    return message, body[size:]


def _exactly(conn: socket.socket, size: int) -> bytes | None:
    chunks, got = [], 0
    while got < size:
        chunk = conn.recv(min(size - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
