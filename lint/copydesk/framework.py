"""The kind framework every rule kind builds on: Option, the @kind decorator and the KINDS table, option
coercion and safe pattern compiling. It imports no kind; the registry loads them (registry.load_kinds)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from copydesk.document import BLOCK_KINDS

# Python 3.11+ keeps the regex parser under re; the old top-level modules warn on import.
from re import _constants as sre_constants
from re import _parser as sre_parse


class OptionError(ValueError):
    """An option value that does not fit its declared type."""


@dataclass(frozen=True)
class Option:
    """One card option: its type, default and a line for the docs.

    Types: int, float, bool, str, list[str], regex, list[regex], block-kinds, lexicons (names of word
    lists in rules/lexicons/), mapping (term -> preferred form), patterns (spaCy Matcher token patterns),
    list[dict] (small mappings, such as a Vale sequence's tokens).
    Patterns are Python `re` syntax (the dialect is stated in docs/rule-cards.md), compiled
    case-insensitively at load, and refused if they nest unbounded repeats (catastrophic backtracking).
    """

    type: str
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    validate: Callable[[Any], Any] | None = None  # raises ValueError with a one-line reason


@dataclass(frozen=True)
class Kind:
    name: str
    check: Callable[..., Iterable[Any]]
    options: dict[str, Option]
    fields: tuple[str, ...]  # names a card's message template may use
    needs_nlp: bool | tuple[str, ...] = False  # True: every analysis; or some of nlp.ANALYSES
    covers: bool = False  # its findings stand for any finding of the same category inside their span
    defers: bool = False  # its findings give way to any other rule's finding on the same span (an outside engine)

    @property
    def analyses(self) -> frozenset[str]:
        """What the kind reads from spaCy: sentences, tags, lemmas, parse, entities."""
        if not self.needs_nlp:
            return frozenset()
        if self.needs_nlp is True:
            return frozenset(("sentences", "tags", "lemmas", "parse", "entities"))
        return frozenset(self.needs_nlp)


KINDS: dict[str, Kind] = {}


def kind(name: str, *, options: dict[str, Option] | None = None, fields: tuple[str, ...] = (),
         needs_nlp: bool | tuple[str, ...] = False, covers: bool = False, defers: bool = False):
    """Register a kind function under a name rule cards can use.

    covers: the kind reports a whole unit (a repeated block, a furniture region) and its finding
    stands for every finding of its category inside that span: one defect, one finding."""

    def register(func):
        KINDS[name] = Kind(name, func, options or {}, fields, needs_nlp, covers, defers)
        return func

    return register


_SAMPLE = [chr(c) for c in range(0x20, 0x7F)] + list("\t\néßЖ中٣")
_CATEGORIES = {
    sre_constants.CATEGORY_WORD: lambda c: c.isalnum() or c == "_",
    sre_constants.CATEGORY_NOT_WORD: lambda c: not (c.isalnum() or c == "_"),
    sre_constants.CATEGORY_DIGIT: str.isdigit, sre_constants.CATEGORY_NOT_DIGIT: lambda c: not c.isdigit(),
    sre_constants.CATEGORY_SPACE: str.isspace, sre_constants.CATEGORY_NOT_SPACE: lambda c: not c.isspace(),
}


def _one_char(item) -> Any:
    """A predicate for an element that matches exactly one character (a literal, a class), else None."""
    op, arg = item
    if op == sre_constants.LITERAL:
        return lambda c: c.lower() == chr(arg).lower()
    if op == sre_constants.NOT_LITERAL:
        return lambda c: c.lower() != chr(arg).lower()
    if op == sre_constants.IN:
        negate = any(o == sre_constants.NEGATE for o, _ in arg)
        tests = []
        for o, a in arg:
            if o == sre_constants.LITERAL:
                tests.append(lambda c, a=a: c.lower() == chr(a).lower())
            elif o == sre_constants.RANGE:
                tests.append(lambda c, a=a: any(a[0] <= ord(x) <= a[1]
                                                for x in (c, c.lower(), c.upper()) if len(x) == 1))
            elif o == sre_constants.CATEGORY and a in _CATEGORIES:
                tests.append(_CATEGORIES[a])
            elif o != sre_constants.NEGATE:
                return None
        return lambda c: any(t(c) for t in tests) != negate
    return None


def _delimited(tree: list, i: int) -> bool:
    """The unbounded repeat at tree[i] is of one character class, and the next required element is a character
    it cannot match ("[a-z]+ ", "[^,]+,"): each pass of the enclosing repeat then ends at a place fixed by the
    text, so the nesting cannot multiply the ways to match."""
    _lo, _hi, sub = tree[i][1]
    inner = _one_char(sub[0]) if len(sub) == 1 else None
    nxt = next((t for t in tree[i + 1:] if t[0] != sre_constants.AT), None)
    follower = _one_char(nxt) if nxt is not None else None
    return inner is not None and follower is not None and not any(inner(c) and follower(c) for c in _SAMPLE)


def _nested_repeat(tree, inside_repeat: bool = False) -> bool:
    tree = list(tree)
    for i, (op, arg) in enumerate(tree):
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)):
            lo, hi, sub = arg
            unbounded = hi == sre_constants.MAXREPEAT or hi > 50
            if unbounded and inside_repeat and not _delimited(tree, i):
                return True
            if _nested_repeat(sub, inside_repeat or unbounded):
                return True
        elif op == sre_constants.SUBPATTERN:
            if _nested_repeat(arg[-1], inside_repeat):
                return True
        elif op == sre_constants.BRANCH:
            if any(_nested_repeat(b, inside_repeat) for b in arg[1]):
                return True
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            if _nested_repeat(arg[1], inside_repeat):
                return True
    return False


def compile_pattern(pattern: str) -> re.Pattern:
    """Compile a card pattern, refusing ones that could backtrack without end."""
    if not isinstance(pattern, str) or not pattern:
        raise OptionError("a pattern must be a non-empty string")
    try:
        tree = sre_parse.parse(pattern)
        compiled = re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise OptionError(f"pattern {pattern!r} does not compile: {exc}") from None
    if _nested_repeat(list(tree)):
        raise OptionError(f"pattern {pattern!r} nests unbounded repeats and could backtrack forever")
    return compiled


def coerce_option(opt: Option, value: Any) -> Any:
    value = _coerce(opt, value)
    if opt.validate is not None:
        try:
            opt.validate(value)
        except ValueError as exc:
            raise OptionError(str(exc)) from None
    return value


def _coerce(opt: Option, value: Any) -> Any:
    t = opt.type
    if t == "bool":
        if not isinstance(value, bool):
            raise OptionError(f"expected true or false, got {value!r}")
        return value
    if t in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (t == "int" and not isinstance(value, int)):
            raise OptionError(f"expected a number ({t}), got {value!r}")
        if opt.min is not None and value < opt.min or opt.max is not None and value > opt.max:
            raise OptionError(f"{value!r} is outside {opt.min}..{opt.max}")
        return value
    if t == "str":
        if not isinstance(value, str):
            raise OptionError(f"expected text, got {value!r}")
        if opt.choices and value not in opt.choices:
            raise OptionError(f"expected one of {', '.join(opt.choices)}, got {value!r}")
        return value
    if t == "regex":
        return compile_pattern(value)
    if t == "mapping":  # term -> preferred form (a house style's swap table)
        if not isinstance(value, dict) or not all(isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
                                                  for k, v in value.items()):
            raise OptionError(f"expected a mapping of terms to their preferred forms, got {value!r}")
        return {" ".join(k.split()): " ".join(v.split()) for k, v in value.items()}
    if t == "list[dict]":  # a list of small mappings (a Vale sequence's tokens), checked by the kind's validate
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise OptionError(f"expected a list of mappings, got {value!r}")
        return [dict(v) for v in value]
    if t == "patterns":  # spaCy Matcher token patterns, checked by the kind's validate
        if not isinstance(value, list):
            raise OptionError(f"expected a list of token patterns, got {value!r}")
        return [list(p) if isinstance(p, list) else p for p in value]
    if t in ("list[str]", "list[regex]", "block-kinds", "lexicons"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise OptionError(f"expected a list of strings, got {value!r}")
        if t == "list[regex]":
            compiled, errors = [], []
            for v in value:  # every bad pattern is named, not only the first
                try:
                    compiled.append(compile_pattern(v))
                except OptionError as exc:
                    errors.append(str(exc))
            if errors:
                raise OptionError("; ".join(errors))
            return compiled
        if t == "lexicons":
            from copydesk.lexicon import lexicon_dir  # lazily: the lexicon module reads the registry's folder

            missing = [v for v in value if not (lexicon_dir() / f"{v}.txt").is_file()]
            if missing:
                known = sorted(p.stem for p in lexicon_dir().glob("*.txt"))
                raise OptionError(f"unknown word list(s) {', '.join(missing)}; lists: {', '.join(known)}")
        if t == "block-kinds":
            bad = [v for v in value if v not in BLOCK_KINDS]
            if bad:
                raise OptionError(f"unknown block kind(s) {', '.join(bad)}; known: {', '.join(BLOCK_KINDS)}")
        return list(value)
    raise OptionError(f"unknown option type {t}")  # pragma: no cover - a programming error
