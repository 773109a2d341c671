"""GitHub Actions workflow commands: one ::error/::warning/::notice annotation per finding."""

from __future__ import annotations

from typing import IO

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _escape(text).replace(":", "%3A").replace(",", "%2C")


def render(results, summary, out: IO[str], **_options) -> None:
    for r in results:
        for f in r.findings:
            out.write(f"::{LEVEL[f.severity]} file={_prop(r.path)},line={f.line},col={f.column},"
                      f"endLine={f.end_line},endColumn={f.end_column},title={_prop(f.code + ' ' + f.rule)}::"
                      f"{_escape(f.message)}\n")
        for e in r.errors:
            out.write(f"::error file={_prop(r.path)}::{_escape(e)}\n")
