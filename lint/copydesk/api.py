"""The library API: the one way in for every caller (the CLI, `--jobs` workers, the Dask archive, the HTTP
service, the language server, and your own code). Check a text as a file name with these settings and get its
findings; explain a rule; list the rules; render the versioned JSON report.

    from copydesk import api

    linter = api.Linter()                        # settings from the config file found upward of each path
    result = linter.check_text("Skip to content\\n\\nThe pier reopened.\\n", path="drafts/pier.md")
    for f in result.findings:
        print(f.line, f.code, f.message)
    print(api.explain("BOI001"))

A Linter is warm: it keeps its settings, its rule cards, the spaCy model and (with `warm=True`, the default) a
cache of parsed blocks, so a re-check after one paragraph is edited parses only that paragraph. Its findings
are identical to a cold `copydesk check` of the same text under the same name (tests/test_api.py).
"""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path
from typing import Any, Iterable, Iterator

from copydesk.engine import FileResult
from copydesk.finding import Finding
from copydesk.run import CheckOptions, Checker, ResultCache, check_all, check_path

__all__ = ["Linter", "FileResult", "Finding", "check_text", "check_file", "explain", "rules", "json_report",
           "FORMATS"]

# What a caller may give as `fmt`: the reader it selects. A name without a suffix is read as plain text.
FORMATS = {"md": "md", "markdown": "md", "txt": "txt", "text": "txt", "html": "html", "htm": "html"}
DEFAULT_PARSE_CACHE_CHARS = 2_000_000  # about 330 drafts of 1,000 words; see benchmarks/warm.py for memory
MAX_SELECTIONS = 32  # rule selections a Linter keeps built at once (a service sees a few, not thousands)


class Linter:
    """Settings, rules and the model, built once and reused for every check.

    config: a config file (.copydesk.toml or pyproject.toml) used for every path; None to find each path's
    config upward from it, as `copydesk check` does; False for the built-in defaults, whatever is on disk.
    select / ignore: rule codes, names or categories, as on the command line. warm: keep parsed blocks
    between checks (parse_cache_chars of text at most, least recently used first out)."""

    def __init__(self, config: str | Path | None | bool = None, *, select: Iterable[str] | None = None,
                 ignore: Iterable[str] | None = None, preview: bool = False, warm: bool = True,
                 parse_cache_chars: int = DEFAULT_PARSE_CACHE_CHARS, debug: bool = False,
                 stdin_filename: str | None = None, parse_cache=None):
        from copydesk.config import Settings
        from copydesk.nlp import ParseCache

        self.config = config
        self._defaults = Settings() if config is False else None
        if self._defaults is not None and preview:
            self._defaults.preview = True
        self.preview = preview
        self.debug = debug
        self.stdin_filename = stdin_filename
        # A caller rebuilding its Linter (new settings) may hand over the old one's cache: parses do not
        # depend on settings, only on the model and the analyses, which are part of each entry's key.
        self.parse_cache = parse_cache if parse_cache is not None else ParseCache(parse_cache_chars) if warm else None
        self._checkers: OrderedDict[tuple, Checker] = OrderedDict()
        self.default_select = _codes(select)
        self.default_ignore = _codes(ignore)
        self.checker = self._checker(self.default_select, self.default_ignore)

    @classmethod
    def from_options(cls, options: CheckOptions, warm: bool = False) -> "Linter":
        """The Linter for a run's CheckOptions (what the CLI gives its worker processes and Dask tasks)."""
        return cls(options.config, select=options.select, ignore=options.ignore, preview=options.preview,
                   warm=warm, debug=options.debug, stdin_filename=options.stdin_filename)

    @property
    def options(self) -> CheckOptions:
        return self.checker.options

    def _checker(self, select: tuple[str, ...] | None, ignore: tuple[str, ...] | None) -> Checker:
        key = (select, ignore)
        if key in self._checkers:
            self._checkers.move_to_end(key)
            return self._checkers[key]
        config = str(self.config) if self.config not in (None, False) else None
        options = CheckOptions(select=select, ignore=ignore, config=config, preview=self.preview, debug=self.debug,
                               stdin_filename=self.stdin_filename)
        checker = Checker(options, parse_cache=self.parse_cache, settings=self._defaults)
        self._checkers[key] = checker
        while len(self._checkers) > MAX_SELECTIONS:
            self._checkers.popitem(last=False)
        return checker

    def check_text(self, text: str, path: str = "draft.txt", fmt: str | None = None, *,
                   select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> FileResult:
        """Check text as if it were the file `path` (its name picks the reader and the settings that apply to
        it, and appears in the findings); fmt (md, txt, html) overrides the reader the name implies."""
        return self.check_bytes(text.encode("utf-8", "surrogatepass"), path, fmt, select=select, ignore=ignore)

    def check_bytes(self, data: bytes, path: str = "draft.txt", fmt: str | None = None, *,
                    select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> FileResult:
        """Check a file's bytes (decoded as `copydesk check` decodes a file) under the name `path`."""
        checker = self.checker_for(select, ignore)
        reader = _reader(fmt)
        return check_path(checker, path, path, None, data=data) if reader is None else \
            checker.check_bytes(path, data, fmt=reader)

    def check_file(self, path: str | Path, cache: ResultCache | None = None, *, display: str | None = None,
                   data: bytes | None = None) -> FileResult:
        """Check one file on disk (special files skipped, unreadable ones reported in the result's errors),
        shown as `display`; with data, those bytes instead of the file's (stdin is path "-")."""
        return check_path(self.checker, str(path), display or str(path), cache, data=data)

    def check_files(self, paths: Iterable[str | Path | tuple[str, str]], jobs: int = 1,
                    cache: ResultCache | None = None, notices: list[str] | None = None,
                    progress: bool = False) -> Iterator[FileResult]:
        """Results for many files, in order, from `jobs` worker processes (each builds its own Linter and loads
        the model once). An item may be a (path, name shown in the report) pair."""
        items = [p if isinstance(p, tuple) else (str(p), str(p)) for p in paths]
        return check_all(self.checker, items, jobs, cache, progress=progress, notices=notices)

    def checker_for(self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> Checker:
        """The Checker for a rule selection (the Linter's own when none is given); built once and kept."""
        if select is None and ignore is None:
            return self.checker
        return self._checker(_codes(select) or self.default_select, _codes(ignore) or self.default_ignore)

    def settings_for(self, path: str):
        """The Settings that apply to path (its config file, or the Linter's fixed config)."""
        return self.checker.settings_for(path)

    def cards_for(self, path: str = "draft.md", select: Iterable[str] | None = None,
                  ignore: Iterable[str] | None = None) -> list:
        """The rule cards a check of path runs, with this Linter's settings and selection."""
        checker = self.checker_for(select, ignore)
        return checker.ruleset_for(checker.settings_for(path)).for_path(path)

    def rule(self, code: str):
        """A rule card by code or name (the Linter's registry, so extend-rules cards too), or None."""
        return self.checker.ruleset_for(self.checker.settings_for(str(Path.cwd() / "draft.md"))).registry.lookup(code)


def _codes(values: Iterable[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    out = tuple(v.strip() for item in values for v in str(item).split(",") if v.strip())
    return out or None


def _reader(fmt: str | None) -> str | None:
    if fmt is None:
        return None
    reader = FORMATS.get(fmt.lower().lstrip("."))
    if reader is None:
        raise ValueError(f"unknown format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    return reader


# -- module-level conveniences -------------------------------------------------------------------------------

_DEFAULT: dict[Any, Linter] = {}


def _shared(config: Any) -> Linter:
    """One warm Linter per config, per process, for the module-level functions."""
    key = str(config) if config not in (None, False) else config
    if key not in _DEFAULT:
        _DEFAULT[key] = Linter(config)
    return _DEFAULT[key]


def check_text(text: str, path: str = "draft.txt", fmt: str | None = None, *, select: Iterable[str] | None = None,
               ignore: Iterable[str] | None = None, config: str | Path | None | bool = None) -> FileResult:
    """Check text as the file `path` with these settings (see Linter); a warm Linter is kept per config."""
    return _shared(config).check_text(text, path, fmt, select=select, ignore=ignore)


def check_file(path: str | Path, *, config: str | Path | None | bool = None) -> FileResult:
    """Check one file on disk, as `copydesk check` would."""
    return _shared(config).check_file(path)


def explain(code: str, registry=None) -> str:
    """The rule's documentation (why, flagged and not-flagged examples, options) as Markdown."""
    from copydesk.explain import explain_text
    from copydesk.registry import load_registry

    card = (registry or load_registry()).lookup(code)
    if card is None:
        raise KeyError(f"unknown rule {code!r}")
    return explain_text(card)


def rules(registry=None) -> list[dict[str, Any]]:
    """Every rule: code, name, category, severity, status, kind (what `copydesk rules --format json` prints)."""
    from copydesk.registry import load_registry

    return [rule_json(c) for c in (registry or load_registry()).cards]


def rule_json(card) -> dict[str, Any]:
    return {"code": card.code, "name": card.name, "category": card.category, "severity": card.severity,
            "status": card.status, "kind": card.kind, "style": card.style}


def json_report(results: list[FileResult], fail_on: str = "warning", notices: list[str] | None = None) -> dict:
    """The versioned JSON report of `copydesk check --format json` (docs/json-report.md), as a dict."""
    from copydesk.report import summarize
    from copydesk.report.json import report_dict

    return report_dict(results, summarize(results, fail_on, failing(results, fail_on), notices))


def failing(results: list[FileResult], fail_on: str) -> bool:
    """Whether any finding is at or above the fail level ("never" fails nothing)."""
    if fail_on == "never":
        return False
    from copydesk.finding import SEVERITY_RANK

    return any(SEVERITY_RANK[f.severity] <= SEVERITY_RANK[fail_on] for r in results for f in r.findings)


def lint_text(text: str, path: str = "draft.txt", fmt: str | None = None, select: list[str] | None = None,
              ignore: list[str] | None = None) -> FileResult:
    """Library convenience kept for old callers (`copydesk.lint_text`): check_text with the default settings."""
    return check_text(text, path, fmt=fmt, select=select, ignore=ignore, config=False)
