"""`copydesk lsp` over stdio under a real JSON-RPC client: open, edit, save, code actions, hover, settings
reload and shutdown, on Markdown, plain text and HTML drafts."""

from __future__ import annotations

import pytest

from conftest import write

pytest.importorskip("pygls")

from lsp_client import LspClient, apply_edits  # noqa: E402

DRAFT = """# Harbour board delays the ferry timetable

Skip to content

The Wexmoor harbour board voted on Tuesday to delay the new ferry timetable until September, its chair said.

Board member Ada Quill said the change followed a survey of 300 shift workers on the island.

The Wexmoor harbour board voted on Tuesday to delay the new ferry timetable until September, its chair said.

The 📷 board will publish the survey on its website next week, a spokesperson said.
"""


@pytest.fixture()
def client(tmp_path):
    c = LspClient(tmp_path, "--debounce", "0.1")
    result = c.initialize(tmp_path)
    caps = result["capabilities"]
    assert caps["hoverProvider"] and caps["codeActionProvider"]
    assert caps["textDocumentSync"]["change"] == 2  # incremental
    yield c
    if c.proc.poll() is None:
        c.proc.kill()
        c.proc.wait()


def _codes(diags):
    return sorted(d["code"] for d in diags)


def test_open_publishes_diagnostics_with_severity_docs_links_and_related_lines(tmp_path, client):
    uri = client.open(tmp_path / "ferry.md", DRAFT)
    diags = client.diagnostics(uri, 1)
    by_code = {d["code"]: d for d in diags}
    assert {"BOI001", "DUP001"} <= set(by_code)
    furniture = by_code["BOI001"]
    assert furniture["severity"] == 1 and furniture["source"] == "copydesk"  # error
    assert furniture["range"] == {"start": {"line": 2, "character": 0}, "end": {"line": 2, "character": 15}}
    assert furniture["codeDescription"]["href"].endswith("docs/rules/BOI001-page-furniture.md")
    copy = by_code["DUP001"]
    assert copy["range"]["start"]["line"] == 8
    related = copy["relatedInformation"]
    assert related[0]["location"]["range"]["start"]["line"] == 4 and related[0]["message"] == "also on line 5"
    assert client.close() == 0


def test_edits_are_debounced_and_the_latest_text_wins(tmp_path, client):
    uri = client.open(tmp_path / "ferry.md", DRAFT)
    client.diagnostics(uri, 1)
    text = DRAFT
    versions = []
    for n in (301, 302, 303):  # three quick keystrokes, well inside the debounce
        text = DRAFT.replace("survey of 300", f"survey of {n}")
        versions.append(client.change(uri, text))
    diags = client.diagnostics(uri, versions[-1])
    assert "BOI001" in _codes(diags)
    # Only the last text was checked and published: the earlier versions never were.
    published = [n["params"].get("version") for n in client.notifications
                 if n.get("method") == "textDocument/publishDiagnostics"]
    assert not set(versions[:-1]) & set(published)
    # Deleting the furniture line with an incremental edit clears its diagnostic.
    after = text.replace("Skip to content\n\n", "")
    version = client.edit(uri, (2, 0), (4, 0), "", after)
    diags = client.diagnostics(uri, version)
    assert "BOI001" not in _codes(diags) and "DUP001" in _codes(diags)
    assert all(d["range"]["start"]["line"] != 2 or d["code"] != "BOI001" for d in diags)
    assert client.close() == 0


def test_positions_are_utf16_for_astral_characters(tmp_path, client):
    text = "# Pier\n\nSkip to content\n\nThe 📷 pier reopened on Monday after a year of repairs, the board said.\n\n" \
           "The 📷 pier reopened on Monday after a year of repairs, the board said.\n"
    uri = client.open(tmp_path / "pier.md", text)
    diags = client.diagnostics(uri, 1)
    copy = next(d for d in diags if d["code"] == "DUP001")
    line = text.splitlines()[copy["range"]["start"]["line"]]
    assert copy["range"]["end"]["character"] == len(line.encode("utf-16-le")) // 2 == len(line) + 1


def test_code_actions_fix_and_silence(tmp_path, client):
    uri = client.open(tmp_path / "ferry.md", DRAFT)
    diags = client.diagnostics(uri, 1)
    copy = next(d for d in diags if d["code"] == "DUP001")
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": copy["range"], "context": {"diagnostics": [copy]}})
    titles = [a["title"] for a in actions]
    fix = next(a for a in actions if a["title"].startswith("Delete the lines"))
    silence = next(a for a in actions if a["title"].startswith("Silence DUP001"))
    assert fix["kind"] == "quickfix" and fix["isPreferred"] is True, titles
    fixed = apply_edits(DRAFT, fix["edit"]["changes"][uri])
    assert fixed.count("The Wexmoor harbour board voted") == 1 and "\n\n\n" not in fixed
    version = client.change(uri, fixed)
    assert "DUP001" not in _codes(client.diagnostics(uri, version))

    # Silencing: the comment goes above the finding's line, and the finding (and nothing else) is gone.
    version = client.change(uri, DRAFT)
    diags = client.diagnostics(uri, version)
    furniture = next(d for d in diags if d["code"] == "BOI001")
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": furniture["range"], "context": {"diagnostics": [furniture]}})
    silence = next(a for a in actions if a["title"].startswith("Silence BOI001"))
    silenced = apply_edits(DRAFT, silence["edit"]["changes"][uri])
    assert "<!-- copydesk: disable-next-line BOI001 -->\nSkip to content" in silenced
    version = client.change(uri, silenced)
    after = _codes(client.diagnostics(uri, version))
    assert "BOI001" not in after and "SUP001" not in after and "DUP001" in after
    assert client.close() == 0


def test_hover_explains_the_rule(tmp_path, client):
    uri = client.open(tmp_path / "ferry.md", DRAFT)
    client.diagnostics(uri, 1)
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 5}})
    assert hover["contents"]["kind"] == "markdown"
    value = hover["contents"]["value"]
    assert value.startswith("**BOI001 page-furniture** (error)") and "skip links" in value.lower()
    nothing = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                    "position": {"line": 6, "character": 3}})
    assert nothing is None
    assert client.close() == 0


def test_save_plain_text_and_html(tmp_path, client):
    txt = client.open(tmp_path / "notes.txt", "Skip to content\n\nThe pier reopened on Monday after repairs.\n",
                      language="plaintext")
    assert _codes(client.diagnostics(txt, 1)) == ["BOI001"]
    client.notify("textDocument/didSave", {"textDocument": {"uri": txt}})
    assert _codes(client.diagnostics(txt, 1)) == ["BOI001"]
    html = client.open(tmp_path / "page.html", "<p>Skip to content</p>\n<p>The pier reopened on Monday after repairs.</p>\n",
                       language="html")
    diags = client.diagnostics(html, 1)
    assert _codes(diags) == ["BOI001"] and diags[0]["range"]["start"] == {"line": 0, "character": 3}
    # An unsaved buffer: no file behind it, read as the language the editor says.
    untitled = "untitled:Untitled-1"
    client.versions[untitled] = 1
    client.notify("textDocument/didOpen", {"textDocument": {"uri": untitled, "languageId": "markdown", "version": 1,
                                                            "text": "Skip to content\n\nThe pier reopened.\n"}})
    assert _codes(client.diagnostics(untitled, 1)) == ["BOI001"]
    client.notify("textDocument/didClose", {"textDocument": {"uri": html}})
    assert client.diagnostics(html) == []
    assert client.close() == 0


def test_settings_reload_when_the_config_changes(tmp_path, client):
    uri = client.open(tmp_path / "ferry.md", DRAFT)
    assert "BOI001" in _codes(client.diagnostics(uri, 1))
    assert any(r["method"] == "client/registerCapability" for r in client.server_requests)
    config = write(tmp_path / ".copydesk.toml", 'ignore = ["BOI001"]\n')
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 1}]})
    assert "BOI001" not in _codes(client.diagnostics(uri, 1))
    # An edit of the config saved in the editor is picked up too.
    write(config, 'ignore = ["DUP001"]\n')
    client.notify("textDocument/didSave", {"textDocument": {"uri": config.as_uri()}})
    after = _codes(client.diagnostics(uri, 1))
    assert "BOI001" in after and "DUP001" not in after
    # A broken config is said in the editor's log, not a crash; the server keeps answering.
    write(config, 'ignore = 7\n')
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 2}]})
    client.wait_for(lambda n: n.get("method") == "window/logMessage" and "must be a list" in n["params"]["message"])
    assert client.diagnostics(uri, 1) == []
    assert client.close() == 0


def test_many_drafts_with_a_small_parse_cache(tmp_path):
    """--max-documents bounds the cached parses: drafts beyond it are parsed again when edited, with the same
    diagnostics, and code actions still work on every open draft."""
    c = LspClient(tmp_path, "--debounce", "0.05", "--max-documents", "1")
    try:
        c.initialize(tmp_path)
        uris = []
        for n in range(5):  # each over the 12,000 characters one draft's share of the cache holds
            notes = "".join(f"\nNote {n}.{k}: the harbour board's minute {k} records {k + 3} complaints about the "
                            f"{n}th ferry's timetable from shift workers on the island.\n" for k in range(90))
            text = DRAFT.replace("Wexmoor", f"Wexmoor{n}") + notes
            assert len(text) > 12_000
            uris.append(c.open(tmp_path / f"ferry-{n}.md", text))
        first = {u: _codes(c.diagnostics(u, 1)) for u in uris}
        assert all(codes == first[uris[0]] for codes in first.values()) and "DUP001" in first[uris[0]]
        version = c.change(uris[0], c.texts[uris[0]] + "\nThe board meets again on Friday.\n")
        assert _codes(c.diagnostics(uris[0], version)) == first[uris[0]]
        actions = c.request("textDocument/codeAction", {
            "textDocument": {"uri": uris[1]}, "range": {"start": {"line": 2, "character": 0},
                                                        "end": {"line": 2, "character": 15}},
            "context": {"diagnostics": []}})
        assert any(a["title"].startswith("Silence BOI001") for a in actions)
        assert c.close() == 0
    finally:
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()


def test_a_house_style_replacement_as_a_code_action(tmp_path, client):
    write(tmp_path / ".copydesk.toml", 'styles = ["newsroom-basic"]\nselect = ["newsroom-basic"]\n')
    text = "Four 🚒 firemen utilised the old pier while the crew waited.\n"
    uri = client.open(tmp_path / "crew.txt", text, language="plaintext")
    diags = client.diagnostics(uri, 1)
    assert _codes(diags) == ["NRB002", "NRB010"]
    edits = []
    for diag in diags:
        actions = client.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": diag["range"], "context": {"diagnostics": [diag]}})
        replace = next(a for a in actions if a["title"].startswith("Replace with") and a["diagnostics"][0] == diag)
        edits += replace["edit"]["changes"][uri]
    fixed = apply_edits(text, edits)
    assert fixed == "Four 🚒 firefighters used the old pier while the crew waited.\n"
    version = client.change(uri, fixed)
    assert client.diagnostics(uri, version) == []
    assert client.close() == 0


def test_not_a_defect_here_records_a_wrong_verdict(tmp_path, client):
    """The code action beside "silence this finding": its command appends a wrong verdict, with the finding's
    fingerprint as `copydesk check --format json` gives it, to the project's verdicts file."""
    import json

    from conftest import check_json

    path = tmp_path / "ferry.md"
    write(path, DRAFT)
    uri = client.open(path, DRAFT)
    diags = client.diagnostics(uri, 1)
    furniture = next(d for d in diags if d["code"] == "BOI001")
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": furniture["range"], "context": {"diagnostics": [furniture]}})
    record = next(a for a in actions if a["title"].startswith("Not a defect here: record it (BOI001"))
    assert "edit" not in record and record["command"]["command"] == "copydesk.recordVerdict"
    answer = client.request("workspace/executeCommand", {"command": record["command"]["command"],
                                                         "arguments": record["command"]["arguments"]})
    assert answer == {"recorded": True}
    lines = (tmp_path / ".copydesk" / "verdicts.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    verdict = json.loads(lines[0])
    report, _ = check_json("ferry.md", cwd=tmp_path, extra=("--no-cache", "--fail-on", "never"))
    expected = next(f for f in report["files"][0]["findings"] if f["code"] == "BOI001")
    assert verdict == {"fingerprint": expected["fingerprint"], "code": "BOI001", "verdict": "wrong",
                       "confidence": expected["confidence"], "severity": expected["severity"], "path": "ferry.md"}
    assert "Skip to content" not in lines[0]  # the verdicts file holds no copy text
    # A broken request is said, not crashed on.
    bad = client.request("workspace/executeCommand", {"command": "copydesk.recordVerdict", "arguments": [{"file": 1}]})
    assert bad["recorded"] is False
    assert client.close() == 0
