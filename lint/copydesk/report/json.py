"""JSON report, version 1 (schema in docs/json-report.md): every file checked, with or without findings."""

from __future__ import annotations

import json
from typing import IO

from copydesk.report.fingerprint import fingerprints
from copydesk.version import __version__

SCHEMA_VERSION = 1


def render(results, summary, out: IO[str], **_options) -> None:
    json.dump(report_dict(results, summary), out, ensure_ascii=False, indent=2)
    out.write("\n")


def report_dict(results, summary) -> dict:
    """The report as a dict: what --format json prints, and what `copydesk serve` answers."""
    return {
        "version": SCHEMA_VERSION,
        "tool": {"name": "copydesk", "version": __version__},
        "files": [
            {
                "path": r.path,
                "words": r.words,
                "score": r.score,
                "readability": r.readability,
                "genre": r.genre,
                "findings": [dict(f.to_json(), fingerprint=fp) for f, fp in zip(r.findings, fingerprints(r))],
                "errors": r.errors,
                "notices": r.notices,
                "skipped": r.skipped,
            }
            for r in results
        ],
        "summary": summary.to_json(),
    }
