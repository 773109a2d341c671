"""Loaded by every Python subprocess the tests start (via PYTHONPATH): sockets refuse to connect.

A test that starts a local Dask cluster sets COPYDESK_TEST_LOOPBACK=1: then 127.0.0.1 (and only it) is
reachable, as the scheduler and its workers need; everything else is still refused. Unix sockets (a file on
this machine, the check daemon's) are inter-process calls, not network, and always connect."""

import os
import socket

_LOOPBACK = ("127.0.0.1", "localhost", "::1")
_real = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection)


def _loopback(address) -> bool:
    return os.environ.get("COPYDESK_TEST_LOOPBACK") == "1" and isinstance(address, tuple) and address[0] in _LOOPBACK


def _refuse(*_args, **_kwargs):
    raise OSError("network access is blocked in copydesk's tests")


def _local(sock) -> bool:
    return getattr(socket, "AF_UNIX", None) is not None and sock.family == socket.AF_UNIX


def _connect(sock, address, *args, **kwargs):
    return _real[0](sock, address, *args, **kwargs) if _local(sock) or _loopback(address) else _refuse()


def _connect_ex(sock, address, *args, **kwargs):
    return _real[1](sock, address, *args, **kwargs) if _local(sock) or _loopback(address) else _refuse()


def _create_connection(address, *args, **kwargs):
    return _real[2](address, *args, **kwargs) if _loopback(address) else _refuse()


socket.socket.connect = _connect  # type: ignore[method-assign]
socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
socket.create_connection = _create_connection  # type: ignore[assignment]
