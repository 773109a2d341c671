"""`copydesk lsp`: a language server over stdio (pygls), so an editor shows copydesk's findings as someone writes.

Diagnostics on open, on change (debounced) and on save; code actions for the safe fixes and for silencing a
finding; a hover that explains the rule. Every check goes through copydesk.api with one warm Linter, so
unchanged paragraphs are not parsed again. Settings come from the draft's .copydesk.toml or pyproject.toml,
found upward from it as `copydesk check` finds them, and are reloaded when those files change.
"""

from __future__ import annotations

import asyncio
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from copydesk.version import __version__

RECORD_VERDICT = "copydesk.recordVerdict"  # the command behind "Not a defect here: record it"
CONFIG_NAMES = (".copydesk.toml", "pyproject.toml")
LANGUAGE_FORMATS = {"markdown": "md", "plaintext": "txt", "text": "txt", "html": "html"}
SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
# A parse cached per open draft: about 2,000 words each, so memory follows the number of open drafts.
CHARS_PER_DOCUMENT = 12_000
_NEWLINE = re.compile(r"\r\n|\r|\n")
_RELATED_LINES = re.compile(r"\blines? ((?:\d+(?:, | and |, and |–|-)?)+)")


@dataclass
class Checked:
    """One open draft's last check: the text it was run on (its lines, for position conversion) and findings."""

    version: int | None
    lines: list[str]
    findings: list[Any]
    diagnostics: list[types.Diagnostic] = field(default_factory=list)
    fingerprints: list[str] = field(default_factory=list)  # one per finding (copydesk.report.fingerprint)
    fingerprint_path: str = ""  # the file as its fingerprints name it
    verdicts_file: str = ""  # where "Not a defect here" records its verdict


def split_lines(text: str) -> list[str]:
    """Lines as copydesk counts them (\\r\\n, \\r and \\n end a line), each without its line break."""
    return _NEWLINE.split(text)


def uri_to_path(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    return unquote(parsed.path)


class CopydeskLanguageServer(LanguageServer):
    """The server's state: one warm Linter, the last check of each open draft, pending debounced checks."""

    def __init__(self, debounce: float = 0.3, max_documents: int = 200):
        super().__init__("copydesk", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.debounce = debounce
        self.max_documents = max_documents
        self.checked: dict[str, Checked] = {}
        self.pending: dict[str, asyncio.Task] = {}
        # spaCy and the Linter are used from one thread at a time: checks queue here, off the event loop.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copydesk-check")
        from copydesk.nlp import ParseCache

        self.linter = None
        self.parse_cache = ParseCache(CHARS_PER_DOCUMENT * max_documents)
        self.config_stamps: dict[str, float | None] = {}

    # -- settings ----------------------------------------------------------------------------------------------

    def get_linter(self):
        """The warm Linter, rebuilt (keeping its parse cache) when a config file it read has changed."""
        from copydesk import api

        linter = self.linter
        if linter is not None and self.config_stamps == _stamps(self.config_stamps):
            return linter
        # Parses do not depend on settings: the new Linter keeps the server's parse cache.
        linter = self.linter = api.Linter(None, parse_cache=self.parse_cache)
        self.config_stamps = {}
        return linter

    def reload_settings(self) -> None:
        """A config file changed: find config files afresh, and build the Linter again on the next check."""
        from copydesk.config import forget_config_locations

        forget_config_locations()
        self.linter = None

    # -- checking ----------------------------------------------------------------------------------------------

    def run_check(self, uri: str, text: str, language: str | None) -> tuple[list[Any], list[str], str, str]:
        """Blocking (the check thread): the findings for this text as the file behind uri, their fingerprints,
        the file as they name it, and the verdicts file for it."""
        from copydesk.report.fingerprint import fingerprint_path, fingerprints
        from copydesk.verdicts import verdicts_file

        from copydesk.config import find_config_file

        linter = self.get_linter()
        path = uri_to_path(uri)
        fmt = None
        if path is None:  # untitled: a name for the format, in the working folder's settings
            path = str(Path.cwd() / ("untitled." + LANGUAGE_FORMATS.get(language or "", "md")))
        from copydesk.readers import detect_format

        if detect_format(path) is None:
            fmt = LANGUAGE_FORMATS.get(language or "", "txt")
        config = find_config_file(Path(path))
        key = str(config) if config else f"none:{Path(path).parent}"
        if key not in self.config_stamps:
            self.config_stamps[key] = _mtime(config)
        result = linter.check_text(text, path, fmt)
        if result.errors:
            self.window_log_message(types.LogMessageParams(types.MessageType.Warning,
                                                           f"copydesk: {path}: {'; '.join(result.errors)}"))
        return (result.findings, fingerprints(result), fingerprint_path(result.fingerprint_path or path),
                str(verdicts_file(linter.settings_for(path))))

    async def check_now(self, uri: str) -> None:
        document = self.workspace.get_text_document(uri)
        text, version, language = document.source, document.version, document.language_id
        loop = asyncio.get_running_loop()
        try:
            findings, prints, fp_path, verdicts = await loop.run_in_executor(self.executor, self.run_check, uri, text,
                                                                           language)
        except Exception as exc:  # a config error, a bug: said in the editor's log, never a crash
            self.window_log_message(types.LogMessageParams(
                types.MessageType.Error, f"copydesk: cannot check {uri}: {type(exc).__name__}: {exc}"))
            findings, prints, fp_path, verdicts = [], [], "", ""
        current = self.workspace.get_text_document(uri)
        if uri not in self.open_uris() or current.version != version:
            return  # edited (or closed) meanwhile: the newer check publishes
        lines = split_lines(text)
        checked = Checked(version, lines, findings, fingerprints=prints, fingerprint_path=fp_path,
                          verdicts_file=verdicts)
        checked.diagnostics = [self.diagnostic(uri, lines, f) for f in findings]
        # One entry per open draft (dropped on close): findings are small. The memory is in the parses, which
        # the Linter's parse cache bounds and evicts least recently used first.
        self.checked[uri] = checked
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=checked.diagnostics))

    def schedule(self, uri: str, delay: float) -> None:
        """Check uri after `delay` seconds, replacing a check already waiting for it (debounce)."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()

        async def later():
            try:
                if delay:
                    await asyncio.sleep(delay)
                await self.check_now(uri)
            finally:
                if self.pending.get(uri) is task:
                    del self.pending[uri]

        task = asyncio.ensure_future(later())
        self.pending[uri] = task

    def open_uris(self) -> set[str]:
        return set(self.workspace.text_documents)

    def forget(self, uri: str) -> None:
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.checked.pop(uri, None)

    # -- LSP shapes --------------------------------------------------------------------------------------------

    def position(self, lines: list[str], line: int, column: int) -> types.Position:
        """copydesk's 1-based line and character column, in the client's position encoding."""
        return self.workspace.position_codec.position_to_client_units(lines, types.Position(line=line - 1, character=column - 1))

    def range_of(self, lines: list[str], f) -> types.Range:
        return types.Range(start=self.position(lines, f.line, f.column),
                           end=self.position(lines, f.end_line, f.end_column))

    def diagnostic(self, uri: str, lines: list[str], f) -> types.Diagnostic:
        from copydesk.explain import docs_url

        card = self.linter.rule(f.code) if self.linter else None
        href = docs_url(card, self.docs_base()) if card is not None else None
        related = []
        if f.category in ("duplication", "structure"):
            for n in related_lines(f.message):
                if 1 <= n <= len(lines) and n != f.line:
                    where = types.Location(uri=uri, range=types.Range(
                        start=types.Position(line=n - 1, character=0),
                        end=self.position(lines, n, len(lines[n - 1]) + 1)))
                    related.append(types.DiagnosticRelatedInformation(location=where, message=f"also on line {n}"))
        return types.Diagnostic(
            range=self.range_of(lines, f),
            message=f.message,
            severity=types.DiagnosticSeverity.Hint if f.advisory else SEVERITY[f.severity],
            code=f.code,
            code_description=types.CodeDescription(href=href) if href else None,
            source="copydesk",
            related_information=related or None,
            data={"rule": f.rule, "fix": f.fix, "confidence": round(f.confidence, 2)},
        )

    def docs_base(self) -> str | None:
        linter = self.linter
        return getattr(linter.settings_for(str(Path.cwd() / "draft.md")), "docs_url", None) if linter else None


def related_lines(message: str) -> list[int]:
    """The other lines a duplication or competing-headline message names ("repeats line 7", "lines 3, 9")."""
    out: list[int] = []
    for m in _RELATED_LINES.finditer(message):
        out += [int(n) for n in re.findall(r"\d+", m.group(1))]
    return list(dict.fromkeys(out))


def _mtime(path: Path | None) -> float | None:
    if path is None:
        return None
    try:
        return path.stat().st_mtime_ns / 1e9
    except OSError:
        return None


def _stamps(known: dict[str, float | None]) -> dict[str, float | None]:
    """The config files' modification times now, for the same keys (a key 'none:...' has no file)."""
    return {k: None if k.startswith("none:") else _mtime(Path(k)) for k in known}


def silence_edit(lines: list[str], f) -> types.TextEdit:
    """Insert `<!-- copydesk: disable-next-line CODE -->` on its own line above the finding, indented as it."""
    from copydesk.suppress import silence_directive

    target = lines[f.line - 1] if f.line - 1 < len(lines) else ""
    start = types.Position(line=f.line - 1, character=0)
    return types.TextEdit(range=types.Range(start=start, end=start), new_text=silence_directive(target, f.code) + "\n")


def fix_edit(lines: list[str], f) -> types.TextEdit | None:
    """The safe fix as an edit: delete lines fix[0]..fix[1], and a blank line the deletion would leave doubled
    (as `copydesk check --fix` does)."""
    if not f.fix:
        return None
    first, last = f.fix
    if first < 1 or last > len(lines) or first > last:
        return None
    end = last  # 0-based index of the line after the range
    if end < len(lines) and not lines[end].strip() and (first == 1 or not lines[first - 2].strip()):
        end += 1
    if end >= len(lines):  # through the end of the file: from the end of the line before
        if first == 1:
            return types.TextEdit(range=types.Range(start=types.Position(line=0, character=0),
                                                    end=types.Position(line=len(lines) - 1, character=len(lines[-1]))),
                                  new_text="")
        return types.TextEdit(range=types.Range(start=types.Position(line=first - 2, character=len(lines[first - 2])),
                                                end=types.Position(line=len(lines) - 1, character=len(lines[-1]))),
                              new_text="")
    return types.TextEdit(range=types.Range(start=types.Position(line=first - 1, character=0),
                                            end=types.Position(line=end, character=0)), new_text="")


def build_server(debounce: float = 0.3, max_documents: int = 200) -> CopydeskLanguageServer:
    server = CopydeskLanguageServer(debounce, max_documents)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CopydeskLanguageServer, params: types.InitializedParams) -> None:
        caps = ls.client_capabilities.workspace
        watched = caps.did_change_watched_files if caps else None
        if watched and watched.dynamic_registration:
            watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_NAMES]
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[types.Registration(
                id="copydesk-config", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))]))

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: CopydeskLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: CopydeskLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, ls.debounce)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: CopydeskLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
        if Path(uri_to_path(params.text_document.uri) or "").name in CONFIG_NAMES:
            ls.reload_settings()
            for uri in ls.open_uris():
                ls.schedule(uri, 0)
            return
        ls.schedule(params.text_document.uri, 0)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: CopydeskLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.forget(params.text_document.uri)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                            diagnostics=[]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched_changed(ls: CopydeskLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(Path(uri_to_path(c.uri) or "").name in CONFIG_NAMES for c in params.changes):
            ls.reload_settings()
            for uri in ls.open_uris():
                ls.schedule(uri, 0)

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
    def code_action(ls: CopydeskLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        checked = ls.checked.get(uri)
        if checked is None:
            return []
        current = ls.workspace.get_text_document(uri)
        if current.version != checked.version:
            return []  # the findings are for an older text: their edits would land in the wrong place
        actions = []
        wanted = params.range
        for k, (f, diag) in enumerate(zip(checked.findings, checked.diagnostics)):
            if diag.range.end.line < wanted.start.line or diag.range.start.line > wanted.end.line:
                continue
            if f.replacement is not None:
                actions.append(types.CodeAction(
                    title=f"Replace with “{f.replacement}” ({f.code})", kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diag], is_preferred=True,
                    edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=diag.range, new_text=f.replacement)]})))
            edit = fix_edit(checked.lines, f)
            if edit is not None:
                actions.append(types.CodeAction(
                    title=f"Delete the lines of this {f.rule.replace('-', ' ')} ({f.code})",
                    kind=types.CodeActionKind.QuickFix, diagnostics=[diag], is_preferred=True,
                    edit=types.WorkspaceEdit(changes={uri: [edit]})))
            actions.append(types.CodeAction(
                title=f"Silence {f.code} on this line (copydesk: disable-next-line)",
                kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                edit=types.WorkspaceEdit(changes={uri: [silence_edit(checked.lines, f)]})))
            if k < len(checked.fingerprints) and checked.verdicts_file:
                verdict = {"fingerprint": checked.fingerprints[k], "code": f.code, "verdict": "wrong",
                           "confidence": round(f.confidence, 3), "severity": f.severity,
                           "path": checked.fingerprint_path}
                actions.append(types.CodeAction(
                    title=f"Not a defect here: record it ({f.code}, for copydesk calibrate)",
                    kind=types.CodeActionKind.QuickFix, diagnostics=[diag],
                    command=types.Command(title="Record a wrong verdict", command=RECORD_VERDICT,
                                          arguments=[{"verdict": verdict, "file": checked.verdicts_file}])))
        return actions

    @server.command(RECORD_VERDICT)
    def record_verdict(ls: CopydeskLanguageServer, *arguments: Any) -> dict:
        """Append the verdict a code action carries to the draft's verdicts file (docs/calibrate.md)."""
        from copydesk.verdicts import VerdictsError, append_verdicts, parse_verdict

        try:
            if not arguments or not isinstance(arguments[0], dict) or "file" not in arguments[0]:
                raise VerdictsError("the command needs {verdict, file}")
            verdict = parse_verdict(arguments[0].get("verdict"), "verdict")
            append_verdicts(arguments[0]["file"], [verdict])
        except VerdictsError as exc:
            ls.window_show_message(types.ShowMessageParams(types.MessageType.Error, f"copydesk: {exc}"))
            return {"recorded": False, "error": str(exc)}
        ls.window_show_message(types.ShowMessageParams(
            types.MessageType.Info, f"copydesk: recorded {verdict.code} as not a defect here in {arguments[0]['file']}"))
        return {"recorded": True}

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: CopydeskLanguageServer, params: types.HoverParams) -> types.Hover | None:
        from copydesk.explain import docs_url

        checked = ls.checked.get(params.text_document.uri)
        if checked is None or ls.linter is None:
            return None
        at = params.position
        parts, seen, span = [], set(), None
        for f, diag in zip(checked.findings, checked.diagnostics):
            r = diag.range
            if (r.start.line, r.start.character) <= (at.line, at.character) <= (r.end.line, r.end.character):
                if f.code in seen:
                    continue
                seen.add(f.code)
                span = span or r
                card = ls.linter.rule(f.code)
                text = f"**{f.code} {f.rule}** ({f.severity}{', advisory' if f.advisory else ''}): {f.message}"
                if card is not None:
                    text += f"\n\n{card.why}"
                    url = docs_url(card, ls.docs_base())
                    if url:
                        text += f"\n\n[{f.code} in the docs]({url}) · `copydesk explain {f.code}`"
                parts.append(text)
        if not parts:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
                           range=span)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: CopydeskLanguageServer, params: None) -> None:
        for task in list(ls.pending.values()):
            task.cancel()
        ls.executor.shutdown(wait=False, cancel_futures=True)

    return server


def run_stdio(debounce: float = 0.3, max_documents: int = 200) -> int:
    """Serve over stdin/stdout until the client says exit."""
    from copydesk.quiet import quiet_third_parties

    quiet_third_parties()
    server = build_server(debounce, max_documents)
    server.start_io(sys.stdin.buffer, sys.stdout.buffer)
    return 0
