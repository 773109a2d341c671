"""Report formats: one renderer per file in this package, chosen by name."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from copydesk.engine import FileResult

FORMATS = ("text", "json", "github", "sarif", "junit", "gitlab", "html")


@dataclass
class RunSummary:
    files: int
    checked: int
    skipped: int
    with_errors: int
    findings: int
    words: int
    by_severity: dict[str, int]
    by_category: dict[str, int]
    fail_on: str
    failed: bool
    notices: list[str] = field(default_factory=list)  # said once for the whole run (an engine that is off)

    def to_json(self) -> dict:
        return dict(self.__dict__)


def summarize(results: list["FileResult"], fail_on: str, failed: bool, notices: list[str] | None = None) -> RunSummary:
    sev = Counter(f.severity for r in results for f in r.findings)
    cat = Counter(f.category for r in results for f in r.findings)
    return RunSummary(
        files=len(results),
        checked=sum(r.checked for r in results),
        skipped=sum(r.skipped for r in results),
        with_errors=sum(bool(r.errors) for r in results),
        findings=sum(len(r.findings) for r in results),
        words=sum(r.words for r in results),
        by_severity={k: sev.get(k, 0) for k in ("error", "warning", "info")},
        by_category=dict(sorted(cat.items())),
        fail_on=fail_on,
        failed=failed,
        notices=list(notices or []),
    )


def get_renderer(name: str) -> Callable[..., None]:
    """The render(results, summary, out, **options) function of a format, imported on demand."""
    if name == "json":
        from copydesk.report.json import render
    elif name == "github":
        from copydesk.report.github import render
    elif name == "sarif":
        from copydesk.report.sarif import render
    elif name == "junit":
        from copydesk.report.junit import render
    elif name == "gitlab":
        from copydesk.report.gitlab import render
    elif name == "html":
        from copydesk.report.html import render
    else:
        from copydesk.report.rich import render
    return render


from copydesk.report.fingerprint import fingerprints  # noqa: E402,F401  (formats and baselines use it)
