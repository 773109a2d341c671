"""The desk (`copydesk serve` at /) and its CMS embed (/v1/desk.js) in a real headless browser: Debian's
chromium under chromium-driver (Selenium), against a real `copydesk serve` subprocess on loopback. What the page
shows and does is compared with what the CLI says and does on the same text: spans, ranking, `--fix`,
`copydesk review`'s verdict line, and the suppression comment. The screenshot in docs/desk.md is made here."""

from __future__ import annotations

import http.server
import json
import os
import pty
import select
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, VERIFIER_ON, check_json, cli_env, run_cli, span_text, write
from servers import Server

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
pytestmark = [pytest.mark.skipif(not (Path(CHROMEDRIVER).exists() and Path(CHROMIUM).exists()),
                                 reason="needs chromium and chromium-driver (apt-get install chromium chromium-driver)"),
              pytest.mark.loopback, pytest.mark.slow]

TOKEN = "desk-test-token-0123456789abcdef"
HEADLINE = "Harbour board delays reopening of Kelland pier"
CAPTION = "Engineers inspect the corroded steel supports beneath Kelland pier in October."
# A draft written for these tests: a furniture line, a caption pasted twice, and "Regrettably," in the
# reporter's voice.
BODY = f"""Skip to content

The Kelland harbour board has delayed the reopening of the town's pier until next spring, after engineers found corrosion in three of its steel supports.

{CAPTION}

Regrettably, the board did not tell traders before the decision was announced on Monday.

Board chair Ilse Varga said the repairs would cost about £2.4m. "We cannot open a structure we are not sure of," she said.

Traders on the seafront said the closure had already cost them a summer of visitors. Café owner Tomas Reyes said takings were down by a third.

{CAPTION}

The board will publish the engineers' report on its website next week.
"""
# The page has painted the answer for the text in its fields now.
SETTLED_EXPR = """(() => {
  const s = window.copydeskDesk;
  return Boolean(s && s.draftSent && s.draft().text === s.draftSent.text && document.body.dataset.state === 'ok');
})()"""
SETTLED = f"return {SETTLED_EXPR}"
# Every underline in a field's mirror: its offset in the field's text, its text, and the findings under it.
MARKS = """
const out = [];
for (const mirror of document.querySelectorAll('.cd-mirror')) {
  let offset = 0;
  for (const node of mirror.childNodes) {
    const text = node.textContent;
    if (node.nodeType === 1) out.push([offset, text, node.dataset.findings.split(' ').map(Number), node.className]);
    offset += text.length;
  }
}
return out;
"""


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1360,1000", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk-server")
    server = Server(folder, "--workers", "1", "--verdicts", str(folder / "verdicts.jsonl"), env=VERIFIER_ON)
    server.folder = folder
    yield server
    server.stop()


def wait(driver, script, seconds=30.0, *args):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = driver.execute_script(script, *args)
        if value:
            return value
        time.sleep(0.05)
    status = driver.execute_script("const s = document.getElementById('status'); return s ? s.textContent : ''")
    raise AssertionError(f"timed out waiting for: {script.strip()[:120]}; status: {status}")


def open_desk(driver, url, ready=True):
    """A fresh page with an empty draft (the browser keeps drafts between loads, on purpose)."""
    driver.get(url + "/")
    driver.execute_script("localStorage.clear(); sessionStorage.clear();")
    driver.get(url + "/")
    wait(driver, "return Boolean(window.copydeskDesk)")
    if ready:  # the page has its config and has painted the check of the empty draft
        wait(driver, "return document.body.dataset.state === 'ok'")


def type_draft(driver, headline=HEADLINE, body=BODY, typed=True):
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "headline").send_keys(headline)
    field = driver.find_element(By.ID, "body")
    if typed:
        field.send_keys(body)
    else:  # a paste: one input event
        driver.execute_script("const b = document.getElementById('body'); b.value = arguments[0];"
                              "b.dispatchEvent(new Event('input', {bubbles: true}));", body)
    wait(driver, SETTLED)


def composed(driver) -> str:
    return driver.execute_script("return window.copydeskDesk.draft().text")


def cli_report(tmp_path: Path, text: str, name="draft.md") -> dict:
    write(tmp_path / name, text)
    report, _ = check_json(name, cwd=tmp_path, env=VERIFIER_ON)
    return report


def open_card(driver, code):
    from selenium.webdriver.common.by import By

    button = next(b for b in driver.find_elements(By.CSS_SELECTOR, "button.cd-item") if f" {code} " in f" {b.text} ")
    button.click()
    wait(driver, "return !document.getElementById('card').hidden && "
                 "document.querySelectorAll('#card button').length > 0")
    return driver.find_element(By.ID, "card")


def card_button(driver, label):
    from selenium.webdriver.common.by import By

    return next(b for b in driver.find_elements(By.CSS_SELECTOR, "#card button") if b.text == label)


def test_typed_draft_gets_underlines_at_the_reports_spans_ranked_as_the_json_report(tmp_path, browser, desk):
    from selenium.webdriver.common.by import By

    open_desk(browser, desk.url)
    type_draft(browser)
    text = composed(browser)
    assert text == f"# {HEADLINE}\n\n{BODY}"
    report = cli_report(tmp_path, text)
    findings = report["files"][0]["findings"]
    codes = [f["code"] for f in findings]
    assert {"BOI001", "DUP001", "NEU001"} <= set(codes), codes
    # The panel lists the same findings in the same order as the JSON report.
    items = browser.find_elements(By.CSS_SELECTOR, "button.cd-item")
    assert [b.get_attribute("data-fingerprint") for b in items] == [f["fingerprint"] for f in findings]
    # Each finding's underline covers exactly its span (offsets in the body field, which starts after the headline).
    body_start = len(f"# {HEADLINE}\n\n")
    marks = browser.execute_script(MARKS)
    for i, f in enumerate(findings):
        covering = [(offset, piece) for offset, piece, under, _cls in marks if i in under]
        assert covering, f"no underline for {f['code']}"
        start = covering[0][0] + body_start
        underlined = "".join(piece for _offset, piece in covering)
        assert underlined == span_text(text, f), (f["code"], underlined)
        assert text[start:start + len(underlined)] == underlined
    flagged = {f["code"]: span_text(text, f) for f in findings}
    assert flagged["BOI001"] == "Skip to content"
    assert flagged["NEU001"] == "Regrettably"
    assert flagged["DUP001"] == CAPTION
    # Blocking findings look different from advisory ones, and say so in words too.
    by_code = {m[1]: m[3] for m in marks}
    assert "cd-block" in by_code["Skip to content"]
    summary = browser.find_element(By.ID, "summary").text
    assert ("Blocks publication" in summary) == report["summary"]["failed"]
    assert report["summary"]["failed"] and "warning" in summary
    assert browser.find_element(By.ID, "score").text == f"score {report['files'][0]['score']}/100"
    # Selecting a finding in the panel marks its underline and opens its card, with the rule's why and example.
    card = open_card(browser, "NEU001")
    assert "Regrettably" in card.text and "Why it matters" in card.text and "Example it flags" in card.text
    active = browser.execute_script("return [...document.querySelectorAll('.cd-mirror mark.cd-active')]"
                                    ".map(m => m.textContent)")
    assert active == ["Regrettably"]
    # Typing on does not close the card or lose the selection: the re-check keeps both while they remain.
    browser.find_element(By.ID, "body").send_keys("More to follow.")
    wait(browser, SETTLED)
    assert not browser.find_element(By.ID, "card").get_attribute("hidden")
    assert "NEU001" in browser.find_element(By.ID, "card").text
    assert " NEU001 " in browser.find_element(By.CSS_SELECTOR, "button.cd-item[aria-current='true']").text


def test_exports_are_the_reports_and_nothing_leaves_the_server(tmp_path, browser, desk):
    from selenium.webdriver.common.by import By

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    open_desk(browser, desk.url)
    type_draft(browser, typed=False)
    browser.find_element(By.ID, "export-json").click()
    exported = downloads / "copydesk-report.json"
    deadline = time.monotonic() + 30
    while not exported.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    cli = cli_report(tmp_path, composed(browser))
    assert json.loads(exported.read_text(encoding="utf-8")) == cli  # the JSON report of `copydesk check`
    browser.find_element(By.ID, "export-html").click()
    page = downloads / "copydesk-report.html"
    while not page.exists() and time.monotonic() < deadline + 30:
        time.sleep(0.1)
    html = page.read_text(encoding="utf-8")
    assert "copydesk report" in html and "Skip to content</mark>" in html and "Regrettably</mark>" in html
    # Every resource the page loaded came from the server itself.
    origins = browser.execute_script("return performance.getEntriesByType('resource').map((e) => new URL(e.name).origin)")
    assert origins and set(origins) == {desk.url}
    # "Clear draft" asks first, then empties the fields and the browser's copy.
    browser.find_element(By.ID, "clear").click()
    browser.switch_to.alert.dismiss()
    assert browser.find_element(By.ID, "body").get_attribute("value") == BODY
    browser.find_element(By.ID, "clear").click()
    browser.switch_to.alert.accept()
    wait(browser, SETTLED)
    assert browser.find_element(By.ID, "body").get_attribute("value") == ""
    assert browser.execute_script("return localStorage.getItem('copydesk-desk-draft-v1')") is None
    browser.get(desk.url + "/")
    wait(browser, "return Boolean(window.copydeskDesk)")
    assert browser.find_element(By.ID, "headline").get_attribute("value") == ""


def test_apply_fix_changes_the_text_as_fix_does(tmp_path, browser, desk):
    open_desk(browser, desk.url)
    # One fixable finding (the furniture line): "Apply fix" on its card must leave what `--fix` leaves.
    body = BODY.replace(f"\n\n{CAPTION}\n\nThe board will", "\n\nThe board will")
    type_draft(browser, body=body, typed=False)
    before = composed(browser)
    fixable = [f for f in cli_report(tmp_path, before)["files"][0]["findings"] if f.get("fix")]
    assert [f["code"] for f in fixable] == ["BOI001"]
    proc = run_cli("check", "--fix", "draft.md", cwd=tmp_path, env=VERIFIER_ON)
    assert proc.returncode in (0, 1), proc.stderr
    expected = (tmp_path / "draft.md").read_text(encoding="utf-8")
    assert expected != before
    open_card(browser, "BOI001")
    card_button(browser, "Apply fix").click()
    wait(browser, f"return {SETTLED_EXPR} && !window.copydeskDesk.draft().text.includes('Skip to content')")
    assert composed(browser) == expected
    # The fix went through the browser's editing, so the editor's own undo takes it back.
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.find_element(By.ID, "body").send_keys(Keys.CONTROL, "z")
    wait(browser, f"return {SETTLED_EXPR} && window.copydeskDesk.draft().text.includes('Skip to content')")
    assert composed(browser) == before
    # And "Apply all safe fixes" on the draft with the pasted caption too is `--fix` on the whole file.
    open_desk(browser, desk.url)
    type_draft(browser, typed=False)
    write(tmp_path / "all.md", composed(browser))
    run_cli("check", "--fix", "all.md", cwd=tmp_path, env=VERIFIER_ON)
    browser.find_element(By.ID, "fix-all").click()
    wait(browser, f"return {SETTLED_EXPR} && !window.copydeskDesk.draft().text.includes('Skip to content')")
    assert composed(browser) == (tmp_path / "all.md").read_text(encoding="utf-8")
    assert composed(browser).count(CAPTION) == 1


def test_not_a_defect_here_appends_the_verdict_review_would(tmp_path, browser, desk):
    open_desk(browser, desk.url)
    type_draft(browser, typed=False)
    text = composed(browser)
    verdicts = desk.folder / "verdicts.jsonl"
    before = verdicts.read_text(encoding="utf-8").splitlines() if verdicts.exists() else []
    open_card(browser, "NEU001")
    card_button(browser, "Not a defect here").click()
    wait(browser, "return document.getElementById('notice').textContent.includes('Recorded')")
    after = verdicts.read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) + 1
    desk_line = json.loads(after[-1])
    # `copydesk review` on the same text in a file of the same name, answering "w" with no reason.
    write(tmp_path / "draft.md", text)
    code, said = review_in_a_terminal(tmp_path, [("[r]ight", "w"), ("reason (optional", "")], "draft.md", "--rule", "NEU001", "--verdicts", "review.jsonl")
    assert code == 0, said
    review_line = json.loads((tmp_path / "review.jsonl").read_text(encoding="utf-8"))
    assert desk_line == review_line
    assert desk_line["verdict"] == "wrong" and desk_line["code"] == "NEU001"
    # "Right" records a right verdict for the same finding.
    open_card(browser, "NEU001")
    card_button(browser, "Right").click()
    wait(browser, "return document.getElementById('notice').textContent.includes('“right”')")
    last = json.loads(verdicts.read_text(encoding="utf-8").splitlines()[-1])
    assert last == {**review_line, "verdict": "right"}


def review_in_a_terminal(folder: Path, answers: list[tuple[str, str]], *args: str) -> tuple[int, str]:
    """`copydesk review` on a real pseudo-terminal (it asks only a terminal): each (prompt, answer) in turn."""
    main, sub = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "copydesk", "review", *args], cwd=folder, stdin=sub, stdout=sub,
                            stderr=sub, env=cli_env({**VERIFIER_ON, "COLUMNS": "120", "TERM": "xterm"}), close_fds=True)
    os.close(sub)
    pending, said = b"", b""
    try:
        for prompt, answer in answers:
            while prompt.encode() not in pending:
                if not select.select([main], [], [], 120)[0]:
                    raise AssertionError(f"review did not ask {prompt!r}: {said[-800:]!r}")
                chunk = os.read(main, 65536)
                pending += chunk
                said += chunk
            pending = pending[pending.index(prompt.encode()) + len(prompt):]
            os.write(main, answer.encode() + b"\n")
        code = proc.wait(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    return code, said.decode("utf-8", "replace")


def test_silence_here_inserts_a_directive_the_cli_honours(tmp_path, browser, desk):
    from selenium.webdriver.common.by import By

    open_desk(browser, desk.url)
    type_draft(browser, typed=False)
    open_card(browser, "NEU001")
    card_button(browser, "Silence here").click()
    wait(browser, f"return {SETTLED_EXPR} && window.copydeskDesk.draft().text.includes('copydesk: disable-next-line')")
    text = composed(browser)
    assert "<!-- copydesk: disable-next-line NEU001 -->\nRegrettably," in text
    assert "NEU001" not in " ".join(b.text for b in browser.find_elements(By.CSS_SELECTOR, "button.cd-item"))
    report = cli_report(tmp_path, text)
    codes = [f["code"] for f in report["files"][0]["findings"]]
    assert "NEU001" not in codes and "SUP001" not in codes, codes  # honoured, and not reported as unused


def test_a_stale_answer_never_paints_over_newer_text(browser, desk):
    open_desk(browser, desk.url)
    type_draft(browser, typed=False)
    # Hold every check's answer for 1.5 s in the page, as a slow network would, whatever the page aborts.
    browser.execute_script("""
        const real = window.fetch;
        window.__held = 0;
        window.fetch = function (url, init) {
          if (!String(url).endsWith('/v1/check')) return real(url, init);
          const {signal, ...rest} = init;
          window.__held += 1;
          return real(url, rest).then((r) => new Promise((ok) => setTimeout(() => ok(r), 1500)));
        };""")
    from selenium.webdriver.common.by import By

    body = browser.find_element(By.ID, "body")
    body.send_keys("Regrettably, the ferry is late. ")  # typed at the end; check A goes out and is held
    time.sleep(0.4)
    browser.execute_script("""
        const b = document.getElementById('body');
        b.value = b.value.replace('Regrettably, the ferry is late. ', 'The ferry is late. ');
        b.dispatchEvent(new Event('input', {bubbles: true}));""")  # check B: newer text, no such adverb
    time.sleep(4)  # both answers have arrived
    wait(browser, SETTLED)
    assert browser.execute_script("return window.__held") >= 2
    stats = browser.execute_script("return window.copydeskDesk.live.stats")
    assert stats["dropped"] >= 1
    marks = browser.execute_script(MARKS)
    # A's underline on the new sentence never came back over B's text: only the body's own "Regrettably" has one.
    assert [m[1] for m in marks].count("Regrettably") == 1
    assert composed(browser).endswith("next week.\nThe ferry is late. ")
    painted = browser.execute_script("return window.copydeskDesk.draftSent.text")
    assert painted == composed(browser)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_server_stopped_mid_session_keeps_the_text_and_picks_up_again(tmp_path, browser):
    from selenium.webdriver.common.by import By

    port = free_port()
    server = Server(tmp_path, "--workers", "1", "--port", str(port))
    try:
        open_desk(browser, server.url)
        type_draft(browser, body="The pier reopened on Monday.\n", typed=False)
        assert server.stop() == 0
        body = browser.find_element(By.ID, "body")
        body.send_keys("\nSkip to content\n")
        status = wait(browser, "return document.body.dataset.state === 'retrying' && "
                               "document.getElementById('status').textContent")
        assert "not answering" in status and "your text is kept" in status
        # Kept in the browser's storage (within half a second of the last keystroke).
        wait(browser, "return (localStorage.getItem('copydesk-desk-draft-v1') || '').includes('Skip to content')")
        kept = json.loads(browser.execute_script("return localStorage.getItem('copydesk-desk-draft-v1')"))
        assert kept["body"].endswith("Skip to content\n") and kept["headline"] == HEADLINE
        # Back on the same port: the page notices, checks the newest text, and the underline appears.
        server = Server(tmp_path, "--workers", "1", "--port", str(port))
        wait(browser, SETTLED, 60)
        marks = [m[1] for m in browser.execute_script(MARKS)]
        assert "Skip to content" in marks
        assert browser.find_element(By.ID, "body").get_attribute("value").endswith("Skip to content\n")
        # A reload keeps the draft: it lives in the browser until cleared.
        browser.get(server.url + "/")
        wait(browser, SETTLED)
        assert browser.find_element(By.ID, "headline").get_attribute("value") == HEADLINE
    finally:
        server.stop()


def test_token_size_and_timeout_errors_are_one_line_and_keep_the_text(tmp_path, browser):
    from selenium.webdriver.common.by import By

    server = Server(tmp_path, "--workers", "1", "--max-body-bytes", "4000", env={"COPYDESK_SERVE_TOKEN": TOKEN})
    try:
        open_desk(browser, server.url, ready=False)
        said = wait(browser, "return document.body.dataset.state === 'token' && "
                             "document.getElementById('status').textContent")
        assert not browser.find_element(By.ID, "token-box").get_attribute("hidden")
        assert "needs an access token" in said
        browser.find_element(By.ID, "token").send_keys(TOKEN + "\n")
        type_draft(browser, typed=False)
        assert browser.find_elements(By.CSS_SELECTOR, "button.cd-item")
        browser.find_element(By.ID, "body").send_keys("\n" + "The pier is long. " * 250)
        said = wait(browser, "return document.body.dataset.state === 'too_large' && "
                             "document.getElementById('status').textContent")
        assert "over the server's limit" in said
        assert browser.find_element(By.ID, "body").get_attribute("value").endswith("The pier is long. ")
    finally:
        server.stop()
    server = Server(tmp_path, "--workers", "1", "--timeout", "0.001")
    try:
        open_desk(browser, server.url, ready=False)
        wait(browser, "return document.body.dataset.state === 'timeout'")  # the empty draft's own check
        sent = browser.execute_script("return window.copydeskDesk.live.stats.sent")
        browser.execute_script("const b = document.getElementById('body'); b.value = 'The pier reopened on Monday.';"
                               "b.dispatchEvent(new Event('input', {bubbles: true}));")
        # The line, read in the same moment as the state that the pasted text's check ended in.
        said = wait(browser, "const s = window.copydeskDesk.live.stats; return s.sent > arguments[0] && "
                             "!window.copydeskDesk.live.inflight && document.body.dataset.state === 'timeout' && "
                             "document.getElementById('status').textContent", 30.0, sent)
        assert "timed out" in said
        assert browser.find_element(By.ID, "body").get_attribute("value") == "The pier reopened on Monday."
    finally:
        server.stop()


def test_keyboard_alone_reaches_every_finding_and_axe_finds_no_serious_violation(browser, desk):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    open_desk(browser, desk.url)
    type_draft(browser, typed=False)
    n = len(browser.find_elements(By.CSS_SELECTOR, "button.cd-item"))
    assert n >= 3
    body = browser.find_element(By.ID, "body")
    browser.execute_script("arguments[0].focus(); arguments[0].setSelectionRange(0, 0)", body)
    seen = []
    for _ in range(n):  # Alt+Down steps through the findings in reading order, selecting each span
        body.send_keys(Keys.ALT, Keys.ARROW_DOWN)
        current = browser.execute_script("return window.copydeskDesk.current")
        selected = browser.execute_script("const b = arguments[0]; return b.value.slice(b.selectionStart, b.selectionEnd)",
                                          body)
        assert selected and selected in BODY
        assert browser.find_element(By.ID, "caret").text.startswith(f"Finding {current + 1} of {n}")
        seen.append(current)
    assert sorted(seen) == list(range(n))
    # Alt+Enter opens the card of the finding at the cursor, and focus goes to it; Esc closes it.
    body.send_keys(Keys.ALT, Keys.ENTER)
    wait(browser, "return !document.getElementById('card').hidden")
    assert browser.execute_script("return document.activeElement.closest('#card') !== null")
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(browser, "return document.getElementById('card').hidden")
    # In the list: arrows move, Enter opens, Tab reaches the card's actions, Enter on one acts.
    first = browser.find_element(By.CSS_SELECTOR, "button.cd-item")
    first.send_keys(Keys.END)
    assert browser.switch_to.active_element.get_attribute("data-index") == str(n - 1)
    browser.switch_to.active_element.send_keys(Keys.HOME)
    assert browser.switch_to.active_element.get_attribute("data-index") == "0"
    for i in range(1, n):
        browser.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
        active = browser.switch_to.active_element
        assert active.get_attribute("data-index") == str(i) and active.get_attribute("aria-current") == "true"
        assert active.get_attribute("aria-label").startswith(f"Finding {i + 1} of {n}: ")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    wait(browser, "return !document.getElementById('card').hidden")
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.tag_name == "button"
    assert browser.switch_to.active_element.get_attribute("data-action") in ("fix", "wrong")
    # axe-core, run in the page: no serious or critical violation (WCAG 2 A and AA rules).
    violations = run_axe(browser)
    assert not violations, json.dumps(violations, indent=1)[:3000]


def run_axe(driver) -> list[dict]:
    from importlib.resources import files

    source = (files("selenium_axe_python") / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
    driver.execute_script(source)
    result = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
          .then((r) => done(r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
                                                     nodes: v.nodes.map((n) => n.target.join(' '))}))))
          .catch((e) => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]));""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Rows of RGB(A) pixels of an 8-bit, non-interlaced PNG (what chromium's screenshots are)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + size]
        if kind == b"IHDR":
            width, height, depth, colour, _c, _f, interlace = struct.unpack(">IIBBBBB", chunk)
            assert depth == 8 and colour in (2, 6) and interlace == 0
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + size
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([bytes(line[i:i + 3]) for i in range(0, stride, channels)])
        prev = line
    return width, height, rows


def test_the_docs_screenshot_is_the_desk_with_underlines(browser, desk):
    open_desk(browser, desk.url)
    type_draft(browser, typed=False)
    open_card(browser, "NEU001")
    browser.execute_script("window.scrollTo(0, 0); document.activeElement.blur()")
    shot = ROOT / "docs" / "desk.png"
    browser.save_screenshot(str(shot))
    width, height, rows = png_pixels(shot)
    assert (width, height) == tuple(browser.execute_script("return [window.innerWidth, window.innerHeight]"))
    colours = {px for row in rows[::4] for px in row[::4]}
    assert len(colours) > 50  # a page, not a blank
    # The blocking underline's own colour (#b3261e), drawn solid and 3 px thick under the flagged spans.
    underline = sum(px == bytes((0xB3, 0x26, 0x1E)) for row in rows for px in row)
    assert underline > 300, underline
    assert "desk.png" in (ROOT / "docs" / "desk.md").read_text(encoding="utf-8")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """A plain static site on another loopback port: the CMS's origin."""
    handler = lambda *a, **k: _Quiet(*a, directory=str(folder), **k)  # noqa: E731
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    return site, f"http://127.0.0.1:{site.server_address[1]}"


EDITABLE_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Rich editor</title></head>
<body><h1>Edit story</h1>
<div id="story" contenteditable="true" role="textbox" aria-multiline="true" aria-label="Story"><p>Skip to content</p>
<p>The ferry to Osterby will stop in January, the operator said.</p>
<p>Regrettably, nobody asked the island's residents first.</p></div>
<script src="{server}/v1/desk.js" data-copydesk-target="#story" data-copydesk-token="{token}"></script>
</body></html>
"""

CMS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Story editor</title></head>
<body><h1>Edit story</h1><form><label for="story">Story</label>
<textarea id="story" name="story" rows="14" cols="90"></textarea></form>
<script src="{server}/v1/desk.js" data-copydesk-target="#story" data-copydesk-token="{token}"></script>
</body></html>
"""


def test_the_embed_works_from_a_listed_origin_and_is_refused_from_another(tmp_path, browser):
    from selenium.webdriver.common.by import By

    listed_dir, other_dir = tmp_path / "cms", tmp_path / "elsewhere"
    listed, listed_url = serve_folder(listed_dir)
    other, other_url = serve_folder(other_dir)
    server = Server(tmp_path, "--workers", "1", "--allow-origin", listed_url, env={"COPYDESK_SERVE_TOKEN": TOKEN})
    try:
        for folder in (listed_dir, other_dir):
            write(folder / "index.html", CMS_PAGE.format(server=server.url, token=TOKEN))
        browser.get(listed_url + "/")
        wait(browser, "return Boolean(window.copydesk && window.copydesk.length)")
        story = browser.find_element(By.ID, "story")
        story.send_keys(BODY)
        wait(browser, """const s = window.copydesk[0];
            return Boolean(s.draftSent && s.draftSent.text === document.getElementById('story').value);""")
        root = browser.find_element(By.CSS_SELECTOR, "[data-copydesk]").shadow_root
        marks = [m.get_attribute("textContent") for m in root.find_elements(By.CSS_SELECTOR, "mark.cd-u")]
        assert "Skip to content" in marks and "Regrettably" in marks and CAPTION in marks
        assert story.get_attribute("value") == BODY  # the field is untouched
        toggle = root.find_element(By.CSS_SELECTOR, ".cd-toggle")
        assert "blocks" in toggle.text
        toggle.click()
        item = next(b for b in root.find_elements(By.CSS_SELECTOR, "button.cd-item") if "BOI001" in b.text)
        item.click()
        fix = next(b for b in root.find_elements(By.CSS_SELECTOR, ".cd-card button") if b.text == "Apply fix")
        fix.click()
        wait(browser, "return !document.getElementById('story').value.includes('Skip to content')")
        assert story.get_attribute("value") == BODY.replace("Skip to content\n\n", "", 1)
        # A contenteditable is read as plain text, underlined from its own layout, and left as it was.
        write(listed_dir / "rich.html", EDITABLE_PAGE.format(server=server.url, token=TOKEN))
        browser.get(listed_url + "/rich.html")
        wait(browser, "return Boolean(window.copydesk && window.copydesk.length && window.copydesk[0].report)")
        before = browser.execute_script("return document.getElementById('story').innerHTML")
        assert browser.execute_script("return window.copydesk[0].draftSent.text").startswith(
            "Skip to content\n\nThe ferry to Osterby")
        root = browser.find_element(By.CSS_SELECTOR, "[data-copydesk]").shadow_root
        bars = root.find_elements(By.CSS_SELECTOR, ".cd-rect")
        assert len(bars) >= 2 and all(b.size["width"] > 10 for b in bars)
        # Each bar lies on its words: the furniture line's bar spans the first paragraph's text.
        first = browser.execute_script("""
            const r = document.createRange(); const t = document.querySelector('#story p').firstChild;
            r.selectNodeContents(t); const b = r.getBoundingClientRect(); return [b.left, b.top, b.width];""")
        boxes = [browser.execute_script("const b = arguments[0].getBoundingClientRect(); return [b.left, b.top, b.width]",
                                        bar) for bar in bars]
        assert any(abs(x - first[0]) < 1 and abs(y - first[1]) < 1 and abs(w - first[2]) < 1 for x, y, w in boxes)
        assert browser.execute_script("return document.getElementById('story').innerHTML") == before
        # Not listed: the desk's code is refused, the page says so, and the API answers 403 to that origin.
        browser.get(other_url + "/")
        wait(browser, "return Boolean(document.querySelector('.copydesk-refused'))")
        assert "allow-list" in browser.find_element(By.CSS_SELECTOR, ".copydesk-refused").text
        assert not browser.find_elements(By.CSS_SELECTOR, "[data-copydesk]")
        answer = httpx.post(server.url + "/v1/check", json={"text": "The pier reopened."},
                            headers={"Origin": other_url, "Authorization": f"Bearer {TOKEN}"})
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "origin_not_allowed"
        assert "access-control-allow-origin" not in answer.headers
        allowed = httpx.post(server.url + "/v1/check", json={"text": "The pier reopened."},
                             headers={"Origin": listed_url, "Authorization": f"Bearer {TOKEN}"})
        assert allowed.status_code == 200 and allowed.headers["access-control-allow-origin"] == listed_url
        # Listed but without the token: 401.
        assert httpx.post(server.url + "/v1/check", json={"text": "x"}, headers={"Origin": listed_url}).status_code == 401
    finally:
        server.stop()
        listed.shutdown()
        other.shutdown()
