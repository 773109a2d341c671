"""Command line: `copydesk check|rules|explain`; every check goes through engine.lint_article()."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import IO, Iterator

from copydesk import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
SUFFIXES = {".md", ".markdown", ".txt", ".html", ".htm"}
FAIL_RANK = {"error": 0, "warning": 1, "info": 2}


class UsageError(Exception):
    """Bad command line; one line for the user, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's default exits 2 too, but with a usage dump
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="copydesk", description="An editorial quality linter for news drafts.")
    parser.add_argument("--version", action="version", version=f"copydesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="check drafts and print a ranked report",
                           description="Check drafts (.md, .markdown, .txt, .html, .htm; folders are walked).")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or folders; '-' reads stdin")
    check.add_argument("--format", choices=("text", "json", "github", "sarif"), default="text",
                       help="report format (default: text)")
    check.add_argument("--fail-on", choices=("error", "warning", "info", "never"),
                       help="lowest severity that makes the exit code 1 (default: warning)")
    check.add_argument("--select", action="append", metavar="RULES",
                       help="only these rules: codes, names or categories, comma-separated")
    check.add_argument("--ignore", action="append", metavar="RULES", help="skip these rules")
    check.add_argument("--preview", action="store_true", help="include preview rules in broad selections")
    check.add_argument("--config", metavar="FILE", help="use this config file instead of searching upward")
    check.add_argument("--stdin-filename", metavar="NAME", help="name (and format) for the text read from '-'")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="skip files matching GLOB")
    check.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--quiet", "-q", action="store_true", help="one line per finding, no excerpts or summary")
    check.add_argument("--no-color", action="store_true", help="plain text (also when NO_COLOR is set)")
    check.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    explain = sub.add_parser("explain", help="explain one rule: why, examples, options")
    explain.add_argument("rule", metavar="CODE|NAME")
    return parser


def _split(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        print(f"copydesk: error: {exc} (see copydesk --help)", file=sys.stderr)
        return EXIT_ERROR
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
    debug = getattr(args, "debug", False)
    try:
        if args.command == "rules":
            return cmd_rules(args)
        if args.command == "explain":
            return cmd_explain(args)
        return cmd_check(args)
    except UsageError as exc:
        print(f"copydesk: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("copydesk: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # config, registry and model errors, and anything unforeseen: one line, exit 2
        from copydesk.config import ConfigError
        from copydesk.registry import RegistryError

        if debug:
            raise
        if isinstance(exc, RegistryError):
            for problem in exc.problems:
                print(f"copydesk: rule card error: {problem}", file=sys.stderr)
        elif isinstance(exc, ConfigError):
            print(f"copydesk: config error: {exc}", file=sys.stderr)
        elif type(exc).__name__ == "ModelError":  # nlp.py is not imported unless a rule needed it
            print(f"copydesk: error: {exc}", file=sys.stderr)
        else:
            name = type(exc).__name__
            detail = str(exc).splitlines()[0] if str(exc) else ""
            print(f"copydesk: error: {name}{': ' + detail if detail else ''} (rerun with --debug for details)",
                  file=sys.stderr)
        return EXIT_ERROR


# -- check ---------------------------------------------------------------------------------------------------

def iter_files(paths: list[str], excluded) -> Iterator[str]:
    """Files to check, in a stable order: explicit files as given, folders walked without following symlinks."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("node_modules", "__pycache__"))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if Path(name).suffix.lower() in SUFFIXES and not os.path.islink(full) and not excluded(full):
                        yield full
        elif p.exists():
            if not excluded(raw):
                yield raw
        else:
            raise UsageError(f"no such file or directory: {raw}")


def _special_file(path: str) -> str | None:
    """What a path is when it is not a regular file: a named pipe, a socket, a device."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # reading it will say what is wrong
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def cmd_check(args) -> int:
    from copydesk.config import Settings, build_rules, find_config_file, is_excluded, read_config_file
    from copydesk.engine import FileResult, lint_article
    from copydesk.readers import BinaryFile, ReaderError, read_article
    from copydesk.registry import load_registry
    from copydesk.report import get_renderer, summarize

    if args.paths.count("-") > 1:
        raise UsageError("'-' (stdin) can be given only once")
    select, ignore = _split(args.select), _split(args.ignore)
    fixed = read_config_file(Path(args.config)) if args.config else None
    if fixed and args.preview:
        fixed.preview = True
    settings_cache: dict[Path | None, Settings] = {}
    rules_cache: dict[int, object] = {}

    def settings_for(path: str) -> Settings:
        if fixed:
            return fixed
        where = Path(args.stdin_filename or "stdin") if path == "-" else Path(path)
        cfg = find_config_file(where)  # the stdin name need not exist: its folder's config still applies
        if cfg not in settings_cache:
            s = read_config_file(cfg) if cfg else Settings()
            s.preview = s.preview or args.preview
            settings_cache[cfg] = s
        return settings_cache[cfg]

    def ruleset_for(settings: Settings):
        key = id(settings)
        if key not in rules_cache:
            registry = load_registry(tuple(settings.extend_rules))
            rules_cache[key] = build_rules(registry, settings, select=select, ignore=ignore)
        return rules_cache[key]

    # Resolve the top-level config and its rules before reading anything: config errors stop the run.
    first_settings = settings_for(args.paths[0])
    first_rules = ruleset_for(first_settings)
    fail_on = args.fail_on or first_settings.fail_on
    results: list[FileResult] = []
    files = list(iter_files(args.paths, lambda p: is_excluded(p, settings_for(p), args.exclude)))
    seen_files: set[str] = set()
    for path in files:
        display = (args.stdin_filename or "<stdin>") if path == "-" else path
        if path != "-":
            # One file named twice (or reached through another spelling) is checked once, under its first name.
            real = os.path.realpath(path)
            if real in seen_files:
                continue
            seen_files.add(real)
            kind = _special_file(path)
            if kind:
                # Opening a pipe waits for a writer forever; a device or socket is no draft.
                results.append(FileResult(path=display, score=None, skipped=True,
                                          notices=[f"not a regular file ({kind}), skipped"]))
                continue
        settings = settings_for(path)
        ruleset = ruleset_for(settings) if settings is not first_settings else first_rules
        try:
            data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
        except OSError as exc:
            results.append(FileResult(path=display, score=None, errors=[f"cannot read: {exc.strerror or exc}"]))
            continue
        try:
            article = read_article(display, data, max_bytes=settings.max_file_bytes)
        except BinaryFile as exc:
            results.append(FileResult(path=display, score=None, skipped=True, notices=[str(exc)]))
            continue
        except ReaderError as exc:
            results.append(FileResult(path=display, score=None, errors=[str(exc)]))
            continue
        if ruleset.is_opinion_path(display):
            article.meta["opinion"] = True
        results.append(lint_article(article, ruleset.for_path(display), ruleset.registry, model=settings.model,
                                    debug=args.debug, nlp_max_chars=settings.max_nlp_chars,
                                    nlp_max_tokens=settings.max_nlp_tokens, max_words=settings.max_words,
                                    opinion=settings.opinion, language=settings.language,
                                    rule_timeout=settings.rule_timeout))
        del article  # keep memory flat over thousands of files
    if args.format != "text" or args.output:
        # Machine formats carry errors and notices inside the report; say them on stderr for people too.
        # The text report shows them in place, so a terminal does not get them twice.
        for r in results:
            for n in r.notices:
                print(f"copydesk: {r.path}: {n}", file=sys.stderr)
            for e in r.errors:
                print(f"copydesk: error: {r.path}: {e}", file=sys.stderr)

    errors = any(r.errors for r in results)
    failing = fail_on != "never" and any(
        FAIL_RANK[f.severity] <= FAIL_RANK[fail_on] for r in results for f in r.findings)
    summary = summarize(results, fail_on, failing, _run_notices(first_rules.cards))
    if args.format != "text" or args.output:
        for n in summary.notices:
            print(f"copydesk: note: {n}", file=sys.stderr)
    render = get_renderer(args.format)
    no_color = args.no_color or bool(os.environ.get("NO_COLOR"))
    out: IO[str]
    if args.output:
        try:
            out = open(args.output, "w", encoding="utf-8")
        except OSError as exc:
            reason = "no such folder" if isinstance(exc, FileNotFoundError) else (exc.strerror or str(exc)).lower()
            print(f"copydesk: error: cannot write the report to {args.output}: {reason}", file=sys.stderr)
            return EXIT_ERROR
    else:
        out = sys.stdout
    try:
        render(results, summary, out, no_color=no_color or bool(args.output), quiet=args.quiet,
               cards=first_rules.cards)
    except OSError as exc:  # a full disk, a closed pipe
        print(f"copydesk: error: cannot write the report to {args.output or 'standard output'}: "
              f"{(exc.strerror or str(exc)).lower()}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        if args.output:
            out.close()
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if failing else EXIT_OK


def _run_notices(cards) -> list[str]:
    """Said once per run: LanguageTool is off, or could not be reached (every other rule still ran)."""
    notices = []
    grammar_engine = [c for c in cards if c.kind == "languagetool"]
    if grammar_engine and grammar_engine[0].options["engine"] == "off":
        from copydesk.languagetool import HOW_TO_TURN_ON

        notices.append(f"LanguageTool grammar checks are off: {HOW_TO_TURN_ON}")
    if "copydesk.languagetool" in sys.modules:
        notices += sys.modules["copydesk.languagetool"].run_notices()
    return notices


# -- rules / explain -------------------------------------------------------------------------------------------

def cmd_rules(args) -> int:
    from copydesk.registry import load_registry

    registry = load_registry()
    if args.format == "json":
        import json

        json.dump([{"code": c.code, "name": c.name, "category": c.category, "severity": c.severity,
                    "status": c.status, "kind": c.kind} for c in registry.cards], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for col in ("code", "name", "category", "severity", "status"):
        table.add_column(col)
    for c in registry.cards:
        table.add_row(c.code, c.name, c.category, c.severity, c.status)
    Console(highlight=False, no_color=bool(os.environ.get("NO_COLOR"))).print(table)
    return EXIT_OK


def cmd_explain(args) -> int:
    from copydesk.registry import load_registry

    registry = load_registry()
    card = registry.lookup(args.rule)
    if card is None:
        raise UsageError(f"unknown rule {args.rule!r} (see copydesk rules)")
    print(explain_text(card))
    return EXIT_OK


def explain_text(card) -> str:
    """The rule's documentation as plain Markdown; docs/rules/ pages are generated from the same text."""
    kind = card.kind_impl
    lines = [f"# {card.code} {card.name}", "",
             f"Category: {card.category}. Severity: {card.severity}. Status: {card.status}. Kind: `{card.kind}`.", "",
             "## Why", "", card.why, "", "## Flagged", ""]
    for ex in card.examples["fail"]:
        lines += [f"```{ex['format'] if ex['format'] != 'txt' else 'text'}", ex["text"].rstrip("\n"), "```", ""]
    lines += ["## Not flagged", ""]
    for ex in card.examples["pass"]:
        lines += [f"```{ex['format'] if ex['format'] != 'txt' else 'text'}", ex["text"].rstrip("\n"), "```", ""]
    lines += ["## Options", ""]
    if kind.options:
        for key, opt in kind.options.items():
            value = card.raw_options.get(key, opt.default)
            shown = value if not isinstance(value, list) or len(value) <= 8 else value[:8] + ["..."]
            lines.append(f"- `{key}` ({opt.type}): {opt.help}. Card value: `{shown}`")
    else:
        lines.append("None.")
    lines += ["", f"Set options in `[tool.copydesk.rules.{card.code}]`; silence one place with "
              f"`<!-- copydesk: disable-next-line {card.code} -->`."]
    return "\n".join(lines)
