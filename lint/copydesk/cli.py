"""Command line: parse the arguments of every command and run it. A check runs in check_command, in this
process or in the daemon (copydesk daemon start), through engine.lint_article() either way."""

from __future__ import annotations

import os
import re
import sys

from copydesk.check_command import (EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, UsageError, check_files, cmd_check,
                                    report_error)
from copydesk.check_command import split_codes as _split
from copydesk.quiet import quiet_third_parties


def run() -> None:
    """The console script: main(), then an exit that skips tearing the interpreter down when nothing needs it.
    Freeing a loaded spaCy pipeline object by object costs a cold check 0.2 to 0.4 s after the report is out
    (mypy exits the same way, for the same reason). Output is flushed first; when a thread still runs or an
    outside engine was started (a LanguageTool server, whose atexit handler stops it), the exit is the usual."""
    code = main()
    import threading

    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    if threading.active_count() == 1 and "language_tool_python" not in sys.modules and "copydesk.nlp" in sys.modules:
        os._exit(code)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    stdin_data = None
    if argv[:1] == ["check"]:
        # Before argparse is even imported: a check that a running daemon takes pays for nothing else.
        code, stdin_data = _check_in_daemon(argv)
        if code is not None:
            return code
    from copydesk.arguments import parse

    try:
        parser, args = parse(argv)
    except UsageError as exc:
        print(f"copydesk: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if not args.command:
        parser.print_help()
        return EXIT_ERROR
    debug = getattr(args, "debug", False)
    try:
        if not debug:
            quiet_third_parties()
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
        if args.command == "daemon":
            return cmd_daemon(args)
        if args.command == "explain-finding":
            from copydesk.explain_finding import cmd_explain_finding

            return cmd_explain_finding(args)
        if args.command in ("review", "stats", "calibrate"):
            from copydesk import review_command

            return getattr(review_command, f"cmd_{args.command}")(args)
        return cmd_check(args, stdin_data=stdin_data)
    except KeyboardInterrupt:
        print("copydesk: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (`copydesk rules | head`): nothing to say, and nothing more to write. stdout
        # points at /dev/null so that the interpreter's last flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as exc:  # usage, config, registry and model errors, and anything unforeseen: one line, exit 2
        return report_error(exc, debug)


# -- check ---------------------------------------------------------------------------------------------------

def cmd_baseline(args) -> int:
    from copydesk.baseline import write_baseline

    results, _fail_on, _cards, _ = check_files(args)
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
    from pathlib import Path

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
    from copydesk.service.http import normalise_origin

    profiles: dict[str, str] = {}
    for item in args.profile:
        name, _, path = item.partition("=")
        if not re.fullmatch(r"[A-Za-z0-9][\w.-]{0,39}", name) or not path or name == "default":
            raise UsageError(f"--profile {item!r}: give NAME=FILE, a short name (not 'default') and a config file")
        Linter(path, preview=args.preview, warm=False)  # a bad profile config: one line, exit 2, now
        profiles[name] = path
    try:
        origins = tuple(dict.fromkeys([*linter.settings_for("draft.md").desk_origins,
                                       *(normalise_origin(o) for o in args.allow_origin)]))
    except ValueError as exc:
        raise UsageError(f"--allow-origin: {exc}") from None
    if origins and not token:
        raise UsageError("cross-origin use (--allow-origin, desk-origins) needs a token: pages on another origin "
                         "call the service with it ($COPYDESK_SERVE_TOKEN or --token-file)")
    settings = ServeSettings(config=args.config, host=args.host, port=args.port, workers=args.workers,
                             max_body_bytes=args.max_body_bytes, timeout=args.timeout, max_queue=args.max_queue,
                             body_timeout=args.body_timeout, token=token, preview=args.preview, profiles=profiles,
                             allow_origins=origins, verdicts=args.verdicts)
    try:
        return serve(settings)
    except OSError as exc:
        raise UsageError(str(exc)) from None


def _check_in_daemon(argv: list[str]) -> tuple[int | None, bytes | None]:
    """The check's exit code from a running daemon (or one started for it, with --start-daemon), or None to
    check in-process; and stdin's bytes if they were read for the daemon. The daemon parses the arguments, so a
    flag spelt short (--no-d) is still honoured there."""
    if any(a in ("-h", "--help", "--no-daemon", "--debug") for a in argv):
        return None, None
    start = "--start-daemon" in argv
    from copydesk.daemon import available

    if not (start or available()):
        return None, None
    from copydesk.daemon import client

    return client.check(argv, start=start)


def cmd_daemon(args) -> int:
    import json

    from copydesk.daemon import DEFAULT_IDLE_TIMEOUT, DaemonError, client

    try:
        if args.action == "start":
            state, what = client.start(args.idle_timeout or DEFAULT_IDLE_TIMEOUT)
            print(f"copydesk daemon: {what} (pid {state['pid']}, copydesk {state['version']}, exits after "
                  f"{state['idle_timeout']:g} s idle; socket {state['socket']})")
            return EXIT_OK
        if args.action == "stop":
            state = client.stop()
            print(f"copydesk daemon: stopped (pid {state['pid']})" if state else "copydesk daemon: not running")
            return EXIT_OK
        state = client.status()
    except DaemonError as exc:
        raise UsageError(str(exc)) from None
    if args.format == "json":
        print(json.dumps(state or {"status": "not running"}, indent=2))
    elif state is None:
        print("copydesk daemon: not running")
    else:
        print(f"copydesk daemon: running (pid {state['pid']}, copydesk {state['version']}, up {state['uptime']:g} s, "
              f"{state['checks']} check(s), {'ready' if state['ready'] else 'loading the model'}, exits after "
              f"{state['idle_timeout']:g} s idle)\nsocket {state['socket']}\nlog {state['log']}")
    return EXIT_OK if state else EXIT_FINDINGS


def cmd_lsp(args) -> int:
    import importlib.util

    if not importlib.util.find_spec("pygls"):
        raise UsageError("copydesk lsp needs pygls: pip install 'copydesk[lsp]'")
    from copydesk.lsp.server import run_stdio

    return run_stdio(debounce=args.debounce, max_documents=args.max_documents)


# -- rules / explain -------------------------------------------------------------------------------------------

def _style_dirs(values: list[str]) -> list[str]:
    from pathlib import Path

    from copydesk.config import ConfigError, style_folder

    try:
        return [style_folder(v, Path.cwd(), "command line") for v in values]
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def cmd_import_vale(args) -> int:
    from pathlib import Path

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
    from pathlib import Path

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
    from copydesk.explain import languagetool_off_notice

    off = languagetool_off_notice(registry.cards)
    if off:
        console.print(f"\nnote: {off}", markup=False)
    return EXIT_OK


def cmd_explain(args) -> int:
    from pathlib import Path

    from copydesk.config import find_config_file, read_config_file
    from copydesk.registry import load_registry

    # The rules the working folder's config loads: copydesk's own, and its styles and extra cards.
    config = find_config_file(Path.cwd() / "draft.md")
    settings = read_config_file(config) if config else None
    registry = load_registry(tuple(settings.extend_rules) + tuple(settings.styles)) if settings else load_registry()
    card = registry.lookup(args.rule)
    if card is None:
        raise UsageError(f"unknown rule {args.rule!r} (see copydesk rules)")
    from copydesk.explain import explain_text, languagetool_off_notice

    print(explain_text(card))
    off = languagetool_off_notice([card])
    if off:
        print(f"\nNote: {off}.")
    return EXIT_OK
