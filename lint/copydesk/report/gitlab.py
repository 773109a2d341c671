"""GitLab Code Quality report: a JSON list of issues with stable fingerprints (the artifacts:reports:codequality format)."""

from __future__ import annotations

import json
from typing import IO

from copydesk.report.fingerprint import fingerprints

SEVERITY = {"error": "critical", "warning": "major", "info": "info"}


def render(results, summary, out: IO[str], **_options) -> None:
    issues = []
    for r in results:
        path = r.path.replace("\\", "/")
        for f, fp in zip(r.findings, fingerprints(r)):
            issues.append({
                "type": "issue",
                "check_name": f"{f.code} {f.rule}",
                "description": f"{f.code} {f.message}",
                "categories": ["Style"],
                "severity": SEVERITY[f.severity],
                "fingerprint": fp,
                "location": {"path": path, "positions": {"begin": {"line": f.line, "column": f.column},
                                                         "end": {"line": f.end_line, "column": f.end_column}}},
            })
    json.dump(issues, out, ensure_ascii=False, indent=2)
    out.write("\n")
