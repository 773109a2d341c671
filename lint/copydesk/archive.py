"""Archive scale: check a whole newsroom archive on a Dask cluster, findings to Parquet partition by partition.

    from copydesk import archive
    paths = archive.run("articles/", "audit/")           # a LocalCluster of worker processes on this machine
    paths = archive.run("articles.jsonl", "audit/", scheduler="tcp://10.0.0.5:8786")

Each partition of articles is one Dask task. A worker builds its Checker (settings, rule cards, and the
model on first use) once and reuses it for every partition it runs; only article references travel to
workers and only small summaries come back. A task writes its two Parquet files (findings, articles) to
temporary names and renames them into place, so a worker that dies loses only the partition it was
running, which Dask runs again elsewhere; a re-run skips partitions already written. Every article goes
through run.check_path and engine.lint_article, the same path as `copydesk check`.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from copydesk.run import CheckOptions, Checker, check_path

PARTITION_SIZE = 100
FINDING_COLUMNS = ("article_id", "path", "code", "rule", "category", "severity", "confidence", "line", "column",
                   "end_line", "end_column", "message", "excerpt")


class ArchiveError(Exception):
    """A source that cannot be read or an output folder that cannot be written; one line for the user."""


@dataclass
class Summary:
    """What a run found, for the closing report."""

    articles: int = 0
    words: int = 0
    findings: int = 0
    errors: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    worst: list[tuple[int, str, int]] = field(default_factory=list)  # (score, article id, findings), lowest first
    partitions_written: int = 0
    partitions_skipped: int = 0
    seconds: float = 0.0

    def add(self, part: dict[str, Any]) -> None:
        self.articles += part["articles"]
        self.words += part["words"]
        self.findings += part["findings"]
        self.errors += part["errors"]
        for cat, n in part["by_category"].items():
            self.by_category[cat] = self.by_category.get(cat, 0) + n
        self.worst = sorted(self.worst + [tuple(w) for w in part["worst"]])[:10]


# -- sources -------------------------------------------------------------------------------------------------

def read_source(source: str) -> list[dict[str, Any]]:
    """Articles as {"id", "path" or "text", "format"} records: a folder (walked like `copydesk check`), a
    glob, or a JSON-lines file of such records. Ids default to the path; they must be unique."""
    from copydesk.files import iter_files

    if source.endswith((".jsonl", ".ndjson")) and Path(source).is_file():
        records = []
        with open(source, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ArchiveError(f"{source} line {n}: not JSON ({exc.msg})") from None
                if not isinstance(rec, dict) or not (isinstance(rec.get("path"), str) or isinstance(rec.get("text"), str)):
                    raise ArchiveError(f"{source} line {n}: a record needs a \"path\" or a \"text\"")
                rec.setdefault("id", rec.get("path") or f"{Path(source).name}:{n}")
                records.append({"id": str(rec["id"]), "path": rec.get("path"), "text": rec.get("text"),
                                "format": rec.get("format")})
    elif Path(source).is_dir():
        records = [{"id": p, "path": p, "text": None, "format": None} for p in iter_files([source], lambda p: False)]
    else:
        matches = sorted(p for p in glob.glob(source, recursive=True) if Path(p).is_file())
        if not matches:
            raise ArchiveError(f"no articles at {source} (a folder, a glob or a .jsonl file)")
        records = [{"id": p, "path": p, "text": None, "format": None} for p in matches]
    seen: set[str] = set()
    for rec in records:
        if rec["id"] in seen:
            raise ArchiveError(f"article id {rec['id']!r} appears twice in {source}")
        seen.add(rec["id"])
    return records


def partitions(records: list[dict[str, Any]], size: int) -> list[tuple[str, list[dict[str, Any]]]]:
    """Fixed-size slices, each named by its position and a hash of its article ids, so a re-run over the
    same source finds its finished partitions, and a changed source never reuses a stale one."""
    out = []
    for start in range(0, len(records), size):
        chunk = records[start:start + size]
        digest = hashlib.sha256("\0".join(r["id"] for r in chunk).encode("utf-8", "surrogatepass")).hexdigest()[:12]
        out.append((f"part-{start // size:06}-{digest}", chunk))
    return out


# -- the task ------------------------------------------------------------------------------------------------

_CHECKERS: dict[CheckOptions, Checker] = {}


def _checker(options: CheckOptions) -> Checker:
    """One Linter per worker process and options (through the library API): rules built, and the model
    loaded, once."""
    from copydesk.api import Linter

    if options not in _CHECKERS:
        _CHECKERS[options] = Linter.from_options(options).checker
    return _CHECKERS[options]


_FORMAT_SUFFIX = {"md": ".md", "markdown": ".md", "txt": ".txt", "text": ".txt", "html": ".html", "htm": ".html"}


def check_record(checker: Checker, rec: dict[str, Any]):
    """One archive article through the same path as `copydesk check`."""
    if rec.get("text") is not None:
        suffix = _FORMAT_SUFFIX.get(str(rec.get("format") or "").lower(), "")
        display = rec["id"] if not suffix or rec["id"].lower().endswith(suffix) else rec["id"] + suffix
        result = check_path(checker, display, display, None, data=rec["text"].encode("utf-8"))
    else:
        result = check_path(checker, rec["path"], rec["path"], None)
    return result


def check_partition(name: str, records: list[dict[str, Any]], out: str, options: CheckOptions) -> dict[str, Any]:
    """Check one partition and write its findings and articles tables; returns its summary."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    checker = _checker(options)
    findings: dict[str, list] = {c: [] for c in FINDING_COLUMNS}
    articles: dict[str, list] = {c: [] for c in ("article_id", "path", "words", "score", "findings", "errors",
                                                  "notices", "skipped")}
    by_category: dict[str, int] = {}
    worst = []
    for rec in records:
        result = check_record(checker, rec)
        for f in result.findings:
            row = {"article_id": rec["id"], "path": result.path, **f.to_json()}
            for c in FINDING_COLUMNS:
                findings[c].append(row[c])
            by_category[f.category] = by_category.get(f.category, 0) + 1
        for c, v in (("article_id", rec["id"]), ("path", result.path), ("words", result.words),
                     ("score", result.score), ("findings", len(result.findings)),
                     ("errors", "\n".join(result.errors)), ("notices", "\n".join(result.notices)),
                     ("skipped", result.skipped)):
            articles[c].append(v)
        if result.score is not None:
            worst.append((result.score, rec["id"], len(result.findings)))
    schema = pa.schema([("article_id", pa.string()), ("path", pa.string()), ("code", pa.string()),
                        ("rule", pa.string()), ("category", pa.string()), ("severity", pa.string()),
                        ("confidence", pa.float64()), ("line", pa.int32()), ("column", pa.int32()),
                        ("end_line", pa.int32()), ("end_column", pa.int32()), ("message", pa.string()),
                        ("excerpt", pa.string())])
    _write_atomically(pa.table(findings, schema=schema), Path(out) / "findings" / f"{name}.parquet", pq)
    _write_atomically(pa.table(articles), Path(out) / "articles" / f"{name}.parquet", pq)
    return {"name": name, "articles": len(records), "words": sum(articles["words"]),
            "findings": len(findings["code"]), "errors": sum(bool(e) for e in articles["errors"]),
            "by_category": by_category, "worst": sorted(worst)[:10]}


def _write_atomically(table, target: Path, pq) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name says which process on which machine owns it, so a later run can tell a file a dead
    # worker left behind from one a live worker is still writing.
    tmp = target.with_name(f".{target.name}.{_HOST}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, target)


_HOST = socket.gethostname().replace(".", "_") or "host"
_TEMPORARY = re.compile(r"^\.(?P<name>.+\.parquet)\.(?P<host>[^.]+)\.(?P<pid>\d+)\.tmp$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:  # a killed worker its parent has not yet reaped is a zombie: dead, whatever kill(0) says
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def remove_stale_temporaries(out: Path) -> int:
    """Delete the temporary partition files that no live worker owns: those written on this machine by a
    process that has exited (a worker killed mid-write). A file owned by another machine's process is left
    alone, since whether it lives cannot be known from here. Returns how many went."""
    removed = 0
    for table in ("findings", "articles"):
        for tmp in (out / table).glob(".*.tmp"):
            m = _TEMPORARY.match(tmp.name)
            if not m or m["host"] != _HOST or _alive(int(m["pid"])):
                continue
            try:
                tmp.unlink()
            except FileNotFoundError:
                continue
            removed += 1
    return removed


def _written_summary(out: Path, name: str) -> dict[str, Any]:
    import pyarrow.parquet as pq

    arts = pq.read_table(out / "articles" / f"{name}.parquet").to_pylist()
    cats = pq.read_table(out / "findings" / f"{name}.parquet", columns=["category"]).column("category").to_pylist()
    by_category: dict[str, int] = {}
    for c in cats:
        by_category[c] = by_category.get(c, 0) + 1
    return {"articles": len(arts), "words": sum(a["words"] for a in arts), "findings": len(cats),
            "errors": sum(bool(a["errors"]) for a in arts), "by_category": by_category,
            "worst": sorted((a["score"], a["article_id"], a["findings"]) for a in arts if a["score"] is not None)[:10]}


def _done(out: Path, name: str) -> bool:
    # The articles table is written last: when it exists, the partition is complete.
    return (out / "articles" / f"{name}.parquet").exists() and (out / "findings" / f"{name}.parquet").exists()


# -- the run -------------------------------------------------------------------------------------------------

def run(source: str, out: str | os.PathLike, *, scheduler: str | None = None, workers: int = 2,
        partition_size: int = PARTITION_SIZE, options: CheckOptions | None = None, progress: bool = False,
        summary: Summary | None = None, client: Any = None) -> list[Path]:
    """Check every article of source on a Dask cluster and write Parquet under out; returns the paths of
    every partition file (findings and articles tables), finished now or by an earlier run."""
    out = Path(out)
    options = options or CheckOptions()
    summary = summary if summary is not None else Summary()
    started = time.perf_counter()
    records = read_source(str(source))
    parts = partitions(records, max(1, partition_size))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"cannot write to {out}: {(exc.strerror or str(exc)).lower()}") from None
    remove_stale_temporaries(out)  # a resumed run starts from a clean folder
    todo = []
    for name, chunk in parts:
        if _done(out, name):  # finished by an earlier run: counted from its files, not checked again
            summary.add(_written_summary(out, name))
            summary.partitions_skipped += 1
        else:
            todo.append((name, chunk))
    if todo:
        own_cluster = own_client = None
        if client is None:
            import dask
            from distributed import Client, LocalCluster

            if scheduler:
                client = own_client = Client(scheduler)
            else:
                # Dask's nanny starts workers with MALLOC_TRIM_THRESHOLD_=65536, which hands memory back to the
                # system after every large free: measured 25 % slower on spaCy's allocation pattern. Unset here.
                # Worker processes, one thread each: spaCy's work is CPU-bound and holds the GIL. Loopback only.
                with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
                    own_cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               host="127.0.0.1", dashboard_address=None)
                client = own_client = Client(own_cluster)
        try:
            _run_tasks(client, todo, out, options, summary, progress)
        finally:
            if own_client is not None:
                own_client.close()
            if own_cluster is not None:
                own_cluster.close()
    # The workers of this run have finished (or, for a cluster of our own, exited): whatever a killed worker
    # left half-written is removed, so the output folder holds only finished partitions.
    remove_stale_temporaries(out)
    summary.seconds = time.perf_counter() - started
    return sorted(p for name, _ in parts for p in (out / "findings" / f"{name}.parquet",
                                                   out / "articles" / f"{name}.parquet"))


def _run_tasks(client, todo, out: Path, options: CheckOptions, summary: Summary, progress: bool) -> None:
    from distributed import as_completed

    from copydesk.run import progress_bar

    # retries: a partition whose worker died runs again (its files were never renamed into place). The key
    # names the output folder too: two audits on one shared scheduler never share a task.
    where = str(out.resolve())
    token = hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    futures = [client.submit(check_partition, name, chunk, where, options, key=f"copydesk-{token}-{name}",
                             pure=False, retries=3) for name, chunk in todo]
    with progress_bar(len(futures), enabled=progress) as bar:
        for future in as_completed(futures):
            summary.add(future.result())
            summary.partitions_written += 1
            bar.advance()


def format_summary(summary: Summary) -> str:
    rate = summary.articles / summary.seconds if summary.seconds else 0.0
    lines = [f"{summary.articles:,} articles ({summary.words:,} words) in {summary.seconds:.1f} s: "
             f"{rate:.1f} articles/s; {summary.partitions_written} partition(s) written, "
             f"{summary.partitions_skipped} already done",
             f"{summary.findings:,} findings; {summary.errors} article(s) could not be fully checked"]
    if summary.by_category:
        lines.append("by category: " + ", ".join(f"{c} {n:,}" for c, n in sorted(summary.by_category.items(),
                                                                               key=lambda kv: -kv[1])))
    if summary.worst:
        lines.append("lowest scores: " + "; ".join(f"{aid} ({score}/100, {n} findings)"
                                                   for score, aid, n in summary.worst[:5]))
    return "\n".join(lines)


def read_findings(out: str | os.PathLike) -> list[dict[str, Any]]:
    """Every finding row written under out (all partitions), for checks and notebooks."""
    import pyarrow.parquet as pq

    rows: list[dict[str, Any]] = []
    for path in sorted(Path(out, "findings").glob("*.parquet")):
        rows += pq.read_table(path).to_pylist()
    return rows

