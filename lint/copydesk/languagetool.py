"""LanguageTool as an optional grammar engine: a server the newsroom runs (its documented HTTP API,
POST /v2/check) or a LanguageTool the user already has on disk (through language-tool-python, with
LTP_JAR_DIR_PATH). Never a download while linting, and never the public API unless the user names its URL.

An engine that cannot be reached is said once per run (run_notices) and not asked again, so a CI gate over
thousands of files does not wait on a dead server thousands of times.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HOW_TO_TURN_ON = ("set [tool.copydesk.rules.GRM100] engine to your LanguageTool server's URL, or to \"local\" "
                  "with LTP_JAR_DIR_PATH pointing at an installed LanguageTool (pip install 'copydesk[grammar]')")


class EngineUnavailable(Exception):
    """The configured engine cannot be used; the message is one line."""


@dataclass
class Match:
    """One LanguageTool match, in the shape of the /v2/check answer: offset and length in the text sent."""

    offset: int
    length: int
    message: str
    rule_id: str
    category_id: str
    issue_type: str
    replacements: list[str] = field(default_factory=list)


def parse_answer(answer: dict[str, Any]) -> list[Match]:
    """Matches from a /v2/check JSON answer. Offsets there count UTF-16 code units (LanguageTool is Java);
    they are converted by the caller, which knows the text."""
    out = []
    for m in answer.get("matches", []):
        rule = m.get("rule") or {}
        category = rule.get("category") or {}
        out.append(Match(offset=int(m["offset"]), length=int(m["length"]), message=str(m.get("message", "")),
                         rule_id=str(rule.get("id", "")), category_id=str(category.get("id", "")),
                         issue_type=str(rule.get("issueType", "")),
                         replacements=[str(r.get("value", "")) for r in m.get("replacements", [])[:3]]))
    return out


def utf16_to_index(text: str) -> list[int]:
    """For each UTF-16 offset into text, the Python string index (characters outside the BMP take two)."""
    table = []
    for i, ch in enumerate(text):
        table.append(i)
        if ord(ch) > 0xFFFF:
            table.append(i)
    table.append(len(text))
    return table


_STATE: dict[str, Any] = {"failed": {}, "notices": [], "local": {}}


def new_run() -> None:
    """Forget what the last run learnt about unreachable engines (a long-lived daemon starts each check as a
    fresh process would); started local servers are kept."""
    _STATE["failed"].clear()
    _STATE["notices"].clear()


def run_notices() -> list[str]:
    """What this run has to say about the engine (said once each)."""
    return list(_STATE["notices"])


def _fail(engine: str, why: str) -> EngineUnavailable:
    if engine not in _STATE["failed"]:
        _STATE["failed"][engine] = why
        _STATE["notices"].append(f"LanguageTool ({engine}) is unavailable: {why}; grammar checks by "
                                 f"LanguageTool were skipped, every other rule ran")
    return EngineUnavailable(why)


def check(text: str, engine: str, language: str, timeout: float, disabled: list[str]) -> list[Match]:
    """LanguageTool's matches for text, offsets converted to Python string indexes."""
    if engine in _STATE["failed"]:
        raise EngineUnavailable(_STATE["failed"][engine])
    if engine == "local":
        matches = _check_local(text, language, disabled)
    else:
        matches = _check_server(text, engine, language, timeout, disabled)
    table = utf16_to_index(text)
    fixed = []
    for m in matches:
        start = table[min(m.offset, len(table) - 1)]
        end = table[min(m.offset + m.length, len(table) - 1)]
        fixed.append(Match(start, end - start, m.message, m.rule_id, m.category_id, m.issue_type, m.replacements))
    return fixed


def _check_server(text: str, url: str, language: str, timeout: float, disabled: list[str]) -> list[Match]:
    params = {"text": text, "language": language}
    if disabled:
        params["disabledRules"] = ",".join(disabled)
    endpoint = url.rstrip("/")
    if not endpoint.endswith("/v2/check"):
        endpoint += "/v2/check"
    request = urllib.request.Request(endpoint, data=urllib.parse.urlencode(params).encode(), method="POST",
                                     headers={"Accept": "application/json",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the user's own URL
            answer = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        raise _fail(url, f"the server answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise _fail(url, f"cannot connect ({reason})") from None
    except (ValueError, UnicodeDecodeError):
        raise _fail(url, "the server's answer is not LanguageTool JSON") from None
    if not isinstance(answer, dict) or not isinstance(answer.get("matches"), list):
        raise _fail(url, "the server's answer has no matches list")
    try:
        return parse_answer(answer)
    except (KeyError, TypeError, ValueError):
        raise _fail(url, "the server's answer is not shaped like /v2/check") from None


def _check_local(text: str, language: str, disabled: list[str]) -> list[Match]:
    """A LanguageTool the user installed: language-tool-python starts it from LTP_JAR_DIR_PATH. Without that
    folder, language-tool-python would download LanguageTool; we refuse instead."""
    folder = os.environ.get("LTP_JAR_DIR_PATH", "")
    if not folder or not Path(folder).is_dir():
        raise _fail("local", "LTP_JAR_DIR_PATH does not name a LanguageTool folder (copydesk never downloads one)")
    if not any(Path(folder).glob("languagetool-server.jar")):
        raise _fail("local", f"no languagetool-server.jar in {folder}")
    tool = _STATE["local"].get(language)
    if tool is None:
        try:
            import language_tool_python  # the optional extra: pip install 'copydesk[grammar]'
        except ImportError:
            raise _fail("local", "language-tool-python is not installed (pip install 'copydesk[grammar]')") from None
        try:
            tool = language_tool_python.LanguageTool(language)
        except Exception as exc:  # Java missing, a port in use: say it in one line
            raise _fail("local", f"could not start: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
        _STATE["local"][language] = tool
    if disabled:
        tool.disabled_rules = set(disabled)
    try:
        raw = tool.check(text)
    except Exception as exc:
        raise _fail("local", f"check failed: {type(exc).__name__}") from None
    # language-tool-python's Match objects hold the same fields as the HTTP answer, offsets in characters.
    return [Match(m.offset, m.errorLength, m.message, m.ruleId, getattr(m, "category", ""),
                  getattr(m, "ruleIssueType", ""), list(m.replacements[:3])) for m in raw]
