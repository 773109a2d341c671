"""Baselines: record a legacy archive's findings once, then report only findings that are new."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from copydesk.report.fingerprint import fingerprints, line_fingerprints
from copydesk.version import __version__

# 2: fingerprints of the flagged text (copydesk.report.fingerprint); 1: of the finding's line, still read.
BASELINE_VERSION = 2
READABLE_VERSIONS = (1, 2)


class BaselineError(Exception):
    """The baseline file cannot be read; one line for the user, exit 2."""


def write_baseline(results, path: str) -> int:
    """Every finding's fingerprint (file, rule, flagged text; not the line number), counted; how many written."""
    entries = Counter()
    for r in results:
        for f, fp in zip(r.findings, fingerprints(r)):
            entries[(r.path.replace("\\", "/"), f.code, fp)] += 1
    doc = {"version": BASELINE_VERSION, "tool": {"name": "copydesk", "version": __version__},
           "findings": [{"path": p, "code": c, "fingerprint": fp, "count": n}
                        for (p, c, fp), n in sorted(entries.items())]}
    tmp = Path(path + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    return sum(entries.values())


class Baseline(Counter):
    """(path, code, fingerprint) -> count, and the fingerprint version the file was written with."""

    version = BASELINE_VERSION


def read_baseline(path: str) -> Baseline:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        if doc.get("version") not in READABLE_VERSIONS:
            raise ValueError(f"version {doc.get('version')!r}, expected one of {READABLE_VERSIONS}")
        known = Baseline({(e["path"], e["code"], e["fingerprint"]): int(e.get("count", 1)) for e in doc["findings"]})
        known.version = doc["version"]
        return known
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist (create it with: copydesk baseline PATH -o {path})") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BaselineError(f"baseline {path} is not a copydesk baseline: {str(exc).splitlines()[0]}") from None


def drop_known(results, known: Counter) -> int:
    """Remove findings the baseline holds (as many of each as it counted); how many were dropped."""
    left = Counter(known)
    identify = line_fingerprints if getattr(known, "version", BASELINE_VERSION) == 1 else fingerprints
    dropped = 0
    for r in results:
        keep = []
        for f, fp in zip(r.findings, identify(r)):
            key = (r.path.replace("\\", "/"), f.code, fp)
            if left[key] > 0:
                left[key] -= 1
                dropped += 1
            else:
                keep.append(f)
        r.findings = keep
    return dropped
