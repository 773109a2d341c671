"""A draft near the size limit finishes, with bounded memory, through the real CLI."""

from __future__ import annotations

import json
import random
import resource

import pytest

from conftest import run_cli, write
from copydesk import nlp
from copydesk.readers import parse_text

WORDS = "council tram line Velden harbour mayor budget bridge library ferry school river market".split()


def _paragraphs(total: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    out, size = [], 0
    while size < total:
        p = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 90))).capitalize() + "."
        out.append(p)
        size += len(p) + 2
    return "\n\n".join(out)


@pytest.mark.slow
def test_draft_just_under_the_size_limit_finishes_with_bounded_memory(tmp_path):
    # 4.9 MB of prose: under max-file-bytes (5 MB), far over max-words, so the dump rules run and say so.
    draft = write(tmp_path / "huge.txt", "Skip to content\n\n" + _paragraphs(4_900_000))
    proc = run_cli("check", "--format", "json", str(draft), timeout=900)
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    assert report["files"][0]["words"] > 700_000
    assert report["files"][0]["findings"][0]["code"] == "BOI001"
    assert any("over max-words (100,000)" in n for n in report["files"][0]["notices"])
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < 1500, f"peak memory {peak_mb:.0f} MB"


def test_long_block_is_parsed_in_chunks_with_true_offsets():
    text = ("The ferry to Osterby left at noon. " * 400).strip()  # one block of ~14,000 characters
    article = parse_text(text + "\n", "a.txt", "txt")
    nlp.annotate(article)
    block = article.blocks[0]
    assert len(block.docs) >= 3
    for start, end, sent in block.sentences():
        assert block.text[start:end] == sent.text


@pytest.mark.slow
def test_a_thousand_drafts_in_one_run(tmp_path):
    # The CI-gate path: one process, one model of the rules, every file listed in the JSON report.
    for i in range(1000):
        folder = tmp_path / "site" / f"section{i % 10}"
        text = (f"Story {i}: the Velden tram line carried {i * 7} passengers on day {i}.\n\n"
                f"The operator said the figures for line {i} were the best since the network opened.\n")
        if i % 100 == 0:
            text += "\nSkip to content\n"
        write(folder / f"story{i}.{('md', 'txt', 'html')[i % 3]}", text if i % 3 != 2 else
              "".join(f"<p>{p}</p>\n" for p in text.split("\n\n")))
    proc = run_cli("check", "--format", "json", "site", cwd=tmp_path, timeout=900)
    report = json.loads(proc.stdout)
    assert proc.returncode == 1, proc.stderr
    assert report["summary"]["files"] == 1000 == len(report["files"])
    flagged = sorted(f["path"] for f in report["files"] if f["findings"])
    assert len(flagged) == 10 and all(f["score"] < 100 for f in report["files"] if f["findings"])
