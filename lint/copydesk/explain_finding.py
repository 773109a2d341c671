"""`copydesk explain-finding`: why one finding has the confidence it has, feature by feature."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from copydesk.check_command import EXIT_OK, UsageError


def _pick(result, fingerprints: list[str], where: str, code: str | None):
    """The finding named by a fingerprint (or its first characters) or by LINE[:COLUMN], with an optional code."""
    line, column = None, None
    if where and where.replace(":", "").isdigit():
        parts = where.split(":")
        line = int(parts[0])
        column = int(parts[1]) if len(parts) > 1 and parts[1] else None
    hits = []
    for f, fp in zip(result.findings, fingerprints):
        if code and f.code != code.upper() and f.rule != code:
            continue
        if line is not None:
            if f.line <= line <= f.end_line and (column is None or f.line != line or f.column <= column):
                hits.append((f, fp))
        elif fp.startswith(where):
            hits.append((f, fp))
    return hits


def cmd_explain_finding(args) -> int:
    from copydesk.api import Linter
    from copydesk.evidence import describe
    from copydesk.report.fingerprint import fingerprints

    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"{args.file}: no such file")
    linter = Linter(args.config, warm=False)
    result = linter.check_file(path)
    if result.errors:
        raise UsageError(f"{args.file}: {result.errors[0]}")
    fps = fingerprints(result)
    hits = _pick(result, fps, args.finding, args.code)
    if not hits:
        raise UsageError(f"no finding at {args.finding!r} in {args.file}" + (f" for {args.code}" if args.code else "")
                         + " (give LINE, LINE:COLUMN or a fingerprint from the JSON report)")
    cards = {c.code: c for c in linter.cards_for(str(path))}
    out = []
    for f, fp in hits:
        card = cards.get(f.code)
        rm = card.verifier if card is not None else None
        item = {"code": f.code, "rule": f.rule, "line": f.line, "column": f.column, "fingerprint": fp,
                "severity": f.severity, "advisory": f.advisory, "confidence": round(f.confidence, 3),
                "flagged": f.excerpt, "message": f.message}
        if rm is not None and f.features is not None:
            _, parts = rm.model.logit(f.code, f.features)
            parts.sort(key=lambda t: -abs(t[2]))
            item["verifier"] = {
                "model": rm.key, "threshold": rm.threshold if rm.threshold <= 1 else None,
                "blocks_at": card.advisory_below if card.advisory_below <= 1 else None,
                "base": round(rm.model.bias + dict(rm.model.rule_bias).get(f.code, 0.0), 3),
                "features": [{"feature": n, "value": round(x, 3), "weight": round(c, 3), "meaning": describe(n)}
                             for n, x, c in parts if abs(c) >= 0.005]}
        else:
            item["verifier"] = None
            item["never"] = card is not None and card.advisory_below > 1
        out.append(item)
    if args.format == "json":
        json.dump(out, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    w = sys.stdout.write
    for item in out:
        w(f"{item['code']} {item['rule']} at {args.file}:{item['line']}:{item['column']}  \u201c{item['flagged']}\u201d\n")
        w(f"  {item['message']}\n")
        state = "advisory (info): does not block" if item["advisory"] else f"{item['severity']}"
        w(f"  confidence {item['confidence']:.2f}, {state}\n")
        v = item["verifier"]
        if v is None:
            card_line = ("it never blocks: on judged findings neither the verifier nor its own evidence made it precise "
                         "enough" if item.get("never") else "its card's advisory-below decides whether it blocks")
            w(f"  The verifier does not weigh this rule: the confidence is the rule's own evidence; {card_line}.\n\n")
            continue
        gate = f"blocks at {v['blocks_at']:.2f} or more" if v["blocks_at"] is not None else "never blocks"
        w(f"  The verifier's probability that an editor would call it right; this rule {gate}.\n")
        w(f"  base (the rule's own rate, in log-odds): {v['base']:+.2f}\n")
        w(f"  {'weight':>7}  {'value':>7}  evidence\n")
        for feat in v["features"][:args.top]:
            w(f"  {feat['weight']:+7.2f}  {feat['value']:7.3g}  {feat['meaning']} ({feat['feature']})\n")
        rest = len(v["features"]) - args.top
        if rest > 0:
            w(f"  ... and {rest} more with smaller weights (--top N, or --format json)\n")
        w("\n")
    return EXIT_OK
