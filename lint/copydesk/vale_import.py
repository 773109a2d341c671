"""`copydesk import-vale STYLE_DIR OUT_DIR`: a Vale style converted into a copydesk style (docs/house-style.md).

Each Vale check (a YAML file with `extends: existence | substitution | ...`) becomes a rule card of category
`style` that keeps the check's name (`Style.Check`, usable in select, ignore and suppression comments), its
message (Vale's %s become the card's fields), its level and its scope. Checks that cannot be converted are
listed, each with its reason, on the output and in OUT_DIR/import-report.txt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LEVELS = {"error": "error", "warning": "warning", "suggestion": "info"}
CONVERTED = ("existence", "substitution", "occurrence", "repetition", "conditional", "capitalization", "consistency",
             "metric", "sequence")
# Vale keys each converted kind understands; any other key makes the check unconvertible (its meaning would
# be lost), except those that only describe the check.
DESCRIPTIVE = {"extends", "message", "link", "level", "description", "action", "scope", "ignorecase", "nonword",
               "code", "vocab"}
KEYS = {"existence": DESCRIPTIVE | {"tokens", "raw", "exceptions", "append"},
        "substitution": DESCRIPTIVE | {"swap", "exceptions"},
        "occurrence": DESCRIPTIVE | {"token", "max", "min"},
        "repetition": DESCRIPTIVE | {"tokens", "max", "alpha", "exceptions"},
        "conditional": DESCRIPTIVE | {"first", "second", "exceptions"},
        "capitalization": DESCRIPTIVE | {"match", "exceptions", "indicators", "threshold", "style"},
        "consistency": DESCRIPTIVE | {"either"},
        "metric": DESCRIPTIVE | {"formula", "condition"},
        "sequence": DESCRIPTIVE | {"tokens"}}
# The message fields each kind fills Vale's %s with, in order (occurrence prints its message as it is).
MESSAGE_FIELDS = {"existence": ["match"], "substitution": ["expected", "observed"], "occurrence": [],
                  "repetition": ["match"], "conditional": ["match"], "capitalization": ["match"],
                  "consistency": ["match"], "metric": ["match"], "sequence": ["match"]}
# Markup formats a Vale selector may name ("heading.md"): copydesk's selectors hold for every format.
FORMATS = ("md", "rst", "adoc", "asciidoc", "html", "org", "xml", "dita", "txt")


class ValeImportError(Exception):
    """The style folder cannot be read; one line for the user."""


@dataclass
class ImportResult:
    style: str
    converted: list[str] = field(default_factory=list)  # Style.Check
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (Style.Check, reason)
    written: list[Path] = field(default_factory=list)


def _slug(name: str) -> str:
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name) or [name]
    return "-".join(w.lower() for w in words)


def _prefix(style: str) -> str:
    from copydesk.registry import BUILT_IN_PREFIXES

    letters = re.sub(r"[^A-Za-z]", "", style).upper() + "XXX"
    prefix = letters[:3]
    if prefix in BUILT_IN_PREFIXES:
        prefix = "V" + letters[:2]
    return prefix


def _message(message: str, kind: str) -> str:
    """Vale's printf-style message as a card template: %s in order become the kind's fields."""
    fields = MESSAGE_FIELDS[kind]
    message = message.replace("{", "{{").replace("}", "}}")
    out, n = [], 0
    for part in re.split(r"(%s)", message):
        if part == "%s" and fields:
            out.append("{" + fields[min(n, len(fields) - 1)] + "}")
            n += 1
        else:
            out.append(part)
    return "".join(out).strip() or "Vale check."


def _scope(value: Any) -> tuple[str | None, str | None]:
    """Vale's scope (a selector or a list of them, "~" excluding) as the Vale kinds' scope option, or the
    reason it has no counterpart. Code is skipped by every copydesk check, so "~code" needs nothing."""
    from copydesk.kinds.vale import VALE_SCOPES

    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            return None, f"scope {value!r} has no copydesk counterpart"
        excluded = item.startswith("~")
        selector = item[1:] if excluded else item
        parts = selector.split(".")
        if parts[-1] in FORMATS and len(parts) > 1:
            selector = ".".join(parts[:-1])
        if selector == "code" or selector.startswith("comment"):
            if excluded:
                continue
            return None, f"scope {item!r}: checks source code"
        if selector not in VALE_SCOPES or selector == "narration":
            return None, f"scope {item!r} has no copydesk counterpart"
        out.append(("~" if excluded else "") + selector)
    if not [x for x in out if not x.startswith("~")]:
        out.insert(0, "text")
    return ",".join(out), None


def convert_check(style: str, name: str, data: Any) -> tuple[dict | None, str | None]:
    """(card without code, None) or (None, the reason it cannot be converted). The card's "patterns" entry
    lists the regexes the backtracking guard must pass; import_style takes it off before writing the card."""
    if not isinstance(data, dict):
        return None, "not a YAML mapping"
    extends = data.get("extends")
    if extends not in CONVERTED:
        return None, f"extends {extends!r}: not converted yet ({', '.join(CONVERTED)} are)"
    unknown = sorted(set(data) - KEYS[extends])
    if unknown:
        return None, f"uses {', '.join(unknown)}, which the converter does not translate"
    if data.get("code"):
        return None, "checks source code (code: true)"
    scoped, reason = _scope(data.get("scope", "text"))
    if scoped is None:
        return None, reason
    options: dict[str, Any] = {"origin": f"{style}.{name}", "scope": scoped}
    if extends != "capitalization":
        options["ignorecase"] = bool(data.get("ignorecase", False))
    if extends in ("existence", "substitution", "consistency"):
        options["nonword"] = bool(data.get("nonword", False))
    if extends == "metric":
        options.pop("ignorecase", None)
    patterns: list[str] = []
    if extends == "occurrence":
        token = str(data.get("token") or "")
        if not token:
            return None, "no token to count"
        options.update(token=token, max=int(data.get("max") or 0), min=int(data.get("min") or 0))
        patterns = [token]
    elif extends == "repetition":
        tokens = [str(t) for t in (data.get("tokens") or [])]
        if not tokens:
            return None, "no tokens"
        options.update(tokens=tokens, max=int(data.get("max") or 0), alpha=bool(data.get("alpha", False)),
                       exceptions=[str(e) for e in (data.get("exceptions") or [])])
        patterns = tokens
    elif extends == "conditional":
        first, second = str(data.get("first") or ""), str(data.get("second") or "")
        if not first or not second:
            return None, "needs both first and second"
        options.update(first=first, second=second, exceptions=[str(e) for e in (data.get("exceptions") or [])])
        patterns = [first, second]
    elif extends == "capitalization":
        match = str(data.get("match") or "$sentence")
        if match.startswith("$") and match not in ("$sentence", "$title", "$lower", "$upper"):
            return None, f"match {match!r} is not one of $sentence, $title, $lower, $upper"
        options.update(match=match, exceptions=[str(e) for e in (data.get("exceptions") or [])],
                       indicators=[str(i) for i in (data.get("indicators") or [])],
                       threshold=float(data.get("threshold") or 0.8))
        patterns = [] if match.startswith("$") else [match]
    elif extends == "consistency":
        either = data.get("either")
        if not isinstance(either, dict) or not either:
            return None, "no either table"
        options["either"] = {str(k): str(v) for k, v in either.items()}
        patterns = [p for pair in options["either"].items() for p in pair]
    elif extends == "sequence":
        from copydesk.kinds.vale import _check_sequence

        tokens = data.get("tokens")
        try:
            _check_sequence(tokens)
        except ValueError as exc:
            return None, str(exc)
        options["tokens"] = [{k: v for k, v in t.items()} for t in tokens]
        options["scope"] = "sentence"  # Vale reads every sequence sentence by sentence
        patterns = [str(t[k]) for t in tokens for k in ("pattern", "tag") if t.get(k)]
    elif extends == "metric":
        from copydesk.kinds.vale import METRIC_VARIABLES, evaluate_formula

        formula, condition = str(data.get("formula") or ""), str(data.get("condition") or "")
        if not formula or not condition:
            return None, "needs both formula and condition"
        try:
            evaluate_formula(formula, {v: 1.0 for v in METRIC_VARIABLES})
            evaluate_formula(f"1.0 {condition}", {v: 1.0 for v in METRIC_VARIABLES})
        except ValueError as exc:
            return None, f"its formula is not one copydesk reads ({exc})"
        options.update(formula=formula, condition=condition)
    elif extends == "existence":
        tokens = [str(t) for t in (data.get("tokens") or [])]
        raw = [str(t) for t in (data.get("raw") or [])]
        if not tokens and not raw:
            return None, "no tokens and no raw pattern"
        if data.get("append"):
            return None, "append: true (extends another check's tokens)"
        options.update(tokens=tokens, raw=raw, exceptions=[str(e) for e in (data.get("exceptions") or [])])
    else:
        swap = data.get("swap")
        if not isinstance(swap, dict) or not swap:
            return None, "no swap table"
        options["swap"] = {str(k): str(v) for k, v in swap.items()}
        options["exceptions"] = [str(e) for e in (data.get("exceptions") or [])]
    for value in patterns + options.get("raw", []) + list(options.get("swap", {})) + (
            options.get("tokens", []) if extends == "existence" else []):
        try:
            re.compile(value)
        except re.error as exc:
            return None, f"the pattern {value!r} is not one Python's re reads ({exc})"
    why = str(data.get("description") or "").strip() or f"Converted from the Vale check {style}.{name}."
    if data.get("link"):
        why += f" See {data['link']}."
    # "patterns": the regexes the backtracking guard must pass (taken off the card before it is written)
    card = {"patterns": patterns, "name": f"{_slug(style)}-{_slug(name)}", "category": "style",
            "kind": f"vale_{extends}",
            "severity": LEVELS.get(str(data.get("level", "suggestion")), "info"),
            "message": _message(str(data.get("message", "")), extends), "why": why, "options": options}
    return card, None


def import_style(style_dir: str | Path, out_dir: str | Path, voice_aware: bool = False) -> ImportResult:
    """Convert every check of a Vale style folder into cards under out_dir (with a style.yaml and a report).
    voice_aware: the style's manifest says `voice_aware: true`, so every text-scoped check skips quoted speech, as
    copydesk's own rules do (one setting, which a newsroom may flip later); by default a converted
    check matches where Vale's does, quotations included."""
    from copydesk.framework import OptionError, compile_pattern
    from copydesk.kinds.vale import vale_regex

    src = Path(style_dir)
    if not src.is_dir():
        raise ValeImportError(f"{src}: not a folder of Vale checks")
    checks = sorted(p for p in src.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
    if not checks:
        raise ValeImportError(f"{src}: no Vale checks (*.yml) in it")
    style = src.name
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = ImportResult(style)
    prefix = _prefix(style)
    number = 0
    for path in checks:
        name = path.stem
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            result.skipped.append((f"{style}.{name}", f"not valid YAML: {str(exc).splitlines()[0]}"))
            continue
        card, reason = convert_check(style, name, data)
        if card is not None:
            try:  # the backtracking guard every card regex passes, before a card is written
                o = card["options"]
                if card["kind"] == "vale_existence":
                    vale_regex(o["tokens"], o["ignorecase"], o["nonword"], o["raw"])
                for value in card.pop("patterns"):
                    compile_pattern(value)
            except OptionError as exc:
                card, reason = None, str(exc)
        if card is None:
            result.skipped.append((f"{style}.{name}", reason or "unknown"))
            continue
        number += 1
        card = {"code": f"{prefix}{number:03}", **card}
        target = out / f"{card['code']}-{card['name']}.yaml"
        target.write_text(yaml.safe_dump(card, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
        result.converted.append(f"{style}.{name}")
        result.written.append(target)
    manifest = {"name": style, "version": "imported", "licence": "see the Vale style's own licence",
                "description": f"Converted from the Vale style {style} by copydesk import-vale.",
                "voice_aware": voice_aware}
    (out / "style.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False), encoding="utf-8")
    report = [f"# copydesk import-vale {src} -> {out}",
              f"converted {len(result.converted)} of {len(result.converted) + len(result.skipped)} checks"]
    report += [f"not converted: {check}: {reason}" for check, reason in result.skipped]
    (out / "import-report.txt").write_text("\n".join(report) + "\n", encoding="utf-8")
    return result
