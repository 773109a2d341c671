"""A small real LSP client for the tests: JSON-RPC over a subprocess's stdio, Content-Length framed."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from conftest import cli_env


class LspClient:
    def __init__(self, cwd: Path, *args: str, env: dict | None = None):
        self.proc = subprocess.Popen([sys.executable, "-m", "copydesk", "lsp", *args], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(env))
        self.next_id = 0
        self.responses: dict[int, Any] = {}
        self.notifications: list[dict] = []
        self.server_requests: list[dict] = []
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    # -- wire ----------------------------------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(out.read(length))
            if "id" in message and "method" in message:  # a request from the server
                with self.cond:
                    self.server_requests.append(message)
                self._send({"jsonrpc": "2.0", "id": message["id"], "result": None})
                continue
            with self.cond:
                if "id" in message:
                    self.responses[message["id"]] = message
                else:
                    self.notifications.append(message)
                self.cond.notify_all()

    def request(self, method: str, params: Any, timeout: float = 120) -> Any:
        self.next_id += 1
        ident = self.next_id
        self._send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        with self.cond:
            if not self.cond.wait_for(lambda: ident in self.responses, timeout):
                raise TimeoutError(f"no answer to {method} in {timeout} s; stderr: {self._stderr()}")
            message = self.responses.pop(ident)
        if "error" in message:
            raise RuntimeError(message["error"])
        return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, match: Callable[[dict], bool], timeout: float = 120) -> dict:
        """The first notification (received so far or later) that matches; it is removed from the list."""
        with self.cond:
            found: list[dict] = []

            def ready() -> bool:
                for n in self.notifications:
                    if match(n):
                        found.append(n)
                        return True
                return False

            if not self.cond.wait_for(ready, timeout):
                raise TimeoutError(f"no matching notification in {timeout} s; stderr: {self._stderr()}")
            self.notifications.remove(found[0])
            return found[0]

    def _stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        return self.proc.stderr.read().decode("utf-8", "replace")[-2000:]

    # -- LSP helpers -----------------------------------------------------------------------------------------

    def initialize(self, root: Path) -> dict:
        result = self.request("initialize", {
            "processId": None, "rootUri": root.as_uri(),
            "workspaceFolders": [{"uri": root.as_uri(), "name": root.name}],
            "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
                             "textDocument": {"publishDiagnostics": {"relatedInformation": True},
                                              "hover": {"contentFormat": ["markdown", "plaintext"]}}}})
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str, language: str = "markdown") -> str:
        uri = path.as_uri()
        self.versions[uri] = 1
        self.texts[uri] = text
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1,
                                                              "text": text}})
        return uri

    def change(self, uri: str, text: str) -> int:
        """Replace the whole text (a full-document change event, which incremental servers accept)."""
        self.versions[uri] += 1
        self.texts[uri] = text
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": self.versions[uri]},
                                               "contentChanges": [{"text": text}]})
        return self.versions[uri]

    def edit(self, uri: str, start: tuple[int, int], end: tuple[int, int], new_text: str, result_text: str) -> int:
        """An incremental change (a range replaced), as editors send while someone types."""
        self.versions[uri] += 1
        self.texts[uri] = result_text
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": self.versions[uri]},
            "contentChanges": [{"range": {"start": {"line": start[0], "character": start[1]},
                                          "end": {"line": end[0], "character": end[1]}}, "text": new_text}]})
        return self.versions[uri]

    def diagnostics(self, uri: str, version: int | None = None, timeout: float = 120) -> list[dict]:
        note = self.wait_for(lambda n: n.get("method") == "textDocument/publishDiagnostics"
                             and n["params"]["uri"] == uri
                             and (version is None or n["params"].get("version") == version), timeout)
        return note["params"]["diagnostics"]

    def close(self) -> int:
        try:
            self.request("shutdown", None, timeout=30)
            self.notify("exit", None)
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


def apply_edits(text: str, edits: list[dict]) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to text, last first."""
    lines = text.splitlines(keepends=True) or [""]

    def offset(pos: dict) -> int:
        line, char = pos["line"], pos["character"]
        if line >= len(lines):
            return len(text)
        before = sum(len(x) for x in lines[:line])
        units, i, current = 0, 0, lines[line]
        while units < char and i < len(current):
            units += 2 if ord(current[i]) > 0xFFFF else 1
            i += 1
        return before + i

    for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]), reverse=True):
        a, b = offset(e["range"]["start"]), offset(e["range"]["end"])
        text = text[:a] + e["newText"] + text[b:]
    return text


def wait_until(predicate: Callable[[], bool], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


__all__ = ["LspClient", "apply_edits", "wait_until", "queue"]
