"""Loads and validates the YAML rule cards; every problem in every card is reported at once."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from copydesk.finding import SEVERITIES
from copydesk.framework import KINDS, Kind, OptionError, coerce_option
from copydesk.paths import _shipped, default_rules_dir, default_styles_dir  # noqa: F401  (callers import them here)

CATEGORIES = {
    "duplication": ("DUP", "the same text twice: captions, paragraphs, sentences, summaries that restate the body"),
    "relevance": ("REL", "text that belongs to another story, or claims the article does not support"),
    "boilerplate": ("BOI", "page furniture left in the draft: navigation, widgets, prompts"),
    "structure": ("STR", "broken article shape: competing headlines, empty items, dumped tag lists"),
    "neutrality": ("NEU", "the reporter's own opinion: loaded adverbs and adjectives outside quotes"),
    "sourcing": ("SRC", "claims pinned on nobody: unnamed experts, critics, concerns"),
    "consistency": ("CON", "the same thing named two ways; relative times with no dateline"),
    "readability": ("REA", "sentences and paragraphs too hard to read"),
    "grammar": ("GRM", "grammar and capitalisation"),
    # House style comes in styles (docs/house-style.md): a style's cards may use any three-letter prefix that
    # is not one of the categories' above, so two styles need not share a numbering.
    "style": ("STY", "house style: a newsroom's preferred terms, banned phrases and limits, from the styles "
                     "its config selects (none are built in)"),
}
BUILT_IN_PREFIXES = {prefix for category, (prefix, _) in CATEGORIES.items() if category != "style"}
STYLE_MANIFEST = "style.yaml"
BUILT_IN_STYLE = "copydesk"
STATUSES = ("stable", "preview")
CARD_KEYS = {"code", "name", "category", "kind", "severity", "message", "options", "why", "examples", "status",
             "confidence", "advisory-below"}
REQUIRED_KEYS = ("code", "name", "category", "kind", "severity", "message", "why", "examples")


class RegistryError(Exception):
    """One or more rule cards are broken; `problems` lists each as one line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class RuleCard:
    code: str
    name: str
    category: str
    kind: str
    severity: str
    message: str
    why: str
    examples: dict[str, list[dict[str, str]]]
    options: dict[str, Any] = field(default_factory=dict)
    raw_options: dict[str, Any] = field(default_factory=dict)
    status: str = "stable"
    confidence: float = 1.0
    path: str = ""
    # Findings with less confidence than this are shown as info (advisory); 0 keeps every finding at `severity`.
    advisory_below: float = 0.0
    # Findings with less confidence than this are not reported at all (a user setting; cards leave it at 0).
    min_confidence: float = 0.0
    style: str = BUILT_IN_STYLE  # the style (folder with a style.yaml manifest) the card came from
    # Set per article by the genre policy (copydesk.genre): the article's genre makes this rule advisory, save
    # for findings whose evidence holds in any genre (Finding.any_genre).
    genre_relaxed: bool = False
    # The verifier's model of this rule (copydesk.verifier.RuleModel), set from the settings: its findings'
    # confidence is the model's probability, and advisory-below its threshold unless the config sets one.
    verifier: Any = None

    @property
    def kind_impl(self) -> Kind:
        return load_kinds()[self.kind]

    def render_message(self, values: dict[str, Any]) -> str:
        return self.message.format_map(_Defaulting(values))

    def with_options(self, overrides: dict[str, Any]) -> "RuleCard":
        """A copy with user options applied (validated like the card's own)."""
        kind = self.kind_impl
        options = dict(self.options)
        raw = dict(self.raw_options)
        for key, value in overrides.items():
            if key not in kind.options:
                raise OptionError(f"rule {self.code} ({self.name}) has no option {key!r}; "
                                  f"options: {', '.join(sorted(kind.options)) or 'none'}")
            try:
                options[key] = coerce_option(kind.options[key], value)
            except OptionError as exc:
                raise OptionError(f"rule {self.code} option {key!r}: {exc}") from None
            raw[key] = value
        copy = RuleCard(**{**self.__dict__, "options": options, "raw_options": raw})
        return copy


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass
class Style:
    """A folder of rule cards with a manifest: a newsroom's stylebook, or copydesk's own rules."""

    name: str
    version: str
    licence: str
    description: str
    path: str
    # An imported Vale style's one setting: its checks skip quoted speech, as copydesk's own rules do.
    voice_aware: bool = False


@dataclass
class Registry:
    cards: list[RuleCard]
    redirects: dict[str, str] = field(default_factory=dict)
    styles: dict[str, Style] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_key: dict[str, RuleCard] = {}
        for card in self.cards:
            self.by_key[card.code.upper()] = card
            self.by_key[card.name.lower()] = card
            origin = card.options.get("origin") if isinstance(card.options, dict) else None
            if origin:  # an imported Vale check keeps its name: Microsoft.Contractions
                self.by_key[origin.upper()] = card

    def lookup(self, key: str) -> RuleCard | None:
        key = self.redirects.get(key, self.redirects.get(key.upper(), key))
        return self.by_key.get(key.upper()) or self.by_key.get(key.lower())

    def resolve(self, selector: str) -> list[RuleCard] | None:
        """Cards matched by a code, a name, a category, a style's name, a code prefix (DUP) or ALL; None if
        nothing matches."""
        if selector.upper() == "ALL":
            return list(self.cards)
        card = self.lookup(selector)
        if card:
            return [card]
        if selector.lower() in CATEGORIES:
            return [c for c in self.cards if c.category == selector.lower()]
        if selector in self.styles:
            return [c for c in self.cards if c.style == selector] or None
        prefixed = [c for c in self.cards if c.code.upper().startswith(selector.upper())]
        return prefixed or None


# libyaml's loader where PyYAML was built with it: the same safe loading, a tenth of the cost a cold check pays
# for its forty cards (0.18 s in pure Python).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_yaml(text: str):
    return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader


def _check_template(message: str, kind: Kind) -> str | None:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(message) if f}
    except ValueError as exc:
        return f"message template is malformed: {exc}"
    unknown = sorted(n for n in names if n.split(".")[0].split("[")[0] not in kind.fields)
    if unknown:
        return f"message uses unknown field(s) {', '.join(unknown)}; this kind offers: {', '.join(kind.fields) or 'none'}"
    return None


def _examples(value: Any, where: str, problems: list[str], outside: bool = False) -> dict[str, list[dict[str, str]]]:
    """The card's fail and pass examples. A kind that only relays an outside engine (LanguageTool) cannot
    fail without that engine, so its fail list may be empty; its pass examples still run."""
    out: dict[str, list[dict[str, str]]] = {"fail": [], "pass": []}
    if not isinstance(value, dict):
        problems.append(f"{where}: examples must be a mapping with 'fail' and 'pass' lists")
        return out
    for key in value:
        if key not in out:
            problems.append(f"{where}: examples has unknown key {key!r} (expected fail, pass)")
    for key in ("fail", "pass"):
        items = value.get(key)
        if outside and key == "fail" and items == []:
            continue
        if not isinstance(items, list) or not items:
            problems.append(f"{where}: examples.{key} needs at least one example")
            continue
        for item in items:
            if isinstance(item, str):
                out[key].append({"text": item, "format": "txt"})
            elif isinstance(item, dict) and isinstance(item.get("text"), str) and item.get("format", "txt") in ("txt", "md", "html"):
                out[key].append({"text": item["text"], "format": item.get("format", "txt")})
            else:
                problems.append(f"{where}: examples.{key} items must be text or {{text, format: txt|md|html}}")
    return out


def parse_card(data: Any, where: str, kinds: dict[str, Kind], problems: list[str]) -> RuleCard | None:
    if not isinstance(data, dict):
        problems.append(f"{where}: a rule card must be a YAML mapping")
        return None
    before = len(problems)
    for key in sorted(set(data) - CARD_KEYS):
        problems.append(f"{where}: unknown key {key!r}")
    for key in REQUIRED_KEYS:
        if key == "examples" and str(data.get("kind", "")).startswith("vale_"):
            continue  # imported checks: see below
        if key not in data:
            problems.append(f"{where}: missing required key {key!r}")
    code = str(data.get("code", ""))
    category = data.get("category")
    if category is not None and category not in CATEGORIES:
        problems.append(f"{where}: unknown category {category!r}; categories: {', '.join(CATEGORIES)}")
    elif category == "style" and code and code[:3].upper() in BUILT_IN_PREFIXES:
        problems.append(f"{where}: a house style card's code {code!r} may not use a built-in category's prefix "
                        f"({', '.join(sorted(BUILT_IN_PREFIXES))})")
    elif category and category != "style" and code and not code.startswith(CATEGORIES[category][0]):
        problems.append(f"{where}: code {code!r} must start with {CATEGORIES[category][0]} for category {category}")
    if code and not (code[:3].isalpha() and code[3:].isdigit() and len(code) == 6):
        problems.append(f"{where}: code {code!r} must be three letters and three digits, e.g. DUP001")
    name = data.get("name")
    if name is not None and (not isinstance(name, str) or not name.replace("-", "").isalnum() or name != name.lower()):
        problems.append(f"{where}: name {name!r} must be lowercase words joined by hyphens")
    if data.get("severity") is not None and data.get("severity") not in SEVERITIES:
        problems.append(f"{where}: severity must be one of {', '.join(SEVERITIES)}")
    status = data.get("status", "stable")
    if status not in STATUSES:
        problems.append(f"{where}: status must be one of {', '.join(STATUSES)}")
    confidence = data.get("confidence", 1.0)
    if isinstance(confidence, bool) or not isinstance(confidence, (int, float)) or not 0 < confidence <= 1:
        problems.append(f"{where}: confidence must be a number in (0, 1]")
    advisory = data.get("advisory-below", 0.0)
    if isinstance(advisory, bool) or not isinstance(advisory, (int, float)) or not 0 <= advisory <= 1:
        problems.append(f"{where}: advisory-below must be a number in [0, 1]")
    kind = kinds.get(data.get("kind")) if isinstance(data.get("kind"), str) else None
    if "kind" in data and kind is None:
        problems.append(f"{where}: unknown kind {data.get('kind')!r}; kinds: {', '.join(sorted(kinds))}")
    options: dict[str, Any] = {}
    raw_options = data.get("options") or {}
    if not isinstance(raw_options, dict):
        problems.append(f"{where}: options must be a mapping")
        raw_options = {}
    if kind:
        for key, value in raw_options.items():
            if key not in kind.options:
                problems.append(f"{where}: unknown option {key!r} for kind {kind.name}; options: "
                                f"{', '.join(sorted(kind.options)) or 'none'}")
                continue
            try:
                options[key] = coerce_option(kind.options[key], value)
            except OptionError as exc:
                problems.append(f"{where}: option {key!r}: {exc}")
        for key, opt in kind.options.items():
            if key not in options:
                options[key] = coerce_option(opt, opt.default) if opt.default is not None else None
        if isinstance(data.get("message"), str):
            bad = _check_template(data["message"], kind)
            if bad:
                problems.append(f"{where}: {bad}")
    for key in ("message", "why"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            problems.append(f"{where}: {key} must be non-empty text")
    imported = bool(kind and kind.name.startswith("vale_") and raw_options.get("origin"))
    if imported and "examples" not in data:
        examples = {"fail": [], "pass": []}  # a converted Vale check is proven on Vale's own tests instead
    else:
        examples = (_examples(data.get("examples"), where, problems, outside=bool(kind and kind.defers))
                    if "examples" in data else {})
    if len(problems) > before:
        return None
    return RuleCard(code=code, name=name, category=category, kind=kind.name, severity=data["severity"],
                    message=data["message"].strip(), why=" ".join(data["why"].split()), examples=examples,
                    options=options, raw_options=dict(raw_options), status=status, confidence=float(confidence),
                    path=where, advisory_below=float(advisory))


def load_cards(dirs: list[Path]) -> Registry:
    """Read every *.yaml card under the given folders; raise RegistryError listing all problems."""
    kinds = load_kinds()
    problems: list[str] = []
    cards: list[RuleCard] = []
    redirects: dict[str, str] = {}
    styles: dict[str, Style] = {}
    for root in dirs:
        if not root.is_dir():
            problems.append(f"{root}: rules folder not found")
            continue
        style = read_manifest(root, problems)
        if style is not None:
            if style.name in styles:
                problems.append(f"{root}: style {style.name!r} is already loaded from {styles[style.name].path}")
            styles[style.name] = style
        redirect_file = root / "redirects.yaml"
        if redirect_file.is_file():
            data = _load_yaml(redirect_file.read_text(encoding="utf-8")) or {}
            if not isinstance(data, dict):
                problems.append(f"{redirect_file}: must map old codes or names to new ones")
            else:
                redirects.update({str(k): str(v) for k, v in data.items()})
        for path in sorted(root.rglob("*.y*ml")):
            if path.name in ("redirects.yaml", STYLE_MANIFEST):
                continue
            where = str(path.relative_to(root.parent)) if root.parent in path.parents else str(path)
            try:
                data = _load_yaml(path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, UnicodeDecodeError) as exc:
                problems.append(f"{where}: not valid YAML: {str(exc).splitlines()[0]}")
                continue
            card = parse_card(data, where, kinds, problems)
            if card:
                card.style = style.name if style is not None else ""
                if style is not None and style.voice_aware and card.kind.startswith("vale_"):
                    from copydesk.kinds.vale import voice_aware_scope

                    card.options["scope"] = voice_aware_scope(card.options["scope"])
            if card:
                if path.parent.name != card.category and path.parent.name in CATEGORIES:
                    problems.append(f"{where}: card of category {card.category} sits in folder {path.parent.name}/")
                cards.append(card)
    seen: dict[str, str] = {}
    for card in cards:
        for key in (card.code, card.name):
            if key in seen:
                problems.append(f"{card.path}: {key} is already used by {seen[key]}")
            seen[key] = card.path
    for old, new in redirects.items():
        if old in seen:
            problems.append(f"redirects.yaml: {old} is redirected but still names a live rule")
        if new not in seen:
            problems.append(f"redirects.yaml: {old} redirects to unknown rule {new}")
    if problems:
        raise RegistryError(problems)
    cards.sort(key=lambda c: c.code)
    return Registry(cards, redirects, styles)


def read_manifest(root: Path, problems: list[str]) -> Style | None:
    """The folder's style.yaml (name, version, licence, description); the built-in rules are the "copydesk"
    style, and a folder of cards without a manifest (extend-rules) belongs to no style."""
    path = root / STYLE_MANIFEST
    if not path.is_file():
        return Style(BUILT_IN_STYLE, "", "MIT", "copydesk's own rules", str(root)) \
            if root.resolve() == default_rules_dir().resolve() else None
    try:
        data = _load_yaml(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(f"{path}: not valid YAML: {str(exc).splitlines()[0]}")
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}: a style manifest must be a mapping of name, version, licence, description")
        return None
    unknown = sorted(set(data) - {"name", "version", "licence", "license", "description", "voice_aware"})
    if unknown:
        problems.append(f"{path}: unknown key(s) {', '.join(unknown)} (name, version, licence, description, "
                        f"voice_aware)")
    if not isinstance(data.get("voice_aware", False), bool):
        problems.append(f"{path}: voice_aware must be true or false")
        return None
    name = data.get("name")
    if not isinstance(name, str) or not name or not name.replace("-", "").replace("_", "").isalnum():
        problems.append(f"{path}: name must be letters, digits, hyphens or underscores")
        return None
    if name.lower() in CATEGORIES or name.upper() == "ALL":
        problems.append(f"{path}: a style may not be named like a category or ALL")
        return None
    return Style(name, str(data.get("version", "")), str(data.get("licence", data.get("license", ""))),
                 " ".join(str(data.get("description", "")).split()), str(root), bool(data.get("voice_aware")))


LOADED_FOLDERS: set[str] = set()  # every extra card folder loaded in this process (a daemon watches them)


@lru_cache(maxsize=8)
def load_registry(extra_dirs: tuple[str, ...] = ()) -> Registry:
    LOADED_FOLDERS.update(str(d) for d in extra_dirs)
    return load_cards([default_rules_dir(), *(Path(d) for d in extra_dirs)])


_LOADED: list[bool] = []


def load_kinds() -> dict[str, Kind]:
    """Import every kind module so each registers itself (once: every rule's run asks for its kind)."""
    if not _LOADED:
        from copydesk.kinds import (boilerplate, consistency, duplicate, grammar, house, meta,  # noqa: F401
                                    neutrality, readability, relevance, sourcing, structure, vale)

        _LOADED.append(True)
    return KINDS
