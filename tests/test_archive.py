"""Archive scale on a real Dask LocalCluster of 2 worker processes on loopback: the findings equal
`copydesk check --format json`, a worker killed mid-run loses and duplicates nothing, a re-run resumes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import run_cli, write

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")
pytestmark = [pytest.mark.loopback, pytest.mark.slow]  # the test process talks to its scheduler on 127.0.0.1

TOWNS = ["Wexmoor", "Tallow Point", "Brisk Harbour", "Osterby", "Dunmore", "Kelland"]


def _drafts(folder: Path, n: int = 30) -> None:
    for i in range(n):
        town = TOWNS[i % len(TOWNS)]
        body = (f"# {town} ferry timetable changes\n\n"
                f"The {town} ferry will leave at {6 + i % 5} a.m. from May, the harbour board said on Tuesday.\n\n"
                f"Board member Ada Quill said the change followed a survey of {100 + i} shift workers.\n")
        if i % 4 == 0:
            body += "\nSkip to content\n"
        if i % 5 == 0:
            body += f"\nThe {town} ferry will leave at {6 + i % 5} a.m. from May, the harbour board said on Tuesday.\n"
        if i % 6 == 0:
            body += "\nCritics say the new timetable is a shocking betrayal of island families.\n"
        write(folder / f"{i:03}-{town.lower().replace(' ', '-')}.{('md', 'txt', 'md')[i % 3]}", body)


def _check_rows(folder: Path) -> list[tuple]:
    proc = run_cli("check", "--format", "json", "--no-cache", "--fail-on", "never", str(folder))
    report = json.loads(proc.stdout)
    return sorted((f["path"], x["code"], x["line"], x["column"], x["end_line"], x["end_column"], x["message"])
                  for f in report["files"] for x in f["findings"])


def _archive_rows(out: Path) -> list[tuple]:
    from copydesk.archive import read_findings

    return sorted((r["path"], r["code"], r["line"], r["column"], r["end_line"], r["end_column"], r["message"])
                  for r in read_findings(out))


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
    client = Client(local)
    yield client
    client.close()
    local.close()


def test_archive_findings_equal_copydesk_check(tmp_path, cluster):
    from copydesk import archive

    _drafts(tmp_path / "articles")
    summary = archive.Summary()
    paths = archive.run(str(tmp_path / "articles"), tmp_path / "out", partition_size=4, client=cluster, summary=summary)
    assert len(paths) == 2 * 8 and all(p.exists() for p in paths)
    rows = _archive_rows(tmp_path / "out")
    assert rows and rows == _check_rows(tmp_path / "articles")
    assert summary.articles == 30 and summary.findings == len(rows) and summary.partitions_written == 8
    assert {"boilerplate", "duplication"} <= set(summary.by_category)
    # Each worker built its rules (and loaded the model) once, for all the partitions it ran.
    built = cluster.run(lambda: len(__import__("copydesk.archive", fromlist=["_CHECKERS"])._CHECKERS))
    assert set(built.values()) <= {0, 1} and sum(built.values()) >= 1
    # Resumable: a second run writes nothing and reads its figures from the files.
    stamps = {p: p.stat().st_mtime_ns for p in paths}
    again = archive.Summary()
    assert archive.run(str(tmp_path / "articles"), tmp_path / "out", partition_size=4, client=cluster,
                       summary=again) == paths
    assert again.partitions_skipped == 8 and again.partitions_written == 0 and again.findings == len(rows)
    assert {p: p.stat().st_mtime_ns for p in paths} == stamps


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(tmp_path, cluster):
    from copydesk import archive

    _drafts(tmp_path / "articles", 40)
    errors: list[BaseException] = []

    def audit():
        try:
            archive.run(str(tmp_path / "articles"), tmp_path / "out", partition_size=2, client=cluster)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    pids = cluster.run(os.getpid)  # worker address -> pid
    thread = threading.Thread(target=audit)
    thread.start()
    deadline = time.monotonic() + 120
    busy: list[str] = []
    # Wait for a finished partition and a worker holding a task: killing that worker is a death mid-run,
    # whatever the timing (its task is lost and must run again elsewhere).
    while time.monotonic() < deadline:
        busy = [w for w, keys in cluster.processing().items() if keys and w in pids]
        if busy and list((tmp_path / "out" / "articles").glob("*.parquet")):
            break
        time.sleep(0.02)
    written_before_kill = len(list((tmp_path / "out" / "articles").glob("*.parquet")))
    assert busy, "no worker was running a partition"
    os.kill(pids[busy[0]], signal.SIGKILL)
    thread.join(timeout=600)
    assert not thread.is_alive() and not errors, errors
    assert 0 < written_before_kill < 20
    rows = _archive_rows(tmp_path / "out")
    assert rows == _check_rows(tmp_path / "articles")  # nothing lost, nothing twice
    assert len(list((tmp_path / "out" / "articles").glob("*.parquet"))) == 20
    assert not list((tmp_path / "out").rglob("*.tmp"))


def test_a_resumed_run_removes_temporaries_no_live_worker_owns(tmp_path, cluster):
    from copydesk import archive

    _drafts(tmp_path / "articles", 4)
    archive.run(str(tmp_path / "articles"), tmp_path / "out", partition_size=2, client=cluster)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)  # exited and reaped: no process has this pid now (or, rarely, an unrelated one)
    findings = tmp_path / "out" / "findings"
    left = findings / f".part-000009-abc.parquet.{archive._HOST}.{dead_pid}.tmp"
    live = findings / f".part-000009-abc.parquet.{archive._HOST}.{os.getpid()}.tmp"
    elsewhere = findings / f".part-000009-abc.parquet.otherhost.{dead_pid}.tmp"
    for p in (left, live, elsewhere):
        p.write_bytes(b"half a parquet file")
    if archive._alive(dead_pid):
        pytest.skip("the pid was reused by another process")
    archive.run(str(tmp_path / "articles"), tmp_path / "out", partition_size=2, client=cluster)
    assert not left.exists()  # a dead worker's leftover
    assert live.exists() and elsewhere.exists()  # a live writer's, and one whose owner cannot be seen from here


def test_an_existing_scheduler_by_address(tmp_path, cluster):
    from copydesk import archive

    _drafts(tmp_path / "articles", 6)
    address = cluster.scheduler.address
    assert address.startswith("tcp://127.0.0.1:")
    archive.run(str(tmp_path / "articles"), tmp_path / "out", scheduler=address, partition_size=3)
    assert _archive_rows(tmp_path / "out") == _check_rows(tmp_path / "articles")


def test_jsonl_source_with_text_and_path_records(tmp_path, cluster):
    from copydesk import archive

    _drafts(tmp_path / "articles", 3)
    first = sorted((tmp_path / "articles").iterdir())[0]
    lines = [json.dumps({"id": "wire-1", "text": "Skip to content\n\nThe pier reopened on Monday.\n", "format": "txt"}),
             json.dumps({"id": "desk-2", "path": str(first)})]
    write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    archive.run(str(tmp_path / "feed.jsonl"), tmp_path / "out", client=cluster)
    rows = archive.read_findings(tmp_path / "out")
    assert {r["article_id"] for r in rows} == {"wire-1", "desk-2"}
    assert [r["code"] for r in rows if r["article_id"] == "wire-1"] == ["BOI001"]


def test_cli_archive_and_its_errors(tmp_path):
    _drafts(tmp_path / "articles", 4)
    loopback = {"COPYDESK_TEST_LOOPBACK": "1"}  # the CLI's own local cluster, on 127.0.0.1 only
    proc = run_cli("archive", "articles", "--out", "audit", "--workers", "1", cwd=tmp_path, env=loopback)
    assert proc.returncode == 0, proc.stderr
    assert b"4 articles" in proc.stdout and b"Parquet file(s) under audit" in proc.stdout
    missing = run_cli("archive", "nowhere/*.md", "--out", "audit", cwd=tmp_path, env=loopback)
    assert missing.returncode == 2 and b"no articles at nowhere/*.md" in missing.stderr
    assert b"Traceback" not in missing.stderr


def test_the_base_install_does_not_pull_in_dask():
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
    assert not [d for d in project["dependencies"] if d.startswith(("dask", "distributed", "pyarrow"))]
    assert any(d.startswith("dask[distributed]") for d in project["optional-dependencies"]["archive"])
    code = "import sys, copydesk.cli; copydesk.cli.main(['rules']); print('distributed' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout
    assert out.strip().endswith("False")
