"""`copydesk check` as library code: parsed options in, the report on sys.stdout and notes on sys.stderr out,
and the exit code back. The command line runs it in-process and the daemon runs it warm, so both print the same
report byte for byte."""

from __future__ import annotations

import os
import sys

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """Bad command line or arguments; one line for the user, exit 2."""


def split_codes(values: list[str] | None) -> list[str] | None:
    """Rule selections as given (repeated flags, comma-separated) as one list."""
    if not values:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def report_error(exc: BaseException, debug: bool = False) -> int:
    """One line on stderr for an error that stopped a command (config, rule card, model, or unforeseen), and
    exit code 2. With debug, unforeseen errors are raised for their traceback."""
    from copydesk.config import ConfigError
    from copydesk.registry import RegistryError

    if isinstance(exc, UsageError):
        print(f"copydesk: error: {exc}", file=sys.stderr)
    elif debug:
        raise exc
    elif isinstance(exc, RegistryError):
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


def cmd_check(args, stdin_data: bytes | None = None, parse_cache=None) -> int:
    """Check the files args names and print the report; the exit code (0, 1, or 2 for errors in files).
    stdin_data: the bytes of '-' when the caller has read them already; parse_cache: a warm caller's."""
    from copydesk import api
    from copydesk.report import get_renderer, summarize

    if args.fix and args.diff:
        raise UsageError("--fix writes the fixes and --diff only shows them: give one")
    results, fail_on, cards, kept_note = check_files(args, stdin_data, parse_cache)
    if args.diff:
        from copydesk.fixes import apply_fixes

        shown = apply_fixes(results, write=False, out=sys.stdout)
        return EXIT_FINDINGS if shown else EXIT_OK  # like `git diff --exit-code`: 1 when there is something to fix
    if args.fix:
        from copydesk.fixes import apply_fixes

        fixed = apply_fixes(results, write=True)
        if fixed:
            print(f"copydesk: fixed {sum(fixed.values())} defect(s) in {len(fixed)} file(s)", file=sys.stderr)
            # Report what is left, at its new lines.
            results, fail_on, cards, kept_note = check_files(args, stdin_data, parse_cache)
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
                        list(dict.fromkeys(run_notices(cards, getattr(args, "verbose", False)) + kept_note)))
    if machine:
        for n in summary.notices:
            print(f"copydesk: note: {n}", file=sys.stderr)
    render = get_renderer(args.format)
    no_color = args.no_color or bool(os.environ.get("NO_COLOR"))
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


def check_files(args, stdin_data: bytes | None = None, parse_cache=None):
    """The files named (folders walked, changed-since applied), each checked once, in order: results,
    the fail level, the top-level cards, and notes for the run. One way for check and baseline."""
    from copydesk.api import Linter
    from copydesk.config import is_excluded
    from copydesk.engine import FileResult
    from copydesk.files import MissingPath, iter_files
    from copydesk.run import ResultCache, cache_folder

    if args.paths.count("-") > 1:
        raise UsageError("'-' (stdin) can be given only once")
    # A one-shot run parses each file once: no parse cache (warm=False); the result cache does the remembering.
    # A daemon hands over its warm parse cache: parses depend on the text and the model, never on settings.
    linter = Linter(args.config, select=split_codes(args.select), ignore=split_codes(args.ignore),
                    preview=args.preview, warm=False, debug=args.debug, stdin_filename=args.stdin_filename,
                    parse_cache=parse_cache)
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
                                         data=sys.stdin.buffer.read() if stdin_data is None else stdin_data)
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


def run_notices(cards, verbose: bool = False) -> list[str]:
    """Said once per run: a LanguageTool engine that was configured and could not be reached (every other rule
    still ran). That LanguageTool is simply off (the default) is set-up, not news: a pre-commit hook runs on every
    commit, so it is said where someone configures copydesk (`copydesk rules`, `explain GRM100`, the docs) and
    with --verbose, not on every check."""
    notices = []
    from copydesk.explain import languagetool_off_notice

    off = languagetool_off_notice(cards)
    if verbose and off:
        notices.append(off)
    from copydesk.run import engine_notices

    return notices + engine_notices()
