"""The verdicts file: an editor's right / wrong / unsure on findings, by fingerprint, one JSON object a line."""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

VERDICTS = ("right", "wrong", "unsure")
DEFAULT_VERDICTS_FILE = ".copydesk/verdicts.jsonl"
REASON_CHARS = 300  # a short reason, not a copy of the text


class VerdictsError(Exception):
    """The verdicts file cannot be read or written; one line for the user, exit 2."""


@dataclass
class Verdict:
    fingerprint: str
    code: str
    verdict: str
    reason: str | None = None
    confidence: float | None = None
    severity: str | None = None
    path: str | None = None

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None and v != ""}


def verdict_for(finding, fingerprint: str, path: str, verdict: str, reason: str | None = None) -> Verdict:
    """The verdict an editor gives a finding, as every caller records it (`copydesk review`, the desk): the
    finding's code, its confidence to three places, its severity, and the file as its fingerprint names it."""
    if verdict not in VERDICTS:
        raise VerdictsError(f"verdict must be one of {', '.join(VERDICTS)} (got {verdict!r})")
    reason = (reason or "").strip()[:REASON_CHARS] or None
    return Verdict(fingerprint, finding.code, verdict, reason, round(finding.confidence, 3), finding.severity, path)


def parse_verdict(data: object, where: str) -> Verdict:
    """One verdict from its JSON object; VerdictsError saying where and what is wrong."""
    if not isinstance(data, dict):
        raise VerdictsError(f"{where}: not a JSON object")
    missing = [k for k in ("fingerprint", "code", "verdict") if not isinstance(data.get(k), str) or not data.get(k)]
    if missing:
        raise VerdictsError(f"{where}: missing or empty {', '.join(missing)}")
    if data["verdict"] not in VERDICTS:
        raise VerdictsError(f"{where}: verdict must be one of {', '.join(VERDICTS)} (got {data['verdict']!r})")
    confidence = data.get("confidence")
    if confidence is not None and (isinstance(confidence, bool) or not isinstance(confidence, (int, float))
                                   or not 0 <= confidence <= 1):
        raise VerdictsError(f"{where}: confidence must be a number from 0 to 1 (got {confidence!r})")
    severity = data.get("severity")
    if severity is not None and severity not in ("error", "warning", "info"):
        raise VerdictsError(f"{where}: severity must be error, warning or info (got {severity!r})")
    reason = data.get("reason")
    return Verdict(data["fingerprint"], data["code"], data["verdict"],
                   str(reason)[:REASON_CHARS] if reason not in (None, "") else None,
                   float(confidence) if confidence is not None else None, severity,
                   str(data["path"]) if data.get("path") not in (None, "") else None)


def read_verdicts(path: str | Path) -> list[Verdict]:
    """Every verdict in the file, in the order written (a missing file has none). A line torn by a crash
    mid-write (the last line, without its newline) is left out; any other bad line is an error."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise VerdictsError(f"cannot read the verdicts file {path}: {getattr(exc, 'strerror', None) or exc}") from None
    out = []
    lines = text.split("\n")
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError:
            if n == len(lines):  # the last line, unterminated: a write that never finished
                continue
            raise VerdictsError(f"{path}:{n}: not a JSON object") from None
        out.append(parse_verdict(data, f"{path}:{n}"))
    return out


def latest(verdicts: Iterable[Verdict]) -> dict[str, Verdict]:
    """The verdict that stands for each fingerprint: the last one written (an editor may change their mind)."""
    out: dict[str, Verdict] = {}
    for v in verdicts:
        out[v.fingerprint] = v
    return out


def append_verdicts(path: str | Path, verdicts: Iterable[Verdict]) -> int:
    """Append verdicts to the file (made, with its folder, if need be); how many were written.

    Safe under two editors at once: the lines go in one write, under an exclusive lock, to a file opened for
    appending, so lines never interleave or overwrite each other. Each call ends on a newline."""
    lines = "".join(json.dumps(v.to_json(), ensure_ascii=False) + "\n" for v in verdicts)
    if not lines:
        return 0
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    except OSError as exc:
        raise VerdictsError(f"cannot write the verdicts file {path}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        data = lines.encode("utf-8")
        # A previous writer killed mid-line left no newline: start on a fresh line so this one stays whole.
        if os.fstat(fd).st_size:
            with open(path, "rb") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    data = b"\n" + data
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except OSError as exc:
        raise VerdictsError(f"cannot write the verdicts file {path}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    return lines.count("\n")


def verdicts_file(settings, override: str | None = None) -> Path:
    """Where verdicts go: the option, else the config's `verdicts` key (relative to the config file's folder),
    else .copydesk/verdicts.jsonl in the config file's folder, else in the working folder."""
    if override:
        return Path(override)
    root = Path(settings.root) if getattr(settings, "root", None) else Path.cwd()
    configured = getattr(settings, "verdicts", None)
    return root / (configured or DEFAULT_VERDICTS_FILE)
