"""Neutrality kinds on drafts we wrote: the reporter's voice is judged, quoted and attributed speech is not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli, span_text, write
from copydesk import lint_text
from copydesk.lexicon import read_list, word_set
from copydesk.readers import parse_text
from copydesk.voice import looks_english


def found(text: str, path: str = "draft.txt", select=("neutrality",)):
    return [(f.code, f.line, f.excerpt) for f in lint_text(text, path=path, select=list(select)).findings]


def words_flagged(text: str, path: str = "draft.txt", select=("neutrality",)) -> set[str]:
    return {f.excerpt.lower() for f in lint_text(text, path=path, select=list(select)).findings}


# -- the same word in narration and in quoted speech ---------------------------------------------------------

def test_loaded_word_in_narration_but_not_inside_a_quote():
    narration = "The lucrative contract for the Velden tram depot went to Orsino Rail on Monday.\n"
    assert found(narration) == [("NEU002", 1, "lucrative")]
    for quoted in ("“It is a lucrative contract,” said Orsino Rail's chief executive, Pia Lund.\n",
                   "\"It is a lucrative contract,\" said Orsino Rail's chief executive, Pia Lund.\n"):
        assert found(quoted) == [], quoted


def test_a_quotation_running_over_paragraphs_stays_quoted():
    text = ("Pia Lund, who runs the depot, spoke for twenty minutes.\n\n"
            "“We did not expect the ruling. The whole process was a fiasco from the first day\n\n"
            "“And the council knew it was a fiasco,” she said.\n")
    assert found(text) == []


def test_markdown_blockquote_is_quoted_speech():
    md = ("# Depot contract signed\n\nPia Lund read from the council's letter:\n\n"
          "> The whole tender was a fiasco and the result is shameful.\n\n"
          "The contract runs until 2031.\n")
    assert found(md, path="a.md") == []
    assert found(md.replace("> The whole", "The whole"), path="a.md") != []


def test_attribution_around_a_quote_is_still_judged():
    text = "“We made mistakes,” the chief executive admitted.\n"
    assert [c for c, _, _ in found(text)] == ["NEU004"]


# -- generalising beyond the lists -----------------------------------------------------------------------------

def test_sentence_adverb_that_no_list_names():
    listed = word_set("evaluative-adverbs")
    for adverb in ("Dismayingly", "Heartbreakingly", "Absurdly"):
        assert adverb.lower() not in listed
        text = f"{adverb}, the ferry to Osterby was cancelled for the third winter running.\n"
        hits = lint_text(text, select=["NEU001"]).findings
        assert [f.excerpt for f in hits] == [adverb], adverb
        # Unlisted adverbs carry less confidence than listed ones.
        assert hits[0].confidence < lint_text(text.replace(adverb, "Regrettably"), select=["NEU001"]).findings[0].confidence


def test_neutral_sentence_adverbs_are_left_alone():
    for adverb in ("Separately", "Previously", "Politically", "Initially", "Reportedly", "Similarly"):
        text = f"{adverb}, the ferry to Osterby was cancelled for the third winter running.\n"
        assert found(text) == [], adverb


def test_manner_adverb_on_a_verb():
    assert found("The landlord brazenly ignored three repair orders.\n") == [("NEU001", 1, "brazenly")]


# -- context: negation, attribution, names ---------------------------------------------------------------------

def test_negation_is_not_editorializing():
    assert found("The depot contract was not lucrative for Orsino Rail, its accounts show.\n") == []
    assert found("The tender was never a fiasco, the auditors found.\n") == []
    assert found("The depot contract was lucrative for Orsino Rail, its accounts show.\n") != []


def test_attributed_reported_speech_is_not_the_reporters_voice():
    assert found("Councillor Ines Varga said the deal was lucrative for the operator.\n") == []
    assert found("The deal was a fiasco, Councillor Ines Varga said on Monday.\n") == []
    assert found("According to the auditors, the deal was a fiasco.\n") == []
    # Unnamed holders are not attribution: the sourcing rules deal with those, and the word stands here.
    assert found("The deal was a fiasco.\n") == [("NEU002", 1, "fiasco")]


def test_names_of_organisations_and_works_contain_listed_words():
    assert found("Radical Kitchen Ltd opened a second cafe in Velden on Friday.\n") == []
    assert found("Brutal Honesty Ltd, a consultancy in Carrow, won the contract.\n") == []
    assert found("The Shameful Summer, a novel by Ada Kern, was shortlisted on Tuesday.\n") == []
    assert found("The council's radical plan for the depot was approved on Tuesday.\n") == [("NEU002", 1, "radical")]


def test_research_lexicon_adjective_alone_is_too_weak_but_piled_up_it_counts():
    single = "The new depot has a generous canteen for drivers.\n"
    assert found(single) == []
    piled = "The mayor's pathetic, incompetent handling of the depot shocked Velden.\n"
    assert {e for _, _, e in found(piled)} >= {"incompetent"}
    boosted = "The new depot has a truly dreadful canteen for drivers.\n"
    assert "dreadful" in {e for _, _, e in found(boosted)}


# -- opinion frames, puffery, verbs of saying, scare quotes ----------------------------------------------------

def test_opinion_frames_and_puffery():
    assert words_flagged("It is clear that the bypass has failed Garrow.\n") == {"it is clear that"}
    assert words_flagged("The clinic's opening is a testament to the town's resolve.\n") == {"a testament to"}
    assert words_flagged("The vote marks a significant milestone for the harbour trust.\n") == {"significant milestone"}
    assert words_flagged("The ship changed course twice before it docked.\n") == set()
    assert words_flagged("“Of course we will appeal,” said Tomas Greer.\n") == set()


def test_verbs_of_saying_only_when_they_report_speech():
    assert words_flagged("The developer claimed that the tower would bring 400 jobs.\n") == {"claimed"}
    assert words_flagged("The developer said the tower would bring 400 jobs.\n") == set()
    assert words_flagged("Two climbers were admitted to Dunmore General Hospital.\n") == set()
    assert words_flagged("The Garrow Rovers claimed the county title on Saturday.\n") == set()
    # What a lawsuit "claims" is its stated case.
    assert words_flagged("The lawsuit claims that the landlord ignored repair orders.\n") == set()
    # Doubt the copy backs up: the next sentence disputes the claim.
    backed = ("The developer claimed the tower would bring 400 jobs. The council's own study found no evidence "
              "of that.\n")
    assert words_flagged(backed) == set()


def test_scare_quotes_are_a_preview_rule():
    text = "The council's \"reform\" of bin collections left Pell Street without pickups.\n"
    assert found(text) == []  # preview: not in a broad selection
    assert found(text, select=("NEU005",)) == [("NEU005", 1, "\"reform\"")]
    assert found("Councillor Ada Strom called the plan a \"reform\" that would save money.\n", select=("NEU005",)) == []


# -- spans, grouping, confidence -------------------------------------------------------------------------------

@pytest.mark.parametrize("path,text", [
    ("a.md", "---\ntitle: Depot\n---\n\n# Depot\n\nThe **lucrative** deal, and the *regime* that signed it.\n"),
    ("a.html", "<html><body><article><p>The <b>lucrative</b> deal &amp; the regime that signed it.</p>"
               "</article></body></html>\n"),
    ("a.txt", "Depot\r\n\r\nThe lucrative deal, and the regime that signed it.\r\n"),
])
def test_spans_point_at_the_word_in_the_source(path, text):
    result = lint_text(text, path=path, select=["neutrality"])
    spans = sorted(span_text(text, f.__dict__) for f in result.findings)
    assert spans == ["lucrative", "regime"], spans


def test_one_finding_per_word_names_the_other_lines():
    text = ("The lucrative depot deal was signed on Monday.\n\nA second lucrative deal followed.\n\n"
            "A third lucrative deal is planned.\n")
    hits = lint_text(text, select=["NEU002"]).findings
    assert len(hits) == 1 and hits[0].line == 1
    assert hits[0].message.endswith("Also on lines 3, 5.")


def test_confidence_orders_the_report():
    text = ("The landlord brazenly ignored the orders. Regrettably, the tenants moved out.\n\n"
            "The new depot has a truly dreadful canteen.\n")
    result = lint_text(text, select=["neutrality"])
    confidences = [f.confidence for f in result.findings]
    assert confidences == sorted(confidences, reverse=True)
    assert result.findings[0].excerpt == "Regrettably"


# -- opinion pieces, language ----------------------------------------------------------------------------------

COLUMN = ("---\ntitle: Why the depot deal stinks\ngenre: {genre}\n---\n\n"
          "Regrettably, the council has signed a lucrative deal that is a fiasco for Velden.\n")


def test_opinion_column_turns_the_category_off():
    assert found(COLUMN.format(genre="news"), path="c.md") != []
    result = lint_text(COLUMN.format(genre="opinion"), path="c.md", select=["neutrality"])
    assert result.findings == []
    assert any("opinion piece" in n for n in result.notices)


def test_opinion_setting_info_and_opinion_files_in_config(tmp_path):
    write(tmp_path / ".copydesk.toml", 'opinion = "info"\nopinion-files = ["columns/*.md"]\n')
    write(tmp_path / "columns" / "lund.md", COLUMN.format(genre="news"))
    write(tmp_path / "news" / "depot.md", COLUMN.format(genre="news"))
    proc = run_cli("check", "--format", "json", "--select", "neutrality", "columns", "news", cwd=tmp_path)
    report = json.loads(proc.stdout)
    by_path = {Path(f["path"]).parent.name: f for f in report["files"]}
    assert {f["severity"] for f in by_path["columns"]["findings"]} == {"info"}
    assert by_path["columns"]["findings"], "info, not off"
    assert {f["severity"] for f in by_path["news"]["findings"]} == {"warning"}
    assert proc.returncode == 1  # the news story fails the warning level; the column alone would not


def test_bad_opinion_setting_is_a_config_error(tmp_path):
    write(tmp_path / ".copydesk.toml", 'opinion = "sometimes"\n')
    write(tmp_path / "a.md", "Text.\n")
    proc = run_cli("check", "a.md", cwd=tmp_path)
    assert proc.returncode == 2
    assert b"'opinion' must be one of off, info, on" in proc.stderr


def test_drafts_not_in_english_are_left_to_the_language_independent_rules():
    french = ("---\nlang: fr\n---\n\nLe conseil a voté mardi pour toutes les propositions du maire, "
              "une décision lucrative pour la ville.\n")
    assert found(french, path="fr.md") == []
    undeclared = ("Le conseil municipal a voté mardi pour toutes les propositions du maire et de son équipe. "
                  "Les habitants de la ville ont attendu la décision pendant des mois, et la presse locale "
                  "a suivi le dossier de près depuis le début de la procédure en janvier dernier.\n")
    assert not looks_english(parse_text(undeclared, "fr.txt", "txt"))


# -- the word lists are data with their sources -----------------------------------------------------------------

def test_every_word_list_records_its_source_and_licence():
    folder = Path(__file__).resolve().parents[1] / "rules" / "lexicons"
    lists = sorted(folder.glob("*.txt"))
    assert len(lists) >= 8
    for path in lists:
        head = path.read_text(encoding="utf-8").split("\n", 4)
        header = " ".join(line for line in head if line.startswith("#"))
        assert "MIT" in header, path.name
        assert read_list(path.stem), path.name


def test_an_unknown_word_list_in_config_is_a_config_error(tmp_path):
    write(tmp_path / ".copydesk.toml", '[tool.copydesk.rules.NEU002]\nlists = ["no-such-list"]\n')
    write(tmp_path / "a.txt", "The lucrative deal was signed.\n")
    proc = run_cli("check", "a.txt", cwd=tmp_path)
    assert proc.returncode == 2
    err = proc.stderr.decode()
    assert "unknown word list(s) no-such-list" in err and "loaded-words" in err and "Traceback" not in err


def test_the_selected_rules_load_only_the_components_they_need():
    from copydesk import nlp

    sentences_only = nlp.load_pipeline(None, frozenset({"sentences"}))
    assert sentences_only.pipe_names == ["senter"]
    assert [s.text for s in sentences_only("The ferry left. It was late.").sents] == ["The ferry left.", "It was late."]
    tagged = nlp.load_pipeline(None, frozenset({"sentences", "tags"}))
    assert "parser" not in tagged.pipe_names and "ner" not in tagged.pipe_names
    # The neutrality kinds read tags, lemmas, the parse and entities: the whole small pipeline.
    from copydesk.registry import load_registry

    needs = frozenset().union(*(c.kind_impl.analyses for c in load_registry().cards if c.category == "neutrality"))
    assert nlp.components_for(needs) >= {"tagger", "parser", "ner", "lemmatizer"}


def test_a_live_blog_time_stamp_does_not_hide_a_sentence_adverb():
    md = "# Storm live\n\n**11:45** Regrettably, the power is out in 4,000 homes across Osterby.\n"
    assert found(md, path="live.md") == [("NEU001", 3, "Regrettably")]
