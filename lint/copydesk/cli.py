"""Command line: `copydesk check|rules|explain`; every check goes through engine.lint_article()."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import IO

from copydesk.version import __version__
from copydesk.explain import explain_text, languagetool_off_notice
from copydesk.files import MissingPath, iter_files
from copydesk.quiet import quiet_third_parties

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
    check.add_argument("--format", choices=("text", "json", "github", "sarif", "junit", "gitlab", "html"),
                       default="text", help="report format (default: text)")
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
    check.add_argument("--verbose", "-v", action="store_true",
                       help="also say how the run is set up (which optional engines are off, and how to turn them on)")
    _add_run_options(check)
    check.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in this baseline")
    check.add_argument("--changed-lines", action="store_true",
                       help="with --changed-since: only findings on lines changed since that ref")
    check.add_argument("--fix", action="store_true", help="apply safe fixes (duplicate blocks, furniture lines, "
                       "empty list items) in place")
    check.add_argument("--diff", action="store_true", help="show the safe fixes as a unified diff; write nothing")

    archive = sub.add_parser("archive", help="audit a whole archive on a Dask cluster, findings to Parquet",
                             description="Check every article of SOURCE (a folder, a glob, or a JSON-lines file of "
                                         "{id, path|text, format} records) on Dask and write Parquet tables under "
                                         "--out; a re-run skips partitions already written. Needs copydesk[archive].")
    archive.add_argument("source", metavar="SOURCE")
    archive.add_argument("--out", required=True, metavar="DIR", help="folder for findings/ and articles/ Parquet")
    archive.add_argument("--scheduler", metavar="ADDRESS", help="an existing Dask scheduler (tcp://host:8786); "
                         "default: a local cluster of worker processes")
    archive.add_argument("--workers", type=_jobs, default=None, metavar="N",
                         help="local cluster size (default: the number of cores)")
    archive.add_argument("--partition-size", type=_jobs, default=100, metavar="N", help="articles per task (default 100)")
    for flag, kwargs in (("--select", {"action": "append", "metavar": "RULES"}),
                         ("--ignore", {"action": "append", "metavar": "RULES"}),
                         ("--config", {"metavar": "FILE"}), ("--preview", {"action": "store_true"})):
        archive.add_argument(flag, **kwargs)

    baseline = sub.add_parser("baseline", help="record the findings of an archive, so checks report only new ones",
                              description="Check the files and record every finding in a baseline file; "
                                          "`copydesk check --baseline FILE` then reports only new findings.")
    baseline.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    baseline.add_argument("--output", "-o", metavar="FILE", default="copydesk-baseline.json",
                          help="baseline file to write (default: copydesk-baseline.json)")
    for flag, kwargs in (("--select", {"action": "append", "metavar": "RULES"}),
                         ("--ignore", {"action": "append", "metavar": "RULES"}),
                         ("--config", {"metavar": "FILE"}), ("--preview", {"action": "store_true"}),
                         ("--stdin-filename", {"metavar": "NAME"}), ("--debug", {"action": "store_true"}),
                         ("--exclude", {"action": "append", "default": [], "metavar": "GLOB"})):
        baseline.add_argument(flag, **kwargs)
    _add_run_options(baseline)

    serve = sub.add_parser("serve", help="an HTTP JSON service for a CMS, with warm worker processes",
                           description="Serve POST /v1/check, GET /v1/rules, GET /v1/rules/{code}, GET /healthz and "
                                       "GET /openapi.json (docs/serve.md). Needs copydesk[serve].")
    serve.add_argument("--config", metavar="FILE", help="the config file for every request (default: built-in defaults)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; any other needs a token)")
    serve.add_argument("--port", type=_port, default=8750, help="port (default 8750; 0 picks a free one)")
    serve.add_argument("--workers", type=_jobs, default=2, metavar="N", help="worker processes (default 2)")
    serve.add_argument("--max-body-bytes", type=_jobs, default=2 * 1024 * 1024, metavar="N",
                       help="largest request body (default 2 MiB); larger: 413")
    serve.add_argument("--timeout", type=_seconds, default=30.0, metavar="S",
                       help="seconds per check, queueing included (default 30); longer: 504")
    serve.add_argument("--max-queue", type=_count, default=64, metavar="N",
                       help="requests that may wait for a worker (default 64); more: 503 with Retry-After")
    serve.add_argument("--body-timeout", type=_seconds, default=10.0, metavar="S",
                       help="seconds a client may take to send its body (default 10); longer: 408")
    serve.add_argument("--token-file", metavar="FILE",
                       help="file holding the bearer token (else $COPYDESK_SERVE_TOKEN); required beyond loopback")
    serve.add_argument("--preview", action="store_true", help="include preview rules in broad selections")

    lsp = sub.add_parser("lsp", help="a language server over stdio for editors (Neovim, Helix, VS Code)",
                         description="Speak the Language Server Protocol on stdin/stdout: diagnostics, code actions "
                                     "and hovers for drafts (docs/lsp.md). Needs copydesk[lsp].")
    lsp.add_argument("--debounce", type=_seconds, default=0.3, metavar="S",
                     help="seconds to wait after the last keystroke before re-checking (default 0.3)")
    lsp.add_argument("--max-documents", type=_jobs, default=200, metavar="N",
                     help="open drafts whose parses are kept warm (default 200); least recently used first out")

    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument("--style", metavar="NAME|DIR", help="list one style's rules (a shipped style's name or a "
                       "folder of cards with a style.yaml)")

    vale = sub.add_parser("import-vale", help="convert a Vale style into a copydesk style",
                          description="Convert the checks of a Vale style folder (STYLE_DIR holds Style/*.yml) into "
                                      "rule cards under OUT_DIR, with a style.yaml and an import-report.txt listing "
                                      "the checks that could not be converted and why.")
    vale.add_argument("style_dir", metavar="STYLE_DIR")
    vale.add_argument("out_dir", metavar="OUT_DIR")
    vale.add_argument("--voice-aware", action="store_true",
                      help="skip quoted speech in every converted check (Vale matches inside quotations too)")

    test_rules = sub.add_parser("test-rules", help="run a style's card examples as tests (for a newsroom's CI)",
                                description="Check every fail and pass example of the cards in each folder: a fail "
                                            "example must be flagged by its card, a pass example must not be.")
    test_rules.add_argument("dirs", nargs="+", metavar="DIR", help="folders of rule cards (a style)")

    explain = sub.add_parser("explain", help="explain one rule: why, examples, options")
    explain.add_argument("rule", metavar="CODE|NAME")
    return parser


def _number(low: float, high: float | None, kind=int, what: str = "a number", rule: str = ""):
    """An argparse type: `kind` parsed from the text, within [low, high]; one line when it is not."""

    def parse(value: str):
        try:
            n = kind(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {what}: {value!r}") from None
        if n < low or (high is not None and n > high) or (kind is float and not low < n):
            raise argparse.ArgumentTypeError(rule)
        return n

    return parse


_jobs = _number(1, None, rule="must be 1 or more")
_count = _number(0, None, rule="must be 0 or more")
_port = _number(0, 65535, what="a port number", rule="must be 0 to 65535")
_seconds = _number(0, 86_399, kind=float, what="a number of seconds", rule="must be more than 0 and less than a day")


def _add_run_options(command) -> None:
    from copydesk.run import default_jobs

    command.add_argument("--jobs", "-j", type=_jobs, default=default_jobs(), metavar="N",
                         help="check files in N worker processes (default: the number of cores)")
    command.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    command.add_argument("--cache-dir", metavar="DIR",
                         help="result cache folder (default: $COPYDESK_CACHE_DIR, else .copydesk_cache)")
    command.add_argument("--changed-since", metavar="REF", help="only files changed since this git ref")


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
    if not debug:
        quiet_third_parties()
    try:
        if args.command == "rules":
            return cmd_rules(args)
        if args.command == "explain":
            return cmd_explain(args)
        if args.command == "baseline":
            return cmd_baseline(args)
        if args.command == "archive":
            return cmd_archive(args)
        if args.command == "import-vale":
            return cmd_import_vale(args)
        if args.command == "test-rules":
            return cmd_test_rules(args)
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "lsp":
            return cmd_lsp(args)
        return cmd_check(args)
    except UsageError as exc:
        print(f"copydesk: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("copydesk: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`copydesk rules | head`): nothing to say, and nothing more to write. stdout
        # points at /dev/null so that the interpreter's last flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
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

def cmd_check(args) -> int:
    from copydesk import api
    from copydesk.report import get_renderer, summarize

    if args.fix and args.diff:
        raise UsageError("--fix writes the fixes and --diff only shows them: give one")
    results, fail_on, cards, kept_note = _check_files(args)
    if args.diff:
        from copydesk.fixes import apply_fixes

        shown = apply_fixes(results, write=False, out=sys.stdout)
        return EXIT_FINDINGS if shown else EXIT_OK  # like `git diff --exit-code`: 1 when there is something to fix
    if args.fix:
        from copydesk.fixes import apply_fixes

        fixed = apply_fixes(results, write=True)
        if fixed:
            print(f"copydesk: fixed {sum(fixed.values())} defect(s) in {len(fixed)} file(s)", file=sys.stderr)
            results, fail_on, cards, kept_note = _check_files(args)  # report what is left, at its new lines
    machine = args.format != "text" or args.output
    if machine:
        # Machine formats carry errors and notices inside the report; say them on stderr for people too.
        # The text report shows them in place, so a terminal does not get them twice.
        for r in results:
            for n in r.notices:
                print(f"copydesk: {r.path}: {n}", file=sys.stderr)
            for e in r.errors:
                print(f"copydesk: error: {r.path}: {e}", file=sys.stderr)

    errors = any(r.errors for r in results)
    failing = api.failing(results, fail_on)
    summary = summarize(results, fail_on, failing,
                        list(dict.fromkeys(_run_notices(cards, getattr(args, "verbose", False)) + kept_note)))
    if machine:
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
        render(results, summary, out, no_color=no_color or bool(args.output), quiet=args.quiet, cards=cards)
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


def cmd_baseline(args) -> int:
    from copydesk.baseline import write_baseline

    results, _fail_on, _cards, _ = _check_files(args)
    errors = [f"{r.path}: {e}" for r in results for e in r.errors]
    for e in errors:
        print(f"copydesk: error: {e}", file=sys.stderr)
    try:
        count = write_baseline(results, args.output)
    except OSError as exc:
        print(f"copydesk: error: cannot write the baseline to {args.output}: {(exc.strerror or str(exc)).lower()}",
              file=sys.stderr)
        return EXIT_ERROR
    print(f"copydesk: baseline {args.output}: {count} finding(s) in {len(results)} file(s) recorded")
    return EXIT_ERROR if errors else EXIT_OK


def cmd_archive(args) -> int:
    import importlib.util

    if not all(importlib.util.find_spec(m) for m in ("distributed", "pyarrow")):
        raise UsageError("copydesk archive needs Dask and pyarrow: pip install 'copydesk[archive]'")
    from copydesk import archive
    from copydesk.api import Linter
    from copydesk.run import CheckOptions, default_jobs

    options = CheckOptions(select=tuple(_split(args.select) or ()) or None, ignore=tuple(_split(args.ignore) or ()) or None,
                           config=args.config, preview=args.preview)
    checker = Linter.from_options(options).checker  # config and rule errors stop the run here, before a cluster
    checker.ruleset_for(checker.settings_for(args.source))
    summary = archive.Summary()
    try:
        paths = archive.run(args.source, args.out, scheduler=args.scheduler, workers=args.workers or default_jobs(),
                            partition_size=args.partition_size, options=options, progress=True, summary=summary)
    except archive.ArchiveError as exc:
        raise UsageError(str(exc)) from None
    print(archive.format_summary(summary))
    print(f"{len(paths)} Parquet file(s) under {args.out}: findings/ (a row per finding) and articles/ "
          f"(a row per article)")
    return EXIT_ERROR if summary.errors else EXIT_OK


def cmd_serve(args) -> int:
    import importlib.util

    if not all(importlib.util.find_spec(m) for m in ("starlette", "uvicorn")):
        raise UsageError("copydesk serve needs Starlette and uvicorn: pip install 'copydesk[serve]'")
    from copydesk.api import Linter
    from copydesk.service.app import LOOPBACK, ServeSettings, serve

    token = os.environ.get("COPYDESK_SERVE_TOKEN") or None
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip() or None
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read the token file {args.token_file}: "
                             f"{getattr(exc, 'strerror', None) or exc}") from None
        if token is None:
            raise UsageError(f"the token file {args.token_file} is empty")
    if args.host not in LOOPBACK and not token:
        raise UsageError(f"binding to {args.host} exposes the service beyond this machine: set a token "
                         "($COPYDESK_SERVE_TOKEN or --token-file)")
    if token is not None and len(token) < 16:
        raise UsageError("the token is too short: use at least 16 characters")
    # Config, rule card and model errors: one line and exit 2 now, before any worker starts.
    linter = Linter(args.config or False, preview=args.preview, warm=False)
    if any(c.kind_impl.needs_nlp for c in linter.cards_for("draft.md")):
        from copydesk.nlp import ModelError, resolve_model

        model = resolve_model(linter.settings_for("draft.md").model)
        try:
            found = Path(model).exists() or importlib.util.find_spec(model) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise ModelError(f"cannot load spaCy model {model!r}: no such package or folder")
    settings = ServeSettings(config=args.config, host=args.host, port=args.port, workers=args.workers,
                             max_body_bytes=args.max_body_bytes, timeout=args.timeout, max_queue=args.max_queue,
                             body_timeout=args.body_timeout, token=token, preview=args.preview)
    try:
        return serve(settings)
    except OSError as exc:
        raise UsageError(str(exc)) from None


def cmd_lsp(args) -> int:
    import importlib.util

    if not importlib.util.find_spec("pygls"):
        raise UsageError("copydesk lsp needs pygls: pip install 'copydesk[lsp]'")
    from copydesk.lsp.server import run_stdio

    return run_stdio(debounce=args.debounce, max_documents=args.max_documents)


def _check_files(args):
    """The files named (folders walked, changed-since applied), each checked once, in order: results,
    the fail level, the top-level cards, and notes for the run. One way for check and baseline."""
    from copydesk.api import Linter
    from copydesk.config import is_excluded
    from copydesk.engine import FileResult
    from copydesk.run import ResultCache, cache_folder

    if args.paths.count("-") > 1:
        raise UsageError("'-' (stdin) can be given only once")
    # A one-shot run parses each file once: no parse cache (warm=False); the result cache does the remembering.
    linter = Linter(args.config, select=_split(args.select), ignore=_split(args.ignore), preview=args.preview,
                    warm=False, debug=args.debug, stdin_filename=args.stdin_filename)
    checker = linter.checker
    # Resolve the top-level config and its rules before reading anything: config errors stop the run.
    first_settings = checker.settings_for(args.paths[0])
    first_rules = checker.ruleset_for(first_settings)
    fail_on = getattr(args, "fail_on", None) or first_settings.fail_on
    changed = None
    notes: list[str] = []
    if args.changed_since:
        from copydesk.gitdiff import GitError, changed_files

        try:
            changed = changed_files(args.changed_since)
        except GitError as exc:
            raise UsageError(str(exc)) from None
    try:
        files = list(iter_files(args.paths, lambda p: is_excluded(p, checker.settings_for(p), args.exclude)))
    except MissingPath as exc:
        raise UsageError(str(exc)) from None
    jobs: list[tuple[str, str]] = []
    seen_files: set[str] = set()
    stdin_at: int | None = None  # where stdin's result goes in the report (the order the paths were given)
    for path in files:
        if path == "-":
            stdin_at = len(jobs)
            continue
        # One file named twice (or reached through another spelling) is checked once, under its first name.
        real = os.path.realpath(path)
        if real in seen_files or (changed is not None and real not in changed):
            continue
        seen_files.add(real)
        jobs.append((path, path))
    cache = None
    if not args.no_cache:
        cache = ResultCache(cache_folder(args.cache_dir))
    stdin_result = None
    if stdin_at is not None:  # stdin is read here, once, before any worker starts
        stdin_result = linter.check_file("-", cache, display=args.stdin_filename or "<stdin>",
                                         data=sys.stdin.buffer.read())
    results: list[FileResult] = list(linter.check_files(jobs, args.jobs, cache, progress=True, notices=notes))
    if stdin_result is not None:
        results.insert(stdin_at, stdin_result)
    if cache:
        cache.prune()
    if getattr(args, "changed_lines", False):
        from copydesk.gitdiff import GitError, changed_lines

        ref = args.changed_since
        for r in results:
            if r.path.startswith("<"):
                continue
            try:
                lines = changed_lines(ref, r.path)
            except GitError as exc:
                raise UsageError(str(exc)) from None
            if lines is not None:
                r.findings = [f for f in r.findings if any(n in lines for n in range(f.line, f.end_line + 1))]
    if getattr(args, "baseline", None):
        from copydesk.baseline import BaselineError, drop_known, read_baseline

        try:
            known = read_baseline(args.baseline)
        except BaselineError as exc:
            raise UsageError(str(exc)) from None
        dropped = drop_known(results, known)
        notes.append(f"{dropped} finding(s) already in the baseline {args.baseline} were not reported")
    return results, fail_on, first_rules.cards, notes


def _run_notices(cards, verbose: bool = False) -> list[str]:
    """Said once per run: a LanguageTool engine that was configured and could not be reached (every other rule
    still ran). That LanguageTool is simply off (the default) is set-up, not news: a pre-commit hook runs on every
    commit, so it is said where someone configures copydesk (`copydesk rules`, `explain GRM100`, the docs) and
    with --verbose, not on every check."""
    notices = []
    off = languagetool_off_notice(cards)
    if verbose and off:
        notices.append(off)
    if "copydesk.languagetool" in sys.modules:
        notices += sys.modules["copydesk.languagetool"].run_notices()
    return notices


# -- rules / explain -------------------------------------------------------------------------------------------

def _style_dirs(values: list[str]) -> list[str]:
    from copydesk.config import ConfigError, style_folder

    try:
        return [style_folder(v, Path.cwd(), "command line") for v in values]
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def cmd_import_vale(args) -> int:
    from copydesk.vale_import import ValeImportError, import_style

    try:
        result = import_style(args.style_dir, args.out_dir, voice_aware=args.voice_aware)
    except ValeImportError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot write to {args.out_dir}: {(exc.strerror or str(exc)).lower()}") from None
    for check, reason in result.skipped:
        print(f"not converted: {check}: {reason}")
    total = len(result.converted) + len(result.skipped)
    print(f"copydesk: converted {len(result.converted)} of {total} checks of {result.style} into {args.out_dir} "
          f"(style {result.style!r}; report in {Path(args.out_dir) / 'import-report.txt'})")
    return EXIT_OK


def cmd_test_rules(args) -> int:
    from copydesk.registry import load_registry
    from copydesk.selftest import run_examples

    dirs = _style_dirs(args.dirs)
    registry = load_registry(tuple(dirs))
    wanted = {str(Path(d).resolve()) for d in dirs}
    cards = [c for c in registry.cards if any(str(Path(c.path).resolve()).startswith(d) for d in wanted)
             or c.path.startswith(tuple(Path(d).name + "/" for d in dirs))]
    results = run_examples(registry, cards)
    failed = [r for r in results if not r.ok]
    for r in failed:
        should = "should be flagged by" if r.verdict == "fail" else "should not be flagged by"
        detail = f"; errors: {'; '.join(r.errors)}" if r.errors else f"; found: {', '.join(r.codes) or 'nothing'}"
        print(f"FAIL {r.code} {r.name} {r.verdict} example {r.index + 1} {should} {r.code}{detail}")
        print("     " + " ".join(r.text.split())[:200])
    print(f"{len(results) - len(failed)} of {len(results)} examples of {len(cards)} rule(s) behave as their cards say")
    return EXIT_FINDINGS if failed else EXIT_OK


def cmd_rules(args) -> int:
    from copydesk.registry import load_registry

    registry = load_registry(tuple(_style_dirs([args.style]))) if getattr(args, "style", None) else load_registry()
    cards = registry.cards
    if getattr(args, "style", None):
        names = [s.name for s in registry.styles.values() if s.name != "copydesk"]
        cards = [c for c in registry.cards if c.style in names]
    if args.format == "json":
        import json

        from copydesk.api import rule_json

        json.dump([rule_json(c) for c in cards], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for col in ("code", "name", "category", "severity", "status"):
        table.add_column(col)
    for c in cards:
        table.add_row(c.code, c.name, c.category, c.severity, c.status)
    console = Console(highlight=False, no_color=bool(os.environ.get("NO_COLOR")))
    console.print(table)
    off = languagetool_off_notice(registry.cards)
    if off:
        console.print(f"\nnote: {off}", markup=False)
    return EXIT_OK


def cmd_explain(args) -> int:
    from copydesk.config import find_config_file, read_config_file
    from copydesk.registry import load_registry

    # The rules the working folder's config loads: copydesk's own, and its styles and extra cards.
    config = find_config_file(Path.cwd() / "draft.md")
    settings = read_config_file(config) if config else None
    registry = load_registry(tuple(settings.extend_rules) + tuple(settings.styles)) if settings else load_registry()
    card = registry.lookup(args.rule)
    if card is None:
        raise UsageError(f"unknown rule {args.rule!r} (see copydesk rules)")
    print(explain_text(card))
    off = languagetool_off_notice([card])
    if off:
        print(f"\nNote: {off}.")
    return EXIT_OK
