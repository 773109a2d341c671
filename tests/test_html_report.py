"""The HTML report in a real headless browser (Debian's chromium with chromium-driver): click a finding, its
span is highlighted and in view; filters hide findings; hostile draft text never runs. Screenshots are saved
in the test's tmp folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run_cli, write

CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"

# Skipped (and counted as skipped) on a machine without a browser; .ci/run installs one.
pytestmark = [pytest.mark.skipif(not (Path(CHROMEDRIVER).exists() and Path(CHROMIUM).exists()),
                                 reason="needs chromium and chromium-driver (apt-get install chromium chromium-driver)"),
              pytest.mark.loopback]  # the test talks to chromedriver on 127.0.0.1; nothing else is reachable

LONG = "\n\n".join(f"Paragraph {i}: the harbour board met again to discuss the timetable for the island route."
                   for i in range(60))
STORY = ("# Harbour vote\n\nSkip to content\n\n" + LONG + "\n\n"
         "The Dunmore board voted to keep the night ferry, after a petition signed by 900 shift workers.\n\n"
         "The Dunmore board voted to keep the night ferry, after a petition signed by 900 shift workers.\n")
HOSTILE = ("# <script>window.__pwned = 1</script>\n\n"
           "Skip to content\n\n"
           "The pier <img src=x onerror=\"window.__pwned = 2\"> reopened </textarea><script>window.__pwned=3</script>.\n\n"
           "The pier <img src=x onerror=\"window.__pwned = 2\"> reopened </textarea><script>window.__pwned=3</script>.\n")


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def _report(tmp_path: Path, **drafts: str) -> Path:
    for name, text in drafts.items():
        write(tmp_path / name.replace("_", "."), text)
    out = tmp_path / "report.html"
    proc = run_cli("check", "--format", "html", "-o", str(out), *[n.replace("_", ".") for n in drafts], cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    return out


def test_clicking_a_finding_highlights_its_span_and_scrolls_it_into_view(tmp_path, browser):
    from selenium.webdriver.common.by import By

    page = _report(tmp_path, story_md=STORY, brief_txt="Read also: Tide tables for May\n\nThe pier opens on Friday.\n")
    html = page.read_text()
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html  # no network
    browser.get(page.as_uri())
    assert len(browser.find_elements(By.CSS_SELECTOR, "section.file")) == 2
    link = next(a for a in browser.find_elements(By.CSS_SELECTOR, "a.finding") if "DUP001" in a.text)
    link.click()
    target = link.get_attribute("data-target")
    marks = browser.find_elements(By.CSS_SELECTOR, f'mark[data-ids~="{target}"]')
    assert marks and all("active" in m.get_attribute("class") for m in marks)
    assert "petition signed by 900" in " ".join(m.text for m in marks)
    # In view: inside the scrolled source pane and inside the window.
    in_view = browser.execute_script("""
        const m = arguments[0], pane = m.closest('pre').getBoundingClientRect(), r = m.getBoundingClientRect();
        return r.top >= pane.top && r.bottom <= pane.bottom && r.top >= 0 && r.bottom <= window.innerHeight;""",
                                     marks[0])
    assert in_view
    assert "current" in link.get_attribute("class")
    browser.save_screenshot(str(tmp_path / "clicked-finding.png"))
    assert (tmp_path / "clicked-finding.png").stat().st_size > 1000


def test_filters_hide_findings_by_category_and_severity(tmp_path, browser):
    from selenium.webdriver.common.by import By

    page = _report(tmp_path, story_md=STORY)
    browser.get(page.as_uri())
    items = browser.find_elements(By.CSS_SELECTOR, "li.item")
    cats = {i.get_attribute("data-category") for i in items}
    assert {"duplication", "boilerplate"} <= cats
    browser.find_element(By.CSS_SELECTOR, 'input.filter[value="cat:duplication"]').click()
    for item in items:
        hidden = item.get_attribute("hidden") is not None
        assert hidden == (item.get_attribute("data-category") == "duplication")
    dup_marks = [m for m in browser.find_elements(By.CSS_SELECTOR, "mark[data-ids]") if "petition" in m.text]
    assert dup_marks and all("off" in m.get_attribute("class") for m in dup_marks)
    browser.save_screenshot(str(tmp_path / "filtered.png"))


def test_hostile_draft_text_cannot_run_in_the_report(tmp_path, browser):
    from selenium.webdriver.common.by import By

    page = _report(tmp_path, hostile_md=HOSTILE)
    html = page.read_text()
    assert "<script>window.__pwned" not in html and "onerror=\"window" not in html
    assert 'http-equiv="Content-Security-Policy"' in html and "script-src 'sha256-" in html
    browser.get(page.as_uri())
    assert browser.execute_script("return window.__pwned === undefined")
    # The text is shown as text, and the page's own script still works (the CSP hash matches it).
    assert "<script>window.__pwned = 1</script>" in browser.find_element(By.CSS_SELECTOR, "pre.source").text
    link = browser.find_elements(By.CSS_SELECTOR, "a.finding")[0]
    link.click()
    assert "current" in link.get_attribute("class")
    assert not [e for e in browser.get_log("browser") if "Content Security Policy" in e.get("message", "")]
    browser.save_screenshot(str(tmp_path / "hostile.png"))


def test_right_and_wrong_buttons_download_a_verdicts_file(tmp_path, browser):
    """An editor marks findings in the page and downloads the verdicts: the same format and fingerprints as
    `copydesk review` writes, which `copydesk stats` reads."""
    import json
    import time

    from selenium.webdriver.common.by import By

    from conftest import check_json

    page = _report(tmp_path, story_md=STORY)
    report, _ = check_json("story.md", cwd=tmp_path, extra=("--no-cache", "--fail-on", "never"))
    expected = {f["fingerprint"]: f for f in report["files"][0]["findings"]}
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    browser.get(page.as_uri())
    download = browser.find_element(By.ID, "download-verdicts")
    assert download.get_attribute("disabled") is not None  # nothing judged yet
    items = browser.find_elements(By.CSS_SELECTOR, "li.item")
    dup = next(i for i in items if i.get_attribute("data-code") == "DUP001")
    boi = next(i for i in items if i.get_attribute("data-code") == "BOI001")
    dup.find_element(By.CSS_SELECTOR, "button.judge.right").click()
    boi.find_element(By.CSS_SELECTOR, "button.judge.wrong").click()
    boi.find_element(By.CSS_SELECTOR, "button.judge.right").click()  # changed their mind
    assert dup.get_attribute("data-verdict") == "right" and boi.get_attribute("data-verdict") == "right"
    assert boi.find_element(By.CSS_SELECTOR, "button.judge.right").get_attribute("aria-pressed") == "true"
    assert boi.find_element(By.CSS_SELECTOR, "button.judge.wrong").get_attribute("aria-pressed") == "false"
    boi.find_element(By.CSS_SELECTOR, "button.judge.wrong").click()
    assert download.text == "Download verdicts (2)"
    browser.save_screenshot(str(tmp_path / "judged.png"))
    download.click()
    target = downloads / "verdicts.jsonl"
    deadline = time.monotonic() + 30
    while not target.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = target.read_text(encoding="utf-8").splitlines()
    verdicts = {v["fingerprint"]: v for v in map(json.loads, lines)}
    assert len(lines) == 2 and set(verdicts) <= set(expected)
    for fp, v in verdicts.items():
        f = expected[fp]
        assert v == {"fingerprint": fp, "code": f["code"], "verdict": "right" if f["code"] == "DUP001" else "wrong",
                     "confidence": f["confidence"], "severity": f["severity"], "path": "story.md"}
    # The download is a verdicts file copydesk reads.
    (tmp_path / ".copydesk").mkdir()
    target.replace(tmp_path / ".copydesk" / "verdicts.jsonl")
    stats = json.loads(run_cli("stats", "--no-cache", "--format", "json", "story.md", cwd=tmp_path).stdout)
    rules = {r["code"]: r for r in stats["rules"]}
    assert rules["DUP001"]["right"] == 1 and rules["BOI001"]["wrong"] == 1 and stats["stale"] == 0
