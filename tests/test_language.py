"""A draft that is not English runs only the rules that read no English, and the report says so once."""

from __future__ import annotations

from conftest import check_json, run_cli, write

GERMAN = ("<html lang=\"de\"><body><article><h1>Fähre nach Ostrand wird eingestellt</h1>"
          "<p>Der Gemeinderat hat am Dienstag beschlossen, die Fähre nach Ostrand zum Jahresende einzustellen. "
          "Leider wurde die Entscheidung ohne die Anwohner getroffen, sagen Kritiker.</p>"
          "<p>Die Fähre fuhr drei Jahre lang mit Verlust.</p>\n<p>Die Fähre fuhr drei Jahre lang mit Verlust.</p>\n"
          "</article></body></html>")


def test_a_page_in_another_language_runs_only_language_independent_rules(tmp_path):
    write(tmp_path / "seite.html", GERMAN)
    report, _ = check_json("seite.html", cwd=tmp_path)
    f = report["files"][0]
    assert {x["category"] for x in f["findings"]} <= {"duplication", "boilerplate", "structure"}
    assert any(x["code"] == "DUP001" for x in f["findings"])  # the repeated paragraph is still found
    assert sum("not English (de)" in n for n in f["notices"]) == 1


def test_undeclared_text_that_does_not_read_as_english(tmp_path):
    text = ("Le conseil municipal a décidé mardi de supprimer le bac vers Ostrand à la fin de l'année. "
            "Les habitants disent que la décision a été prise sans eux, et que le bus sera plus lent en hiver. "
            "Le maire a promis une réunion publique avant la fin du mois pour répondre aux questions.\n")
    write(tmp_path / "article.txt", text)
    report, _ = check_json("article.txt", cwd=tmp_path)
    assert any("not English (fr)" in n for n in report["files"][0]["notices"])  # named by the identifier


def test_an_english_page_of_lists_is_english(tmp_path):
    # A plan or a menu has few function words ("the", "of"): the identifier, not the word count, decides.
    days = "".join(f"- {day}: porridge with pears, a walk of forty minutes, lentil soup, baked trout, greens\n"
                   for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"))
    write(tmp_path / "plan.md", "# A week of winter meals at Fernside\n\n" + days +
          "\nRegrettably, the Sunday roast is gone.\n")
    report, _ = check_json("plan.md", cwd=tmp_path)
    f = report["files"][0]
    assert not any("not English" in n for n in f["notices"])
    assert any(x["code"] == "NEU001" for x in f["findings"])  # the English rules ran


def test_italian_without_a_declaration_is_not_read_as_english(tmp_path):
    text = ("Il consiglio comunale di Valdoro ha deciso martedì di chiudere il traghetto per l'isola alla fine "
            "dell'anno. Gli abitanti dicono che la decisione è stata presa senza di loro e che d'inverno il "
            "pullman sarà più lento. Il sindaco ha promesso un'assemblea pubblica prima della fine del mese.\n")
    write(tmp_path / "articolo.txt", text)
    report, _ = check_json("articolo.txt", cwd=tmp_path)
    assert any("not English (it)" in n for n in report["files"][0]["notices"])


def test_the_language_setting_overrides_what_a_page_declares(tmp_path):
    page = GERMAN.replace("lang=\"de\"", "lang=\"de\"").replace(
        "<p>Die Fähre fuhr drei Jahre lang mit Verlust.</p>",
        "<p>Regrettably, experts say the ferry lost money for three years.</p>", 1)
    write(tmp_path / "seite.html", page)
    write(tmp_path / ".copydesk.toml", 'language = "en"\n')
    report, _ = check_json("seite.html", cwd=tmp_path)
    assert not any("not English" in n for n in report["files"][0]["notices"])
    assert any(x["category"] == "neutrality" for x in report["files"][0]["findings"])


def test_a_bad_language_setting_is_a_config_error(tmp_path):
    write(tmp_path / "a.txt", "The ferry runs.\n")
    write(tmp_path / ".copydesk.toml", 'language = "English please"\n')
    proc = run_cli("check", "a.txt", cwd=tmp_path)
    assert proc.returncode == 2 and b"language" in proc.stderr and b"Traceback" not in proc.stderr
