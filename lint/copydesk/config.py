"""Settings from [tool.copydesk] in pyproject.toml or .copydesk.toml, validated, and the rules they select."""

from __future__ import annotations

import fnmatch
import os
import re
from functools import lru_cache
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Any

from copydesk.finding import SEVERITIES
from copydesk.framework import OptionError
from copydesk.registry import Registry, RuleCard

FAIL_LEVELS = ("error", "warning", "info", "never")
DEFAULT_MAX_BYTES = 5_000_000  # five times the largest saved news page we have seen
KEYS = {"select", "ignore", "severity", "per-file-ignores", "rules", "fail-on", "model", "preview", "exclude",
        "max-file-bytes", "max-nlp-chars", "max-nlp-tokens", "max-words", "extend-rules", "opinion", "opinion-files", "genres", "language", "rule-timeout",
        "advisory-below", "min-confidence", "docs-url", "styles", "verdicts", "verifier", "desk-origins"}
OPINION_POLICIES = ("off", "info", "on")


class ConfigError(Exception):
    """A configuration problem; the message is one line naming the file and key."""


@dataclass
class Settings:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_on: str = "warning"
    model: str | None = None
    preview: bool = False
    exclude: list[str] = field(default_factory=list)
    max_file_bytes: int = DEFAULT_MAX_BYTES
    max_nlp_chars: int = 1_000_000
    max_nlp_tokens: int = 20_000
    max_words: int = 100_000
    extend_rules: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)  # house styles: shipped names or folders (docs/house-style.md)
    opinion: str = "off"  # what neutrality rules do in an opinion piece: off, info (downgraded) or on
    opinion_files: list[str] = field(default_factory=list)  # globs of columns, reviews, editorials
    genres: dict[str, str] = field(default_factory=dict)  # per genre: "advisory" (its default policy) or "on"
    rule_timeout: float = 30.0  # seconds one rule may spend on one file before it is stopped there (0: no limit)
    language: str = "auto"  # the drafts' language: auto (declared, else read from the text) or a code ("de")
    # Confidence thresholds, each a number for every rule or a table of rules/categories ("ALL" for the rest):
    # below advisory-below a finding is shown as info; below min-confidence it is not reported.
    advisory_below: dict[str, float] = field(default_factory=dict)
    min_confidence: dict[str, float] = field(default_factory=dict)
    docs_url: str | None = None  # where the newsroom publishes docs/rules (editor links); else the checkout's
    verdicts: str | None = None  # the verdicts file, relative to the config's folder (docs/calibrate.md)
    desk_origins: list[str] = field(default_factory=list)  # CMS origins allowed to call `copydesk serve` (docs/desk.md)
    # The finding verifier (docs/verifier.md): "builtin" (the shipped model), "off" (each rule's card weighs its
    # own findings), or the path of a newsroom's model written by `copydesk calibrate --refit`.
    # COPYDESK_VERIFIER sets the default where the config does not (a CI job comparing the rules' own weighing).
    verifier: str = field(default_factory=lambda: os.environ.get("COPYDESK_VERIFIER") or "builtin")
    source: Path | None = None  # the file these came from
    root: Path | None = None  # its folder: per-file-ignores and exclude globs are relative to it


def _strings(value: Any, where: str) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return list(value)


def _thresholds(value: Any, where: str) -> dict[str, float]:
    """A confidence threshold: one number for every rule, or a table of rule codes, names or categories."""
    table = {"ALL": value} if not isinstance(value, dict) else value
    out = {}
    for name, number in table.items():
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not 0 <= number <= 1:
            raise ConfigError(f"{where} must be a number from 0 to 1, or a table of rules to such numbers "
                              f"(got {number!r} for {name!r})")
        out[str(name)] = float(number)
    return out


def parse_settings(data: dict[str, Any], source: Path | None) -> Settings:
    where = str(source) if source else "settings"
    s = Settings(source=source, root=source.parent if source else None)
    for key, value in data.items():
        at = f"{where}: {key!r}"
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} (known: {', '.join(sorted(KEYS))})")
        if key in ("select", "ignore", "exclude", "extend-rules", "opinion-files", "styles"):
            setattr(s, key.replace("-", "_"), _strings(value, at))
        elif key == "severity":
            if not isinstance(value, dict) or not all(v in SEVERITIES for v in value.values()):
                raise ConfigError(f"{at} must map rules to one of {', '.join(SEVERITIES)}")
            s.severity = dict(value)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{at} must map globs to lists of rules")
            s.per_file_ignores = {g: _strings(v, f"{at}[{g!r}]") for g, v in value.items()}
        elif key == "rules":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise ConfigError(f"{at} must be a table of rule option tables, e.g. [tool.copydesk.rules.DUP001]")
            s.rules = {k: dict(v) for k, v in value.items()}
        elif key == "fail-on":
            if value not in FAIL_LEVELS:
                raise ConfigError(f"{at} must be one of {', '.join(FAIL_LEVELS)}")
            s.fail_on = value
        elif key == "model":
            if not isinstance(value, str) or not value:
                raise ConfigError(f"{at} must be a spaCy model package name")
            s.model = value
        elif key == "rule-timeout":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ConfigError(f"{at} must be a number of seconds (0 for no limit)")
            s.rule_timeout = float(value)
        elif key == "language":
            if not isinstance(value, str) or not re.fullmatch(r"auto|[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", value):
                raise ConfigError(f"{at} must be auto or a language code such as en, de or pt-BR")
            s.language = value
        elif key == "opinion":
            if value not in OPINION_POLICIES:
                raise ConfigError(f"{at} must be one of {', '.join(OPINION_POLICIES)}")
            s.opinion = value
        elif key == "genres":
            from copydesk.genre import GENRES, POLICY_VALUES

            if not isinstance(value, dict) or not all(g in GENRES and v in POLICY_VALUES for g, v in value.items()):
                raise ConfigError(f"{at} must map genres ({', '.join(GENRES)}) to one of {', '.join(POLICY_VALUES)}")
            s.genres = dict(value)
        elif key in ("advisory-below", "min-confidence"):
            setattr(s, key.replace("-", "_"), _thresholds(value, at))
        elif key == "docs-url":
            if not isinstance(value, str) or not re.match(r"(?:https?|file)://\S+$", value):
                raise ConfigError(f"{at} must be an http(s):// or file:// address of the docs/rules pages")
            s.docs_url = value
        elif key == "verdicts":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{at} must be the path of the verdicts file (relative to this config file)")
            s.verdicts = value
        elif key == "desk-origins":
            from copydesk.service.http import normalise_origin

            try:
                s.desk_origins = [normalise_origin(o) for o in _strings(value, at)]
            except ValueError as exc:
                raise ConfigError(f"{at}: {exc}") from None
        elif key == "verifier":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{at} must be \"builtin\", \"off\" or the path of a model file from "
                                  f"copydesk calibrate --refit")
            s.verifier = value
        elif key == "preview":
            if not isinstance(value, bool):
                raise ConfigError(f"{at} must be true or false")
            s.preview = value
        elif key in ("max-file-bytes", "max-nlp-chars", "max-nlp-tokens", "max-words"):
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ConfigError(f"{at} must be a positive integer")
            setattr(s, key.replace("-", "_"), value)
    if s.root:
        s.extend_rules = [str((s.root / p).resolve()) for p in s.extend_rules]
    s.styles = [style_folder(name, s.root, where) for name in s.styles]
    return s


def style_folder(name: str, root: Path | None, where: str) -> str:
    """A style named in config: one shipped with copydesk (newsroom-basic), else a folder, relative to the
    config file's folder."""
    from copydesk.registry import STYLE_MANIFEST, default_styles_dir

    shipped = default_styles_dir() / name
    if "/" not in name and "\\" not in name and (shipped / STYLE_MANIFEST).is_file():
        return str(shipped)
    folder = (root / name) if root else Path(name)
    if not folder.is_dir():
        known = sorted(p.parent.name for p in default_styles_dir().glob(f"*/{STYLE_MANIFEST}"))
        raise ConfigError(f"{where}: 'styles' names {name!r}, which is neither a shipped style "
                          f"({', '.join(known) or 'none'}) nor a folder")
    return str(folder.resolve())


def read_config_file(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("copydesk", {})
    elif "tool" in data and "copydesk" in data.get("tool", {}):
        data = data["tool"]["copydesk"]
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [tool.copydesk] must be a table")
    return parse_settings(data, path)


def find_config_file(start: Path) -> Path | None:
    """The nearest .copydesk.toml, or pyproject.toml with a [tool.copydesk] table, at or above start."""
    folder = start if start.is_dir() else start.parent
    return _config_for_folder(folder.resolve())


def forget_config_locations() -> None:
    """Look for config files afresh (a long-lived server, after one was created, moved or deleted)."""
    _config_for_folder.cache_clear()


@lru_cache(maxsize=4096)
def _config_for_folder(folder: Path) -> Path | None:
    # Cached per folder: a CI run over thousands of drafts looks up each folder once.
    for d in (folder, *folder.parents):
        dotfile = d / ".copydesk.toml"
        if dotfile.is_file():
            return dotfile
        pyproject = d / "pyproject.toml"
        if pyproject.is_file():
            try:
                text = pyproject.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if "[tool.copydesk" in text:
                return pyproject
    return None


@dataclass
class RuleSet:
    """The cards that run, with user options and severities applied; per-file ignores still to come."""

    settings: Settings
    cards: list[RuleCard]
    registry: Registry

    def for_path(self, path: str) -> list[RuleCard]:
        ignored: set[str] = set()
        rel = _relative(path, self.settings.root)
        for glob, names in self.settings.per_file_ignores.items():
            if _glob_match(rel, glob):
                for name in names:
                    ignored.update(c.code for c in self.registry.resolve(name) or [])
        return [c for c in self.cards if c.code not in ignored]

    def is_opinion_path(self, path: str) -> bool:
        """The file matches an opinion-files glob (a column, review or editorial by where it lives)."""
        rel = _relative(path, self.settings.root)
        return any(_glob_match(rel, g) for g in self.settings.opinion_files)


def _relative(path: str, root: Path | None) -> str:
    p = Path(path)
    if root is not None:
        try:
            return p.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return p.as_posix()


def _glob_match(rel: str, glob: str) -> bool:
    return fnmatch.fnmatch(rel, glob) or PurePath(rel).match(glob) or fnmatch.fnmatch(PurePath(rel).name, glob)


def is_excluded(path: str, settings: Settings, extra: list[str]) -> bool:
    rel = _relative(path, settings.root)
    return any(_glob_match(rel, g) or _glob_match(Path(path).as_posix(), g) for g in [*settings.exclude, *extra])


def build_rules(registry: Registry, settings: Settings, select: list[str] | None = None,
                ignore: list[str] | None = None) -> RuleSet:
    """Resolve select/ignore/severity/options into the list of cards that run. Unknown names are errors."""
    where = str(settings.source) if settings.source else "command line"

    def resolve(name: str, key: str) -> list[RuleCard]:
        cards = registry.resolve(name)
        if cards is None:
            raise ConfigError(f"{where}: {key} names unknown rule or category {name!r}")
        return cards

    chosen_select = select if select else settings.select
    explicit: set[str] = set()
    selected: dict[str, RuleCard] = {}
    for name in chosen_select:
        cards = resolve(name, "select")
        for c in cards:
            # Broad selections (ALL, a category) leave preview rules out unless preview is on.
            if c.status == "preview" and len(cards) > 1 and not settings.preview:
                continue
            selected[c.code] = c
            if len(cards) == 1:
                explicit.add(c.code)
    for name in [*settings.ignore, *(ignore or [])]:
        for c in resolve(name, "ignore"):
            selected.pop(c.code, None)
    for name in settings.per_file_ignores.values():
        for n in name:
            resolve(n, "per-file-ignores")
    for name in settings.severity:
        resolve(name, "severity")
    for name in settings.rules:
        resolve(name, "rules")
    thresholds = {key: _resolved_thresholds(getattr(settings, key), resolve, key.replace("_", "-"))
                  for key in ("advisory_below", "min_confidence")}
    model = verifier_model(settings)
    out: list[RuleCard] = []
    for code, card in sorted(selected.items()):
        for name, options in settings.rules.items():
            if card in resolve(name, "rules"):
                try:
                    card = card.with_options(options)
                except OptionError as exc:
                    raise ConfigError(f"{where}: {exc}") from None
        for name, level in settings.severity.items():
            if any(c.code == code for c in resolve(name, "severity")):
                card = replace(card, severity=level)
        if model is not None and model.covers(code):
            rule_model = model.rules[code]
            if rule_model.mode == "advisory":  # its own confidence, never blocking
                card = replace(card, advisory_below=rule_model.threshold)
            else:
                card = replace(card, verifier=rule_model, advisory_below=rule_model.threshold)
        for key, table in thresholds.items():
            if code in table:
                card = replace(card, **{key: table[code]})
        out.append(card)
    return RuleSet(settings, out, registry)


def _resolved_thresholds(table: dict[str, float], resolve, key: str) -> dict[str, float]:
    """Rule code -> threshold. ALL first, then categories and prefixes, then single rules: the narrowest wins."""
    out: dict[str, float] = {}
    ranked = sorted(table.items(), key=lambda kv: (kv[0].upper() != "ALL", len(resolve(kv[0], key)) == 1))
    for name, number in ranked:
        for c in resolve(name, key):
            out[c.code] = number
    return out


def verifier_model(settings: Settings):
    """The verifier the settings name (None when off); a model that cannot be read is a config error."""
    from copydesk import verifier

    name = settings.verifier
    if name == "off":
        return None
    path = None
    if name != "builtin":
        path = Path(name)
        if not path.is_absolute() and settings.root is not None:
            path = settings.root / path
    try:
        return verifier.load(path)
    except verifier.VerifierError as exc:
        where = str(settings.source) if settings.source else "settings"
        raise ConfigError(f"{where}: 'verifier': {exc}") from None
