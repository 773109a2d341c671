"""The command line's grammar: every command and its options (argparse), built for the command being run only,
so that a check sent to the daemon pays for parsing its own options. Used by the CLI and by the daemon, which
parses a client's arguments exactly as the CLI would."""

from __future__ import annotations

import argparse

from copydesk.check_command import UsageError
from copydesk.version import __version__


def parse(argv: list[str]) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    """The parser for argv's command and the parsed arguments; UsageError with the line to print."""
    parser = build_parser(_command_in(argv))
    try:
        return parser, parser.parse_args(argv)
    except UsageError as exc:
        raise UsageError(f"{exc} (see copydesk --help)") from None


def _command_in(argv: list[str]) -> str | None:
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in COMMANDS else None


class _Parser(argparse.ArgumentParser):
    """Usage errors as UsageError (one line, exit 2), not argparse's usage dump."""

    def error(self, message: str):  # argparse's default exits 2 too, but with a usage dump
        raise UsageError(message)


COMMANDS = ("check", "archive", "baseline", "serve", "lsp", "rules", "import-vale", "test-rules", "daemon", "explain",
            "review", "stats", "calibrate")


class _Unbuilt:
    """A command's parser that this run will not use: its options are not built (a check through the daemon
    pays for parsing its own options only)."""

    def add_argument(self, *args, **kwargs) -> None:
        pass


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with command, only that command's options are built (every command is still
    listed in --help)."""
    parser = _Parser(prog="copydesk", description="An editorial quality linter for news drafts.")
    parser.add_argument("--version", action="version", version=f"copydesk {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def add(name: str, **kwargs):
        made = sub.add_parser(name, **kwargs)
        return made if command in (None, name) else _Unbuilt()

    check = add("check", help="check drafts and print a ranked report",
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
    check.add_argument("--no-daemon", action="store_true",
                       help="check in this process even when a daemon runs (copydesk daemon start)")
    check.add_argument("--start-daemon", action="store_true",
                       help="check in the daemon, starting one when none runs (for pre-commit: docs/daemon.md)")
    check.add_argument("--baseline", metavar="FILE", help="report only findings not recorded in this baseline")
    check.add_argument("--changed-lines", action="store_true",
                       help="with --changed-since: only findings on lines changed since that ref")
    check.add_argument("--fix", action="store_true", help="apply safe fixes (duplicate blocks, furniture lines, "
                       "empty list items) in place")
    check.add_argument("--diff", action="store_true", help="show the safe fixes as a unified diff; write nothing")

    archive = add("archive", help="audit a whole archive on a Dask cluster, findings to Parquet",
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

    baseline = add("baseline", help="record the findings of an archive, so checks report only new ones",
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

    serve = add("serve", help="an HTTP JSON service for a CMS, and the desk: a page where editors check drafts",
                           description="Serve the desk at / (docs/desk.md), its embed at /v1/desk.js, POST /v1/check, "
                                       "GET /v1/rules, GET /v1/rules/{code}, GET /healthz and GET /openapi.json "
                                       "(docs/serve.md). Needs copydesk[serve].")
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
    serve.add_argument("--profile", action="append", default=[], metavar="NAME=FILE",
                       help="another config a request (the desk's picker) may choose by name; repeatable")
    serve.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                       help="a CMS origin (https://cms.example.org) whose pages may call the API, with the token; "
                            "repeatable, added to the config's desk-origins")
    serve.add_argument("--verdicts", metavar="FILE",
                       help="where the desk records verdicts (default: the config's verdicts file)")

    lsp = add("lsp", help="a language server over stdio for editors (Neovim, Helix, VS Code)",
                         description="Speak the Language Server Protocol on stdin/stdout: diagnostics, code actions "
                                     "and hovers for drafts (docs/lsp.md). Needs copydesk[lsp].")
    lsp.add_argument("--debounce", type=_seconds, default=0.3, metavar="S",
                     help="seconds to wait after the last keystroke before re-checking (default 0.3)")
    lsp.add_argument("--max-documents", type=_jobs, default=200, metavar="N",
                     help="open drafts whose parses are kept warm (default 200); least recently used first out")

    rules = add("rules", help="list every rule")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    rules.add_argument("--style", metavar="NAME|DIR", help="list one style's rules (a shipped style's name or a "
                       "folder of cards with a style.yaml)")

    vale = add("import-vale", help="convert a Vale style into a copydesk style",
                          description="Convert the checks of a Vale style folder (STYLE_DIR holds Style/*.yml) into "
                                      "rule cards under OUT_DIR, with a style.yaml and an import-report.txt listing "
                                      "the checks that could not be converted and why.")
    vale.add_argument("style_dir", metavar="STYLE_DIR")
    vale.add_argument("out_dir", metavar="OUT_DIR")
    vale.add_argument("--voice-aware", action="store_true",
                      help="skip quoted speech in every converted check (Vale matches inside quotations too)")

    test_rules = add("test-rules", help="run a style's card examples as tests (for a newsroom's CI)",
                                description="Check every fail and pass example of the cards in each folder: a fail "
                                            "example must be flagged by its card, a pass example must not be.")
    test_rules.add_argument("dirs", nargs="+", metavar="DIR", help="folders of rule cards (a style)")

    daemon = add("daemon", help="a warm background process that makes each check quick (docs/daemon.md)",
                            description="Start, stop or ask after the check daemon: while it runs, `copydesk check` "
                                        "sends its work there and prints the same report (docs/daemon.md).")
    daemon.add_argument("action", choices=("start", "stop", "status"))
    daemon.add_argument("--idle-timeout", type=_seconds, default=None, metavar="S",
                        help="with start: exit after S seconds without a check (default 3600)")
    daemon.add_argument("--format", choices=("text", "json"), default="text", help="with status: text or json")

    review = add("review", help="judge findings right or wrong, one at a time, into the verdicts file",
                           description="Check the files and show each finding not yet judged, in its context; answer "
                                       "right, wrong or unsure. Verdicts are appended to the verdicts file "
                                       "(.copydesk/verdicts.jsonl, or the config's `verdicts`) for copydesk stats "
                                       "and calibrate (docs/calibrate.md).")
    review.add_argument("paths", nargs="*", metavar="PATH", help="files or folders")
    review.add_argument("--rule", action="append", metavar="RULES", help="only these rules (codes, names, categories)")
    review.add_argument("--gate", action="store_true", help="only findings that block (warnings and errors)")
    review.add_argument("--sample", type=_jobs, metavar="N", help="a random sample of N findings across the files")
    review.add_argument("--seed", type=int, default=0, help="the sample's random seed (default 0)")
    review.add_argument("--limit", type=_jobs, metavar="N", help="at most N findings")
    review.add_argument("--export", metavar="FILE", help="write the findings to judge, with context, as CSV")
    review.add_argument("--import", dest="import_file", metavar="FILE",
                        help="read the verdict column of a filled-in export back into the verdicts file")
    stats = add("stats", help="judged precision per rule, from the verdicts file",
                         description="Judged precision per rule at the gate and over all findings, with counts per "
                                     "confidence band; with paths, also the findings not yet judged and the stale "
                                     "verdicts (docs/calibrate.md).")
    stats.add_argument("paths", nargs="*", metavar="PATH", help="files or folders the verdicts were made on")
    stats.add_argument("--format", choices=("text", "json"), default="text")
    calibrate = add("calibrate", help="set each rule's advisory-below from the verdicts, to reach a precision",
                                 description="Choose, per rule, the advisory-below at which its judged precision at "
                                             "the gate (a Wilson lower bound) reaches --target; print the table and "
                                             "with --write put the thresholds in a config file (docs/calibrate.md).")
    calibrate.add_argument("paths", nargs="*", metavar="PATH",
                           help="the files the verdicts were made on: stale verdicts are left out and confidences "
                                "read afresh (without paths, the confidence recorded with each verdict is used)")
    calibrate.add_argument("--target", type=_fraction, default=0.85, metavar="P",
                           help="judged precision each rule must reach at the gate (default 0.85)")
    calibrate.add_argument("--z", type=_number(0, 5, kind=float, what="a number", rule="must be more than 0 and at "
                                                                                        "most 5"),
                           default=1.0, help="how strict the lower bound is (default 1.0, about 84%% one-sided)")
    calibrate.add_argument("--write", metavar="CONFIG", help="write the thresholds into this config file")
    calibrate.add_argument("--refit", action="store_true",
                           help="refit the verifier's weights on these verdicts (regularised toward the shipped "
                                "model) and write a newsroom model; needs the paths (docs/verifier.md)")
    calibrate.add_argument("--model-out", metavar="FILE",
                           help="with --refit: where to write the model (default .copydesk/verifier.json beside "
                                "the config)")
    for command_parser in (review, stats, calibrate):
        command_parser.add_argument("--verdicts", metavar="FILE", help="the verdicts file (default: the config's "
                                    "`verdicts`, else .copydesk/verdicts.jsonl beside the config)")
        command_parser.add_argument("--config", metavar="FILE", help="use this config file instead of searching upward")
        command_parser.add_argument("--select", action="append", metavar="RULES")
        command_parser.add_argument("--ignore", action="append", metavar="RULES")
        command_parser.add_argument("--preview", action="store_true")
        command_parser.add_argument("--exclude", action="append", default=[], metavar="GLOB")
        command_parser.add_argument("--debug", action="store_true")
        _add_run_options(command_parser)

    explain_finding = add("explain-finding", help="why one finding has its confidence: the evidence that weighed most",
                                     description="Check FILE and show, for the finding at LINE[:COLUMN] (or with this "
                                                 "fingerprint), the verifier's probability and each piece of evidence "
                                                 "that moved it (docs/verifier.md).")
    explain_finding.add_argument("file", metavar="FILE")
    explain_finding.add_argument("finding", metavar="LINE[:COLUMN]|FINGERPRINT")
    explain_finding.add_argument("--code", metavar="CODE", help="only this rule's finding there")
    explain_finding.add_argument("--config", metavar="FILE", help="use this config file instead of searching upward")
    explain_finding.add_argument("--top", type=_jobs, default=8, metavar="N", help="evidence lines shown (default 8)")
    explain_finding.add_argument("--format", choices=("text", "json"), default="text")

    explain = add("explain", help="explain one rule: why, examples, options")
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
_fraction = _number(0, 1, kind=float, what="a number", rule="must be more than 0 and at most 1")
_seconds = _number(0, 86_399, kind=float, what="a number of seconds", rule="must be more than 0 and less than a day")


def _add_run_options(command) -> None:
    from copydesk.cores import default_jobs

    command.add_argument("--jobs", "-j", type=_jobs, default=default_jobs(), metavar="N",
                         help="check files in N worker processes (default: the number of cores)")
    command.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    command.add_argument("--cache-dir", metavar="DIR",
                         help="result cache folder (default: $COPYDESK_CACHE_DIR, else .copydesk_cache)")
    command.add_argument("--changed-since", metavar="REF", help="only files changed since this git ref")
