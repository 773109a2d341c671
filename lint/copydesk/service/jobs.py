"""What a serve worker does with one request: check a draft, or act on one of its findings (apply its fix, silence
it, judge it) or render its HTML report. Every action re-checks the text it is given through the worker's warm
Linter (a parse-cache hit), so it acts on the findings that text has now, never on a stale list from a client."""

from __future__ import annotations

import io
from typing import Any

ACTIONS = ("check", "fix", "fix_all", "silence", "verdict", "html")


class JobRefused(Exception):
    """The request cannot be carried out as asked (a finding no longer in the text, a fix it does not have);
    `status` and `code` are what the service answers with."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code = status, code


def run_job(linters: dict[str, Any], job: dict[str, Any]) -> dict[str, Any]:
    """One request against the profile it names: {"report": ...} for a check, plus what the action made."""
    from copydesk import api
    from copydesk.config import ConfigError

    linter = linters.get(job.get("profile") or "default")
    if linter is None:
        return {"_client_error": f"unknown profile {job.get('profile')!r}; known: {', '.join(linters)}"}
    try:
        result = linter.check_text(job["text"], job["path"], job.get("format"), select=job.get("select"),
                                   ignore=job.get("ignore"))
    except (ConfigError, ValueError) as exc:
        return {"_client_error": str(exc)}
    fail_on = job.get("fail_on") or linter.settings_for(job["path"]).fail_on
    action = job.get("action") or "check"
    if action == "check":
        return api.json_report([result], fail_on)
    try:
        return _act(action, job, result, linter, fail_on)
    except JobRefused as exc:
        return {"_refused": [exc.status, exc.code, str(exc)]}


def _act(action: str, job: dict[str, Any], result, linter, fail_on: str) -> dict[str, Any]:
    from copydesk import api
    from copydesk.fixes import fixed_draft
    from copydesk.report.fingerprint import fingerprint_path, fingerprints
    from copydesk.suppress import silenced_text
    from copydesk.verdicts import VerdictsError, verdict_for

    if action == "fix_all":
        text, applied = fixed_draft(job["text"], result.findings)
        return {"text": text, "applied": applied}
    if action == "html":
        from copydesk.report import summarize
        from copydesk.report.html import render

        out = io.StringIO()
        render([result], summarize([result], fail_on, api.failing([result], fail_on), []), out,
               sources={result.path: job["text"]})
        return {"html": out.getvalue()}
    prints = fingerprints(result)
    wanted = job.get("fingerprint")
    finding = next((f for f, fp in zip(result.findings, prints) if fp == wanted), None)
    if finding is None:
        raise JobRefused(409, "stale_finding", "that finding is no longer in the draft (it was edited); "
                                               "check again and pick it from the new list")
    if action == "fix":
        if not (finding.fix or finding.replacement is not None):
            raise JobRefused(409, "no_fix", f"{finding.code} has no safe fix here")
        text, applied = fixed_draft(job["text"], [finding])
        if not applied:
            raise JobRefused(409, "no_fix", f"the fix for {finding.code} no longer applies to this text")
        return {"text": text, "applied": applied}
    if action == "silence":
        return {"text": silenced_text(job["text"], finding.line, finding.code)}
    if action == "verdict":
        try:
            verdict = verdict_for(finding, wanted, fingerprint_path(result.fingerprint_path or result.path),
                                  job.get("verdict") or "", job.get("reason"))
        except VerdictsError as exc:
            raise JobRefused(400, "invalid_request", str(exc)) from None
        return {"verdict": verdict.to_json()}
    raise JobRefused(400, "invalid_request", f"unknown action {action!r}")
