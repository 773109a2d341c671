"""A real `copydesk serve` subprocess for the tests that talk to it (test_serve.py, test_desk.py)."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import cli_env


class Server:
    """A `copydesk serve` subprocess; the port is read from its "listening on" line."""

    def __init__(self, cwd: Path, *args: str, env: dict | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "copydesk", "serve", "--port", "0", *args], cwd=cwd,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=cli_env({"COPYDESK_TEST_LOOPBACK": "1", **(env or {})}))
        self.lines: list[str] = []
        self.port = None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline().decode("utf-8", "replace")
            if not line:
                break
            self.lines.append(line)
            m = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if m:
                self.port = int(m.group(1))
                break
        if self.port is None:
            self.proc.kill()
            raise RuntimeError("the server did not start: " + "".join(self.lines))
        self.url = f"http://127.0.0.1:{self.port}"
        # Keep reading stderr so the server never blocks on a full pipe.
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        for raw in self.proc.stderr:
            self.lines.append(raw.decode("utf-8", "replace"))

    def client(self, **kwargs):
        import httpx

        return httpx.Client(base_url=self.url, timeout=120, **kwargs)

    def health(self) -> dict:
        import httpx

        return httpx.get(self.url + "/healthz", timeout=30).json()

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait()
        return self.proc.returncode
