"""Checking many files: one file's check (read, then engine.lint_article), worker processes and the result cache."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from copydesk.cores import default_jobs  # noqa: F401  (kept where callers have always found it)
from copydesk.version import __version__
from copydesk.engine import FileResult
from copydesk.finding import Finding


@dataclass(frozen=True)
class CheckOptions:
    """What a check needs besides the files: small and picklable, so each worker rebuilds its own rules."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    config: str | None = None
    preview: bool = False
    stdin_filename: str | None = None
    debug: bool = False


class Checker:
    """Settings and rule sets per config file, built once per process, and the check of one file."""

    def __init__(self, options: CheckOptions, parse_cache=None, settings=None):
        """parse_cache: an nlp.ParseCache shared by a long-lived caller (warm mode). settings: a Settings
        object to use for every path (a library caller's own), instead of a config file."""
        from copydesk.config import read_config_file

        self.options = options
        self.parse_cache = parse_cache
        self.fixed = settings if settings is not None else (
            read_config_file(Path(options.config)) if options.config else None)
        if self.fixed and options.preview:
            self.fixed.preview = True
        self._settings: dict[Path | None, Any] = {}
        self._rules: dict[int, Any] = {}

    def settings_for(self, path: str):
        from copydesk.config import Settings, find_config_file, read_config_file

        if self.fixed:
            return self.fixed
        where = Path(self.options.stdin_filename or "stdin") if path == "-" else Path(path)
        cfg = find_config_file(where)  # the stdin name need not exist: its folder's config still applies
        if cfg not in self._settings:
            s = read_config_file(cfg) if cfg else Settings()
            s.preview = s.preview or self.options.preview
            self._settings[cfg] = s
        return self._settings[cfg]

    def ruleset_for(self, settings):
        from copydesk.config import build_rules
        from copydesk.registry import load_registry

        key = id(settings)
        if key not in self._rules:
            registry = load_registry(tuple(settings.extend_rules) + tuple(settings.styles))
            self._rules[key] = build_rules(registry, settings, select=list(self.options.select or []) or None,
                                           ignore=list(self.options.ignore or []) or None)
        return self._rules[key]

    def fingerprint_path(self, path: str) -> str:
        """path relative to the folder of the config file that applies to it (else the working folder), when the
        file lies under that folder: the project's root for fingerprints and verdicts; else the path as given."""
        settings = self.settings_for(path)
        root = getattr(settings, "root", None) or os.getcwd()  # no config file: the folder the check runs in
        if path not in ("-", "<stdin>") and not path.startswith("<"):
            try:
                return Path(os.path.realpath(path)).relative_to(Path(os.path.realpath(root))).as_posix()
            except ValueError:
                pass
        return path.replace("\\", "/")

    def cache_key(self, display: str, data: bytes) -> str | None:
        """Everything a file's result depends on: its bytes and name, copydesk's code and rule cards, the
        model and its version, and the resolved settings and cards for this path."""
        settings = self.settings_for(display)
        ruleset = self.ruleset_for(settings)
        if any(c.kind == "languagetool" and c.options.get("engine", "off") != "off" for c in ruleset.for_path(display)):
            return None  # a grammar server's answer can change, or fail, from one run to the next: never cached
        cards = [(c.code, c.name, c.category, c.kind, c.severity, c.message, c.status, c.confidence,
                  c.advisory_below, c.min_confidence, sorted((k, repr(v)) for k, v in c.options.items()),
                  c.verifier.key if c.verifier is not None else None)
                 for c in ruleset.for_path(display)]
        state = {k: repr(v) for k, v in sorted(vars(settings).items()) if k not in ("source", "root")}
        h = hashlib.sha256()
        for part in (_code_fingerprint(), _model_fingerprint(settings.model), json.dumps(state, sort_keys=True),
                     repr(cards), display, str(ruleset.is_opinion_path(display))):
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
        h.update(data)
        return h.hexdigest()

    def check_bytes(self, display: str, data: bytes, fmt: str | None = None) -> FileResult:
        from copydesk.engine import lint_article
        from copydesk.readers import BinaryFile, ReaderError, read_article

        settings = self.settings_for(display)
        ruleset = self.ruleset_for(settings)
        try:
            article = read_article(display, data, fmt=fmt, max_bytes=settings.max_file_bytes)
        except BinaryFile as exc:
            return FileResult(path=display, score=None, skipped=True, notices=[str(exc)])
        except ReaderError as exc:
            return FileResult(path=display, score=None, errors=[str(exc)])
        if ruleset.is_opinion_path(display):
            article.meta["opinion"] = True
        return lint_article(article, ruleset.for_path(display), ruleset.registry, model=settings.model,
                            debug=self.options.debug, nlp_max_chars=settings.max_nlp_chars,
                            nlp_max_tokens=settings.max_nlp_tokens, max_words=settings.max_words,
                            opinion=settings.opinion, language=settings.language,
                            rule_timeout=settings.rule_timeout, parse_cache=self.parse_cache,
                            genres=settings.genres)


def special_file(path: str) -> str | None:
    """What a path is when it is not a regular file: a named pipe, a socket, a device."""
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


def check_path(checker: Checker, path: str, display: str, cache: "ResultCache | None",
               data: bytes | None = None) -> FileResult:
    """One file, start to finish: special files skipped, bytes read once, the cache consulted and filled."""
    if data is None:
        kind = special_file(path)
        if kind:
            # Opening a pipe waits for a writer forever; a device or socket is no draft.
            return FileResult(path=display, score=None, skipped=True, notices=[f"not a regular file ({kind}), skipped"])
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            return FileResult(path=display, score=None, errors=[f"cannot read: {exc.strerror or exc}"])
    key = checker.cache_key(display, data) if cache else None
    if key:
        hit = cache.get(key)
        if hit is not None:
            hit.fingerprint_path = checker.fingerprint_path(path if path != "-" else display)
            return hit
    result = checker.check_bytes(display, data)
    if key and cacheable(result):
        cache.put(key, result)
    result.fingerprint_path = checker.fingerprint_path(path if path != "-" else display)
    return result


def cacheable(result: FileResult) -> bool:
    # A rule stopped by the time budget may finish next time on a quieter machine: never keep that answer.
    return not result.errors and not any("was stopped after" in n for n in result.notices)


# -- worker processes ----------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(options: CheckOptions, fixed, cache_dir: str | None, cache_max: int) -> None:
    """A worker's Checker: the parent's options and, when the parent's settings are fixed (a config file or a
    library caller's defaults), the same settings, so every process judges with what the parent would."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _WORKER["checker"] = Checker(options, settings=fixed)
    _WORKER["cache"] = ResultCache(Path(cache_dir), cache_max) if cache_dir else None


def _check_in_worker(job: tuple[str, str]) -> tuple[FileResult, list[str]]:
    path, display = job
    result = check_path(_WORKER["checker"], path, display, _WORKER["cache"])
    return result, engine_notices()


def engine_notices() -> list[str]:
    """Said once per run by an outside engine or model in this process (LanguageTool could not be reached, the
    meaning model could not be loaded)."""
    out = []
    for name in ("copydesk.languagetool", "copydesk.semantic"):
        module = sys.modules.get(name)
        if module is not None:
            out += module.run_notices()
    return out


def check_all(checker: Checker, jobs: list[tuple[str, str]], workers: int, cache: "ResultCache | None",
              progress: bool = False, notices: list[str] | None = None) -> Iterator[FileResult]:
    """Results in the order of jobs ((path, display) pairs), from this process or from worker processes,
    with a progress bar on stderr when `progress` and the run is long and in a terminal.

    Each worker builds its own Checker and loads the model once, on its first file that needs it; only
    paths go to workers and only results come back, never a model or an article."""
    if workers <= 1 or len(jobs) < 2:
        with progress_bar(len(jobs), enabled=progress) as bar:
            for path, display in jobs:
                result = check_path(checker, path, display, cache)
                bar.advance()
                yield result
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the imported code with the workers; spawn (the only choice elsewhere) re-imports it.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=context, initializer=_init_worker,
                             initargs=(checker.options, checker.fixed, str(cache.folder) if cache else None,
                                       cache.max_bytes if cache else 0)) as pool:
        # Small chunks keep both workers busy to the end; map() keeps the input order. map() submits every
        # job, which forks the workers, before the progress bar starts its refresh thread: never fork a
        # process that is running threads.
        ordered = pool.map(_check_in_worker, jobs, chunksize=max(1, min(16, len(jobs) // (workers * 8))))
        with progress_bar(len(jobs), enabled=progress) as bar:
            for result, said in ordered:
                if notices is not None:
                    notices.extend(n for n in said if n not in notices)
                bar.advance()
                yield result


# -- result cache --------------------------------------------------------------------------------------------

CACHE_DIR_NAME = ".copydesk_cache"
CACHE_MAX_BYTES = 256 * 1024 * 1024
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by copydesk.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n")


class ResultCache:
    """One JSON file per result, named by its key: written to a temporary file and renamed into place, so
    parallel runs and a killed run never leave half an entry; read back only if it parses. Pruned, oldest
    first, when the folder passes max_bytes."""

    def __init__(self, folder: Path, max_bytes: int = CACHE_MAX_BYTES):
        self.folder = folder
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0

    def _path(self, key: str) -> Path:
        return self.folder / "results" / key[:2] / f"{key}.json"

    def get(self, key: str) -> FileResult | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            result = result_from_json(data)
        except (OSError, ValueError, TypeError, KeyError):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, key: str, result: FileResult) -> None:
        target = self._path(key)
        try:
            self._prepare()
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(json.dumps(result_to_json(result), ensure_ascii=False))  # the C encoder, in one go
            os.replace(tmp, target)
        except OSError:
            pass  # a cache that cannot be written only costs time

    def _prepare(self) -> None:
        if not (self.folder / "CACHEDIR.TAG").exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / "CACHEDIR.TAG").write_text(CACHEDIR_TAG, encoding="utf-8")
            (self.folder / ".gitignore").write_text("# Created by copydesk.\n*\n", encoding="utf-8")

    def prune(self) -> int:
        """Delete the least recently written entries until the folder is under max_bytes; how many went."""
        entries = []
        for p in (self.folder / "results").glob("*/*.json"):
            try:
                st = p.stat()
            except OSError:
                continue
            entries.append((st.st_mtime, st.st_size, p))
        total = sum(size for _, size, _ in entries)
        removed = 0
        for _, size, p in sorted(entries):
            if total <= self.max_bytes:
                break
            try:
                p.unlink()
            except OSError:
                continue
            total -= size
            removed += 1
        return removed


_FINDING_FIELDS = tuple(f.name for f in fields(Finding))


def result_to_json(result: FileResult) -> dict[str, Any]:
    """A cache entry: the result's fields, each finding as a row of its fields in declaration order (a
    file with 50,000 findings is written in a fraction of a second, without dataclasses.asdict's copies)."""
    data = {f.name: getattr(result, f.name) for f in fields(FileResult)}
    data["findings"] = [[getattr(f, n) for n in _FINDING_FIELDS] for f in result.findings]
    data["lines"] = {str(k): v for k, v in result.lines.items()}
    data["finding_fields"] = _FINDING_FIELDS
    return data


def result_from_json(data: dict[str, Any]) -> FileResult:
    names = {f.name for f in fields(FileResult)}
    if set(data) != names | {"finding_fields"} or tuple(data["finding_fields"]) != _FINDING_FIELDS:
        raise KeyError("cache entry of another shape")
    data = dict(data)
    del data["finding_fields"]
    data["findings"] = [Finding(*row) for row in data["findings"]]
    data["lines"] = {int(k): v for k, v in data["lines"].items()}
    return FileResult(**data)


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """copydesk's version and its installed code and rule cards (name, size, mtime): an edited rule or
    lexicon invalidates every cached result, even before a version bump. A daemon recomputes it on every
    check (to notice that it is out of date), so it walks with scandir: about 1 ms for the whole package."""
    h = hashlib.sha256(__version__.encode())
    from copydesk.registry import default_rules_dir

    for root in (str(Path(__file__).resolve().parent), str(default_rules_dir())):
        for entry in sorted(_files_under(root)):
            h.update(f"{entry[0][len(root):]}:{entry[1]}:{entry[2]}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _files_under(root: str) -> Iterator[tuple[str, int, int]]:
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(entry.path)
                elif entry.is_file():
                    st = entry.stat()
                    yield entry.path, st.st_size, st.st_mtime_ns


@lru_cache(maxsize=8)
def _model_fingerprint(name: str | None) -> str:
    """The model package and its version, and spaCy's, read from package metadata without loading anything."""
    from importlib import metadata

    from copydesk.nlp import ModelError, resolve_model

    try:
        model = resolve_model(name)
    except ModelError:
        return "no-model"
    versions = [model]
    for dist in (model, model.replace("_", "-"), "spacy"):
        try:
            versions.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            continue
    return ";".join(versions)


def cache_folder(explicit: str | None) -> Path:
    """--cache-dir, else COPYDESK_CACHE_DIR, else .copydesk_cache in the working folder."""
    return Path(explicit or os.environ.get("COPYDESK_CACHE_DIR") or CACHE_DIR_NAME)


def progress_bar(total: int, enabled: bool):
    """A rich progress bar on stderr for a long run in a terminal; nothing in CI or when piped."""
    if not enabled or total < 20 or not sys.stderr.isatty() or os.environ.get("CI"):
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.console import Console

    bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)
    return _Progress(bar, total)


class _NoProgress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def advance(self) -> None:
        pass


class _Progress(_NoProgress):
    def __init__(self, bar, total: int):
        self.bar, self.total, self.task = bar, total, None

    def __enter__(self):
        self.bar.start()
        self.task = self.bar.add_task("check", total=self.total)
        return self

    def __exit__(self, *exc):
        self.bar.stop()
        return False

    def advance(self) -> None:
        self.bar.advance(self.task)

