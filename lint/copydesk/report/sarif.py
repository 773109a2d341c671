"""SARIF 2.1.0 log, for code-scanning dashboards: one run, rules from the cards, one result per finding."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import IO
from urllib.parse import quote

from copydesk.version import __version__
from copydesk.report.fingerprint import fingerprints

LEVEL = {"error": "error", "warning": "warning", "info": "note"}
SRCROOT = "%SRCROOT%"


def artifact_location(path: str) -> dict:
    """A relative URI reference under %SRCROOT% (the working folder) for a file inside it, percent-encoded
    ("my draft, 100%.md" is "my%20draft%2C%20100%25.md"); an absolute file: URI for one outside it."""
    if path.startswith("<"):  # <stdin>
        return {"uri": quote(path.strip("<>"))}
    full = Path(path).absolute()
    try:
        rel = full.relative_to(Path.cwd())
    except ValueError:
        return {"uri": full.as_uri()}
    return {"uri": quote(PurePosixPath(*rel.parts).as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _rule(card) -> dict:
    from copydesk.explain import explain_text

    return {"id": card.code, "name": card.name, "shortDescription": {"text": card.name.replace("-", " ")},
            "fullDescription": {"text": card.why},
            "help": {"text": card.why, "markdown": explain_text(card)},
            "defaultConfiguration": {"level": LEVEL[card.severity]},
            "properties": {"category": card.category, "tags": [card.category]}}


def render(results, summary, out: IO[str], *, cards=(), **_options) -> None:
    rules = [_rule(c) for c in cards]
    index = {c.code: i for i, c in enumerate(cards)}
    sarif_results = []
    for r in results:
        location = artifact_location(r.path)
        for f, fp in zip(r.findings, fingerprints(r)):
            item = {
                "ruleId": f.code,
                "level": LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": location,
                    "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line,
                               "endColumn": f.end_column},
                }}],
                "partialFingerprints": {"copydeskFindingHash/v2": fp},
                "properties": {"confidence": round(f.confidence, 2), "category": f.category},
            }
            if f.code in index:
                item["ruleIndex"] = index[f.code]
            sarif_results.append(item)
    notifications = [{"level": "error", "message": {"text": e}, "locations": [{"physicalLocation": {
        "artifactLocation": artifact_location(r.path)}}]} for r in results for e in r.errors]
    run = {"tool": {"driver": {"name": "copydesk", "version": __version__, "rules": rules}},
           "originalUriBaseIds": {SRCROOT: {"uri": Path(os.getcwd()).as_uri() + "/"}},
           "columnKind": "unicodeCodePoints",
           "invocations": [{"executionSuccessful": not any(r.errors for r in results),
                            "toolExecutionNotifications": notifications}],
           "results": sarif_results}
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    json.dump(log, out, ensure_ascii=False, indent=2)
    out.write("\n")
