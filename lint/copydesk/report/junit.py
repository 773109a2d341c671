"""JUnit XML for CI test dashboards: a test case per file, a failure per finding at or above the fail level."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import IO

from copydesk.finding import SEVERITY_RANK

# Characters XML 1.0 cannot carry at all, escaped or not: most C0 controls, lone surrogates, U+FFFE/FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """Text safe for an XML document: a forbidden character becomes its U+XXXX name."""
    return _NOT_XML.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def render(results, summary, out: IO[str], **_options) -> None:
    fail_rank = SEVERITY_RANK.get(summary.fail_on, -1)  # "never": nothing fails
    suites = ET.Element("testsuites", name="copydesk")
    suite = ET.SubElement(suites, "testsuite", name="copydesk")
    failures = errors = skipped = 0
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="copydesk", name=clean(r.path), file=clean(r.path))
        for f in r.findings:
            if SEVERITY_RANK[f.severity] > fail_rank:
                continue
            failures += 1
            failure = ET.SubElement(case, "failure", type=f.code,
                                    message=clean(f"{r.path}:{f.line}:{f.column} {f.code} {f.message}"))
            failure.text = clean(f"{f.severity} {f.code} {f.rule} at line {f.line}, column {f.column}\n"
                                 f"{f.message}\n{f.excerpt}")
        for e in r.errors:
            errors += 1
            ET.SubElement(case, "error", message=clean(e)).text = clean(e)
        if r.skipped:
            skipped += 1
            ET.SubElement(case, "skipped", message=clean("; ".join(r.notices)))
        if r.notices and not r.skipped:
            ET.SubElement(case, "system-out").text = clean("\n".join(r.notices))
    for node in (suites, suite):
        node.set("tests", str(len(results)))
        node.set("failures", str(failures))
        node.set("errors", str(errors))
    suite.set("skipped", str(skipped))
    ET.indent(suites)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(suites, encoding="unicode"))
    out.write("\n")
