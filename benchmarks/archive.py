"""Archive scale in one run: `copydesk archive` on a local Dask cluster of 2 workers against
`copydesk check --jobs 2` on the same drafts, and the per-article overhead of the archive path.

    python benchmarks/archive.py SOURCE_FOLDER [--drafts 2000] [--partition-size 100]

Drafts are copied round-robin from SOURCE_FOLDER under new names (as benchmarks/ci.py does). Both runs are
fresh processes with no result cache; wall seconds include start-up, the cluster's start and model loads.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ci import build  # noqa: E402
from speed import _run, block_texts  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--drafts", type=int, default=2000)
    parser.add_argument("--partition-size", type=int, default=100)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="copydesk-archive-") as tmp:
        drafts = Path(tmp) / "drafts"
        build(args.source, drafts, args.drafts)
        _, words = block_texts(drafts)
        check = _run([sys.executable, "-m", "copydesk", "check", "--format", "json", "--fail-on", "never",
                      "--no-cache", "--jobs", "2", str(drafts)])
        out = Path(tmp) / "out"
        arch = _run([sys.executable, "-m", "copydesk", "archive", str(drafts), "--out", str(out), "--workers", "2",
                     "--partition-size", str(args.partition_size)])
        if arch[2].returncode not in (0, 1):
            print(arch[2].stderr.decode()[-2000:])
            return 1
        resumed = _run([sys.executable, "-m", "copydesk", "archive", str(drafts), "--out", str(out), "--workers", "2",
                        "--partition-size", str(args.partition_size)])
        shutil.rmtree(out, ignore_errors=True)
    n = args.drafts
    print(f"{n} drafts, {words:,} words, partitions of {args.partition_size}")
    print(f"{'run':36} {'seconds':>8} {'articles/s':>10} {'peak MB':>8}")
    for name, (wall, rss, _) in (("copydesk check --jobs 2", check), ("copydesk archive, local cluster of 2", arch),
                                 ("copydesk archive, re-run (all done)", resumed)):
        print(f"{name:36} {wall:8.2f} {n / wall:10.1f} {rss:8.0f}")
    print(f"archive / check: {arch[0] / check[0]:.2f}x; overhead per article: "
          f"{(arch[0] - check[0]) / n * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
