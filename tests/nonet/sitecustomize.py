"""Loaded by every Python subprocess the tests start (via PYTHONPATH): sockets refuse to connect."""

import socket


def _refuse(*_args, **_kwargs):
    raise OSError("network access is blocked in copydesk's tests")


socket.socket.connect = _refuse  # type: ignore[method-assign]
socket.socket.connect_ex = _refuse  # type: ignore[method-assign]
socket.create_connection = _refuse  # type: ignore[assignment]
