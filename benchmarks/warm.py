"""Warm mode, measured against the bare spaCy parse in the same run: re-checks as someone types, new drafts in a
warm process, `copydesk serve` against `copydesk check --jobs 2`, and the language server's memory.

    python benchmarks/warm.py                 # everything (about five minutes on two cores)
    python benchmarks/warm.py --only edit,new # some parts: edit, new, serve, lsp-edit, desk-edit, lsp
    python benchmarks/warm.py --repeat 30 --drafts 1000 --lsp-documents 200

edit:  a warm Linter re-checks a 1,000-word draft after one paragraph is edited (a different edit each time).
new:   a warm Linter (model loaded, rules built, parse cache emptied) checks a draft it has never seen.
       Both are medians over --repeat runs, and ratios to the bare parse: nlp.pipe over the same blocks with the
       same components, model loaded, timed in this process in the same run.
serve: --drafts distinct drafts, through `copydesk serve --workers 2` (20 concurrent clients) and through
       `copydesk check --jobs 2 --no-cache` on the same drafts as files: drafts per second of each, their ratio,
       and the service's p50/p99 latency under that load.
lsp-edit: the language server's warm re-check end to end, over its own protocol with a real client: a
       1,000-word draft open in `copydesk lsp --debounce 0.01`, one paragraph changed (didChange, a different
       edit each time), timed from the change sent to its diagnostics received; median over --repeat, and the
       ratio to the bare parse of the same text (nlp.pipe, model loaded, in this process, same run).
desk-edit: the desk in a real browser (Debian's chromium, headless, under Selenium) on `copydesk serve --workers 2`,
       warm: a 1,000-word draft pasted in, then one paragraph edited at a time by real keystrokes ("Regrettably, "
       typed at its start); timed in the page from the last keystroke's input event to the animation frame that
       shows the new underline (the pause before the check, the request, the check, the answer and the paint),
       median over --repeat, beside the bare parse of the same text in this process, same run.
lsp:   `copydesk lsp` with --lsp-documents distinct 1,000-word drafts open: the server's resident memory (VmRSS)
       and peak (VmHWM) once every draft has its diagnostics.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DRAFT = HERE / "drafts" / "tram-depot-800.md"
TOWNS = ["Velden", "Osterby", "Marrowgate", "Tallow Point", "Kelland", "Dunmore", "Brisk Harbour", "Wexmoor"]


def draft_variant(n: int, words: int = 1000) -> str:
    """A distinct draft of about `words` words: the tram-depot story with its town, people and figures changed
    (so no block is shared with another variant), padded with numbered council-notes paragraphs."""
    rng = random.Random(n)
    text = DRAFT.read_text(encoding="utf-8")
    town = f"{TOWNS[n % len(TOWNS)]}{'' if n < len(TOWNS) else ' ' + str(n)}"
    text = text.replace("Velden", town)
    text = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), text)
    text = text.replace("Mira Holt", f"Mira Holt-{n}").replace("Pia Lund", f"Pia Lund{n % 7 or ''}")
    extra = 0
    while len(text.split()) < words:
        extra += 1
        text += (f"\nCouncil note {n}.{extra}: the {town} depot's {extra + 3}th inspection found {rng.randint(2, 40)} "
                 f"faults in the workshop roof, which the operator said it would repair before the {rng.randint(1, 28)} "
                 f"June deadline set by the city's engineers.\n")
    return text


def bare_parse_seconds(text: str, path: str, analyses) -> float:
    from copydesk import nlp
    from copydesk.readers import read_article

    article = read_article(path, text.encode("utf-8"))
    pieces = [p for b in article.blocks for _, p in nlp.chunks(b.text) if p.strip()]
    pipeline = nlp.load_pipeline(None, analyses)
    start = time.perf_counter()
    for _ in pipeline.pipe(pieces, batch_size=nlp.BATCH_SIZE):
        pass
    return time.perf_counter() - start


def edit_and_new(repeat: int) -> dict:
    from copydesk import api

    linter = api.Linter(config=False)
    path = "/tmp/copydesk-bench/draft.md"
    analyses = frozenset().union(*(c.kind_impl.analyses for c in linter.cards_for(path) if c.kind_impl.needs_nlp))
    base = draft_variant(0)
    words = len(base.split())
    linter.check_text(base, path)  # the model loaded, every rule's data read
    bare, edit, new = [], [], []
    paragraphs = base.split("\n\n")
    editable = [i for i, p in enumerate(paragraphs) if len(p.split()) > 25 and not p.startswith(("#", "---"))]
    for i in range(repeat):
        bare.append(bare_parse_seconds(base, path, analyses))
        # Someone edits one paragraph (a different one, a different word each time), then the draft is re-checked.
        k = editable[i % len(editable)]
        edited = list(paragraphs)
        edited[k] = edited[k].replace(" the ", f" the {i}-times-revised ", 1)
        linter.check_text(base, path)
        start = time.perf_counter()
        linter.check_text("\n\n".join(edited), path)
        edit.append(time.perf_counter() - start)
        # A draft never seen: the parse cache emptied, everything else warm.
        fresh = draft_variant(1000 + i)
        linter.parse_cache.clear()
        start = time.perf_counter()
        linter.check_text(fresh, path)
        new.append(time.perf_counter() - start)
    b, e, n = statistics.median(bare), statistics.median(edit), statistics.median(new)
    return {"words": words, "bare_parse_ms": round(b * 1000, 1), "edit_recheck_ms": round(e * 1000, 1),
            "edit_ratio": round(e / b, 3), "new_draft_ms": round(n * 1000, 1), "new_ratio": round(n / b, 3),
            "repeat": repeat}


def _serve(drafts: list[str], folder: Path, clients: int = 20) -> dict:
    import httpx

    proc = subprocess.Popen([sys.executable, "-m", "copydesk", "serve", "--port", "0", "--workers", "2"],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL)
    port = None
    for raw in proc.stderr:
        m = re.search(rb"listening on http://127\.0\.0\.1:(\d+)", raw)
        if m:
            port = int(m.group(1))
            break
    if port is None:
        raise RuntimeError("copydesk serve did not start")
    threading.Thread(target=lambda: proc.stderr.read(), daemon=True).start()
    latencies: list[float] = []
    failures: list[int] = []
    jobs = list(enumerate(drafts))
    lock = threading.Lock()

    def client() -> None:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300) as http:
            while True:
                with lock:
                    if not jobs:
                        return
                    n, text = jobs.pop()
                started = time.perf_counter()
                answer = http.post("/v1/check", json={"text": text, "path": f"draft-{n:04}.md"})
                with lock:
                    latencies.append(time.perf_counter() - started)
                    if answer.status_code != 200:
                        failures.append(answer.status_code)

    try:
        start = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    latencies.sort()
    return {"seconds": wall, "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000, 1), "failures": len(failures)}


def serve_vs_check(n_drafts: int, words: int) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="copydesk-serve-bench-"))
    try:
        drafts = [draft_variant(5000 + i, words) for i in range(n_drafts)]
        for i, text in enumerate(drafts):
            (folder / f"draft-{i:04}.md").write_text(text, encoding="utf-8")
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "copydesk", "check", "--jobs", "2", "--no-cache", "--format",
                               "json", "--fail-on", "never", str(folder)], capture_output=True)
        check_seconds = time.perf_counter() - start
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr.decode()[-500:])
        served = _serve(drafts, folder)
        return {"drafts": n_drafts, "words_each": words, "check_jobs2_per_s": round(n_drafts / check_seconds, 2),
                "serve_per_s": round(n_drafts / served["seconds"], 2),
                "check_over_serve": round(served["seconds"] / check_seconds, 3),
                "serve_p50_ms": served["p50_ms"], "serve_p99_ms": served["p99_ms"], "failures": served["failures"],
                "note": "check --jobs 2 includes its start-up (imports, model load) once per worker; serve's "
                        "workers were started before the clock"}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def lsp_edit(repeat: int) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from lsp_client import LspClient

    from copydesk import api

    linter = api.Linter(config=False)
    folder = Path(tempfile.mkdtemp(prefix="copydesk-lsp-edit-"))
    path = folder / "draft.md"
    analyses = frozenset().union(*(c.kind_impl.analyses for c in linter.cards_for(str(path)) if c.kind_impl.needs_nlp))
    base = draft_variant(0)
    paragraphs = base.split("\n\n")
    editable = [i for i, p in enumerate(paragraphs) if len(p.split()) > 25 and not p.startswith(("#", "---"))]
    try:
        client = LspClient(folder, "--debounce", "0.01")
        client.initialize(folder)
        uri = client.open(path, base)
        client.diagnostics(uri, 1, timeout=600)
        linter.check_text(base, str(path))  # this process's model loaded, for the bare parse
        bare, times = [], []
        for i in range(repeat):
            bare.append(bare_parse_seconds(base, str(path), analyses))
            edited = list(paragraphs)
            k = editable[i % len(editable)]
            edited[k] = edited[k].replace(" the ", f" the {i}-times-revised ", 1)
            start = time.perf_counter()
            version = client.change(uri, "\n\n".join(edited))
            client.diagnostics(uri, version, timeout=600)
            times.append(time.perf_counter() - start)
        client.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    b, t = statistics.median(bare), statistics.median(times)
    return {"words": len(base.split()), "bare_parse_ms": round(b * 1000, 1), "lsp_edit_to_diagnostics_ms":
            round(t * 1000, 1), "ratio": round(t / b, 3), "debounce_ms": 10, "repeat": repeat}


def desk_edit(repeat: int, debounce: int | None = None) -> dict:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains

    from copydesk import api

    sys.path.insert(0, str(ROOT / "tests"))
    from servers import Server

    linter = api.Linter(config=False)
    analyses = frozenset().union(*(c.kind_impl.analyses for c in linter.cards_for("draft.md") if c.kind_impl.needs_nlp))
    base = draft_variant(1)
    paragraphs = base.split("\n\n")
    editable = [i for i, p in enumerate(paragraphs) if len(p.split()) > 25 and not p.startswith(("#", "---"))]
    folder = Path(tempfile.mkdtemp(prefix="copydesk-desk-bench-"))
    server = Server(folder, "--workers", "2")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1360,1000"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    settled = ("return (() => { const s = window.copydeskDesk; return Boolean(s && s.draftSent && "
               "s.draft().text === s.draftSent.text && document.body.dataset.state === 'ok'); })()")

    def wait(script: str) -> None:
        deadline = time.monotonic() + 120
        while not driver.execute_script(script):
            if time.monotonic() > deadline:
                raise RuntimeError("the desk did not settle")
            time.sleep(0.01)

    try:
        driver.get(server.url + "/")
        driver.execute_script("localStorage.clear()")
        driver.get(server.url + "/" + (f"?debounce={debounce}" if debounce is not None else ""))
        wait("return Boolean(window.copydeskDesk)")
        driver.execute_script("const b = document.getElementById('body'); b.value = arguments[0];"
                              "b.dispatchEvent(new Event('input', {bubbles: true}));", base)
        wait(settled)
        linter.check_text(base, "draft.md")  # this process's model loaded, for the bare parse
        bare, times, marked = [], [], 0
        for i in range(repeat):
            bare.append(bare_parse_seconds(base, "draft.md", analyses))
            k = editable[i % len(editable)]
            at = len("\n\n".join(paragraphs[:k])) + 2
            driver.execute_script("const b = document.getElementById('body'); b.focus(); b.setSelectionRange(arguments[0], "
                                  "arguments[0]); window.copydeskDesk.latencies = [];", at)
            ActionChains(driver).send_keys("Regrettably, ").perform()
            wait(settled + " && window.copydeskDesk.latencies.length > 0")
            times.append(driver.execute_script("return window.copydeskDesk.latencies.at(-1)") / 1000)
            marked += driver.execute_script("return [...document.querySelectorAll('.cd-mirror mark')].filter("
                                            "(m) => m.textContent === 'Regrettably').length > 0")
            # Back to the base text, untimed, before the next edit.
            driver.execute_script("const b = document.getElementById('body'); b.value = arguments[0];"
                                  "b.dispatchEvent(new Event('input', {bubbles: true}));", base)
            wait(settled)
        debounce = driver.execute_script("return window.copydeskDesk.live.debounceMs")
    finally:
        driver.quit()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    b, t = statistics.median(bare), statistics.median(times)
    return {"words": len(base.split()), "bare_parse_ms": round(b * 1000, 1),
            "desk_keystroke_to_underline_ms": round(t * 1000, 1), "p90_ms": round(sorted(times)[int(len(times) * 0.9)
                                                                                            - 1] * 1000, 1),
            "ratio": round(t / b, 3), "debounce_ms": debounce, "underline_shown": f"{marked}/{repeat}",
            "repeat": repeat}


def lsp_memory(documents: int) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from lsp_client import LspClient

    folder = Path(tempfile.mkdtemp(prefix="copydesk-lsp-bench-"))
    try:
        client = LspClient(folder, "--max-documents", str(documents))
        client.initialize(folder)
        start = time.perf_counter()
        uris = [client.open(folder / f"draft-{i:03}.md", draft_variant(9000 + i)) for i in range(documents)]
        for uri in uris:
            client.diagnostics(uri, 1, timeout=600)
        seconds = time.perf_counter() - start
        status = Path(f"/proc/{client.proc.pid}/status").read_text()
        rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
        hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024
        client.close()
        return {"documents": documents, "rss_mb": round(rss), "peak_mb": round(hwm),
                "seconds_to_diagnose_all": round(seconds, 1)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="edit,new,serve,lsp-edit,desk-edit,lsp")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--drafts", type=int, default=1000)
    parser.add_argument("--draft-words", type=int, default=300)
    parser.add_argument("--lsp-documents", type=int, default=200)
    parser.add_argument("--desk-debounce", type=int, metavar="MS", help="the desk's pause before a check (default: "
                                                                          "the page's own)")
    args = parser.parse_args()
    os.environ.setdefault("COPYDESK_CACHE_DIR", tempfile.mkdtemp(prefix="copydesk-bench-cache-"))
    parts = set(args.only.split(","))
    out: dict = {}
    if parts & {"edit", "new"}:
        out["warm"] = edit_and_new(args.repeat)
        print(json.dumps({"warm": out["warm"]}), flush=True)
    if "serve" in parts:
        out["serve"] = serve_vs_check(args.drafts, args.draft_words)
        print(json.dumps({"serve": out["serve"]}), flush=True)
    if "lsp-edit" in parts:
        out["lsp_edit"] = lsp_edit(args.repeat)
        print(json.dumps({"lsp_edit": out["lsp_edit"]}), flush=True)
    if "desk-edit" in parts:
        out["desk_edit"] = desk_edit(args.repeat, args.desk_debounce)
        print(json.dumps({"desk_edit": out["desk_edit"]}), flush=True)
    if "lsp" in parts:
        out["lsp"] = lsp_memory(args.lsp_documents)
        print(json.dumps({"lsp": out["lsp"]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
