"""SARIF 2.1.0 log, for code-scanning dashboards: one run, rules from the cards, one result per finding."""

from __future__ import annotations

import json
from typing import IO

from copydesk import __version__

LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render(results, summary, out: IO[str], *, cards=(), **_options) -> None:
    rules = [{"id": c.code, "name": c.name, "shortDescription": {"text": c.name.replace("-", " ")},
              "fullDescription": {"text": c.why}, "defaultConfiguration": {"level": LEVEL[c.severity]},
              "properties": {"category": c.category}} for c in cards]
    index = {c.code: i for i, c in enumerate(cards)}
    sarif_results = []
    for r in results:
        for f in r.findings:
            item = {
                "ruleId": f.code,
                "level": LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": {"uri": r.path},
                    "region": {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line,
                               "endColumn": f.end_column},
                }}],
                "properties": {"confidence": round(f.confidence, 2), "category": f.category},
            }
            if f.code in index:
                item["ruleIndex"] = index[f.code]
            sarif_results.append(item)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "copydesk", "version": __version__, "rules": rules}},
                  "results": sarif_results}],
    }
    json.dump(log, out, ensure_ascii=False, indent=2)
    out.write("\n")
