"""Vale's own acceptance tests, run against copydesk's conversion of the same style.

A Vale style folder (as in ../shared/vale/) holds <Style>/*.yml checks, fixtures/<Name>/ (a .vale.ini switching
checks on, and the test files) and features/rules.feature, whose scenarios list the exact lines Vale prints
(`file:line:column:Style.Check:message`). `scenarios()` reads them; `run_scenario()` checks the same files with
the converted style and returns copydesk's lines in the same format.
"""

from __future__ import annotations

import configparser
import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Scenario:
    style: str
    title: str
    fixture: str
    expected: list[str]


def scenarios(root: Path) -> list[Scenario]:
    """The active (not commented-out) scenarios of a style folder's features/rules.feature."""
    style = next(p.name for p in root.iterdir() if p.is_dir() and p.name not in ("features", "fixtures")
                 and list(p.glob("*.yml")))
    lines = (root / "features" / "rules.feature").read_text(encoding="utf-8").splitlines()
    out: list[Scenario] = []
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("Scenario:"):
            title = line.split(":", 1)[1].strip()
            fixture = None
            expected: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(("Scenario:", "#")):
                m = re.match(r'\s*When I test "(.*)"', lines[i])
                if m:
                    fixture = m.group(1)
                if lines[i].strip() == '"""':
                    i += 1
                    while i < len(lines) and lines[i].strip() != '"""':
                        if lines[i].strip():
                            expected.append(lines[i].strip())
                        i += 1
                i += 1
            if fixture:
                out.append(Scenario(style, title, fixture, expected))
            continue
        i += 1
    return out


def enabled_checks(fixture: Path) -> tuple[list[str], list[str]]:
    """(Style.Check names switched on, file globs) from the fixture's .vale.ini."""
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # keep the checks' case
    parser.read_string("[global]\n" + (fixture / ".vale.ini").read_text(encoding="utf-8"))
    checks, globs = [], []
    for section in parser.sections():
        if section == "global":
            continue
        globs.append(section)
        for key, value in parser.items(section):
            if "." in key and value.strip().upper() == "YES":
                checks.append(key)
    return checks, globs


def _expand(globs: list[str]) -> list[str]:
    """Vale's section globs may hold braces ("*.{md,rst}"), which fnmatch does not read: expand them."""
    out = []
    for g in globs:
        m = re.search(r"\{([^{}]*)\}", g)
        out += _expand([g[:m.start()] + alt + g[m.end():] for alt in m.group(1).split(",")]) if m else [g]
    return out


def run_scenario(root: Path, scenario: Scenario, converted: Path, known: set[str]) -> list[str] | None:
    """copydesk's lines for the scenario, or None when a check it switches on was not converted. Checks the
    style does not have at all are ignored, as Vale ignores them."""
    from copydesk import api

    fixture = root / "fixtures" / scenario.fixture
    checks, globs = enabled_checks(fixture)
    present = [c for c in checks if (root / scenario.style / f"{c.split('.', 1)[1]}.yml").is_file()]
    if any(c not in known for c in present):
        return None
    if not present:
        return []
    config = converted / f"{scenario.fixture}.toml"
    config.write_text(f'styles = ["{converted / scenario.style}"]\nselect = {present!r}\n'.replace("'", '"'),
                      encoding="utf-8")
    linter = api.Linter(config, warm=False)
    lines: list[tuple] = []
    for path in sorted(fixture.iterdir()):
        if not path.is_file() or not any(fnmatch.fnmatch(path.name, g) for g in _expand(globs)):
            continue
        result = linter.check_file(path)
        for f in result.findings:
            card = linter.rule(f.code)
            origin = card.options.get("origin") if card is not None else f.code
            lines.append((path.name, f.line, f.column, f"{path.name}:{f.line}:{f.column}:{origin}:{f.message}"))
    return [line for *_, line in sorted(lines)]
