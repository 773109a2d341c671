"""`copydesk serve` on a real socket on loopback, under a real HTTP client (httpx): parity with `copydesk check`,
every limit and error, a bounded concurrent load, hostile bodies, a slow client, a dead worker, SIGTERM."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, check_json, cli_env, write
from servers import Server

httpx = pytest.importorskip("httpx")
pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytestmark = [pytest.mark.loopback, pytest.mark.slow]

TOKEN = "a-test-token-of-32-characters-xx"
EXAMPLES = sorted(p for p in (ROOT / "examples").iterdir() if p.suffix in (".txt", ".md", ".html"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("serve"), "--workers", "2")
    yield s
    assert s.stop() == 0


def _long_draft(words: int) -> str:
    """A long, plausible story: distinct sentences, so no duplication rule shortcuts the work."""
    towns = ["Wexmoor", "Tallow Point", "Osterby", "Dunmore", "Kelland", "Brisk Harbour"]
    paras = ["# The island's budget, line by line"]
    n = 0
    while sum(len(p.split()) for p in paras) < words:
        t = towns[n % len(towns)]
        paras.append(f"In {t}, the council's line {n} covers {n * 3 + 7} repairs to the sea wall, which the harbour "
                     f"engineer, Mara Olsen, said had been postponed {n % 4 + 2} times since the storm of {1990 + n % 30}. "
                     f"Residents of ward {n} will be able to comment at the {t} library until {n % 28 + 1} March.")
        n += 1
    return "\n\n".join(paras) + "\n"


def _rows(findings):
    return [(f["code"], f["line"], f["column"], f["end_line"], f["end_column"], f["message"], f["severity"])
            for f in findings]


def test_check_equals_copydesk_check_and_the_report_is_the_same_shape(tmp_path, server):
    with server.client() as http:
        for source in EXAMPLES:
            target = tmp_path / source.name
            target.write_bytes(source.read_bytes())
            cold, _ = check_json(target.name, cwd=tmp_path, extra=("--no-cache",))
            answer = http.post("/v1/check", json={"text": source.read_text(encoding="utf-8"), "path": source.name})
            assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
            report = answer.json()
            assert report["version"] == cold["version"] == 1
            assert set(report) == set(cold) and set(report["files"][0]) == set(cold["files"][0])
            assert _rows(report["files"][0]["findings"]) == _rows(cold["files"][0]["findings"])
            assert report["files"][0]["score"] == cold["files"][0]["score"]
            assert report["summary"]["failed"] == cold["summary"]["failed"]


def test_selection_format_and_fail_level(server):
    text = "Skip to content\n\nThe pier reopened on Monday after repairs.\n"
    with server.client() as http:
        only = http.post("/v1/check", json={"text": text, "select": ["duplication"]}).json()
        assert only["files"][0]["findings"] == []
        html = http.post("/v1/check", json={"text": "<p>Skip to content</p><p>The pier reopened.</p>",
                                            "path": "pier", "format": "html", "select": "BOI001"}).json()
        assert [f["column"] for f in html["files"][0]["findings"]] == [4]
        never = http.post("/v1/check", json={"text": text, "fail_on": "never"}).json()
        assert never["summary"]["failed"] is False and never["summary"]["fail_on"] == "never"
        bad = http.post("/v1/check", json={"text": text, "select": ["NOPE999"]})
        assert bad.status_code == 400 and "NOPE999" in bad.json()["error"]["message"]


def test_rules_health_and_openapi(server):
    with server.client() as http:
        rules = http.get("/v1/rules").json()
        codes = [r["code"] for r in rules["rules"]]
        assert rules["version"] == 1 and "DUP001" in codes
        one = http.get("/v1/rules/page-furniture").json()
        assert one["code"] == "BOI001" and one["explanation"].startswith("# BOI001 page-furniture")
        missing = http.get("/v1/rules/XYZ999")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "unknown_rule"
        health = http.get("/healthz").json()
        assert health["status"] == "ok" and health["workers"] == 2
        spec = http.get("/openapi.json").json()
        assert spec["openapi"].startswith("3.1")
        assert set(spec["paths"]) == {"/v1/check", "/v1/rules", "/v1/rules/{code}", "/healthz", "/v1/fix",
                                      "/v1/silence", "/v1/verdicts", "/v1/report.html", "/v1/desk/config", "/",
                                      "/v1/desk.js"}
        assert spec["paths"]["/v1/verdicts"]["post"]["requestBody"]["content"]["application/json"]["schema"][
            "required"] == ["text", "fingerprint", "verdict"]
        assert http.get("/v1/check").status_code == 405
        assert http.get("/nowhere").json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("body, code", [
    (b"{", "invalid_json"),
    (b"\xff\xfe{}", "invalid_utf8"),
    (b'{"text": "caf\xe9"}', "invalid_utf8"),
    (b"[1, 2]", "invalid_request"),
    (b'{"path": "a.md"}', "invalid_request"),
    (b'{"text": 7}', "invalid_request"),
    (b'{"text": "x", "config": "/etc/passwd"}', "invalid_request"),
    (b'{"text": "x", "path": "/etc/passwd\\u0000"}', "invalid_request"),
    (b'{"text": "x", "format": "docx"}', "invalid_request"),
    (b'{"text": "x", "select": [1, 2]}', "invalid_request"),
    (b'{"text": "x", "fail_on": "sometimes"}', "invalid_request"),
    (b"[" * 100_000 + b"]" * 100_000, "invalid_json"),
    (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "invalid_json"),
])
def test_bad_requests_get_a_json_400_and_no_traceback(server, body, code):
    with server.client() as http:
        answer = http.post("/v1/check", content=body, headers={"content-type": "application/json"})
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] == code
    assert "Traceback" not in answer.text


def test_a_request_never_reads_the_servers_disk(tmp_path, server):
    secret = write(tmp_path / "secret.md", "Skip to content\n")
    with server.client() as http:
        report = http.post("/v1/check", json={"text": "The pier reopened.", "path": str(secret)}).json()
    assert report["files"][0]["findings"] == [] and report["files"][0]["path"] == str(secret)


def test_fuzzed_bodies_never_break_the_server(server):
    rng = random.Random(20261130)
    pieces = [b"{", b"}", b"[", b"]", b'"text"', b":", b",", b'"', b"\\u", b"\\ud800", b"null", b"1e999999",
              b"\xf0\x9f", b"\x00", b'"path"', b"\xc3\xa9", b"true", b" "]
    statuses = set()
    with server.client() as http:
        for _ in range(150):
            body = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 40)))
            answer = http.post("/v1/check", content=body)
            statuses.add(answer.status_code)
            assert answer.status_code in (200, 400), (body, answer.text)
            assert "error" in answer.json() or answer.json()["version"] == 1
        # Strings that are valid JSON but hostile text: lone surrogates, NULs, control characters, a long word.
        for text in ("\ud800 pier \udfff", "a\x00b\x01c", "\u202e\u2066reversed", "x" * 200_000, "🛳️" * 5_000):
            answer = http.post("/v1/check", content=json.dumps({"text": text}).encode())
            assert answer.status_code == 200, answer.text
        assert server.health()["status"] == "ok"
    assert 400 in statuses


def test_a_bounded_concurrent_load_loses_and_mixes_nothing(server):
    """20 clients x 25 requests, each draft unique: every answer is 200 and about its own draft."""
    failures: list[str] = []
    latencies: list[float] = []

    def client(n: int) -> None:
        with server.client() as http:
            for i in range(25):
                town = f"Port{n}x{i}"
                text = (f"# {town} pier reopens\n\nSkip to content\n\nThe {town} pier reopened on Monday, "
                        f"the harbour board said.\n")
                started = time.perf_counter()
                answer = http.post("/v1/check", json={"text": text, "path": f"{town}.md"})
                latencies.append(time.perf_counter() - started)
                if answer.status_code != 200:
                    failures.append(f"{town}: {answer.status_code} {answer.text[:200]}")
                    continue
                report = answer.json()
                found = report["files"][0]
                if found["path"] != f"{town}.md" or [f["code"] for f in found["findings"]] != ["BOI001"]:
                    failures.append(f"{town}: {found}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert not failures, failures[:5]
    assert len(latencies) == 500
    health = server.health()
    assert health["status"] == "ok" and health["workers"] == 2 and health["running"] == 0


def test_a_killed_worker_is_replaced_and_no_request_fails(server):
    before = server.health()
    victim = before["pids"][0]
    os.kill(victim, signal.SIGKILL)
    with server.client() as http:
        for i in range(12):
            answer = http.post("/v1/check", json={"text": f"Skip to content\n\nThe pier reopened on day {i}.\n"})
            assert answer.status_code == 200, answer.text
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        health = server.health()
        if health["workers"] == 2 and victim not in health["pids"]:
            break
        time.sleep(0.2)
    assert health["workers"] == 2 and victim not in health["pids"] and health["replaced"] >= 1


def test_body_size_limit_slow_clients_and_the_token(tmp_path):
    s = Server(tmp_path, "--workers", "1", "--max-body-bytes", "4096", "--body-timeout", "1",
               env={"COPYDESK_SERVE_TOKEN": TOKEN})
    try:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        with s.client() as http:
            assert http.post("/v1/check", json={"text": "x"}).status_code == 401
            wrong = http.post("/v1/check", json={"text": "x"}, headers={"Authorization": "Bearer " + "y" * 32})
            assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
            assert http.get("/v1/rules").status_code == 401
            assert http.get("/healthz").status_code == 200  # liveness stays open for load balancers
            ok = http.post("/v1/check", json={"text": "Skip to content\n\nThe pier reopened.\n"}, headers=auth)
            assert ok.status_code == 200
            big = http.post("/v1/check", json={"text": "word " * 2000}, headers=auth)
            assert big.status_code == 413 and big.json()["error"]["code"] == "payload_too_large"

            def chunks():  # no Content-Length: the limit is enforced while reading
                for _ in range(10):
                    yield b" " * 1000

            streamed = http.post("/v1/check", content=chunks(), headers=auth)
            assert streamed.status_code == 413
        # A client sending its body a byte at a time is cut off after the body timeout.
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=30)
        sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Authorization: Bearer " + TOKEN.encode() + b"\r\nContent-Length: 200\r\n\r\n")
        started = time.monotonic()
        answer = b""
        answered_after = None
        sock.settimeout(0.1)
        try:
            for _ in range(200):  # 20 s of a byte every 0.1 s, unless the server answers first
                sock.sendall(b" ")
                try:
                    answer += sock.recv(4096)
                except socket.timeout:
                    continue
                answered_after = time.monotonic() - started
                break
        except (BrokenPipeError, ConnectionResetError):
            pass
        sock.settimeout(10)
        while b"\r\n" not in answer:  # the status line, whole
            more = sock.recv(4096)
            if not more:
                break
            answer += more
        sock.close()
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert answered_after is not None and answered_after < 10  # cut off after the 1 s body timeout
        assert s.health()["status"] == "ok"
    finally:
        assert s.stop() == 0


def test_timeouts_and_a_full_queue(tmp_path):
    slow = _long_draft(6000)
    s = Server(tmp_path, "--workers", "1", "--max-queue", "0", "--timeout", "60")
    try:
        results: dict[str, httpx.Response] = {}

        def long_check():
            with s.client() as http:
                results["long"] = http.post("/v1/check", json={"text": slow, "path": "budget.md"})

        t = threading.Thread(target=long_check)
        t.start()
        deadline = time.monotonic() + 60
        while s.health()["running"] == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        with s.client() as http:
            busy = http.post("/v1/check", json={"text": "The pier reopened."})
        t.join(timeout=300)
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        assert busy.json()["error"]["code"] == "busy"
        assert results["long"].status_code == 200
    finally:
        assert s.stop() == 0
    s = Server(tmp_path, "--workers", "1", "--timeout", "0.2")
    try:
        with s.client() as http:
            late = http.post("/v1/check", json={"text": slow})
            assert late.status_code == 504 and late.json()["error"]["code"] == "timeout"
            deadline = time.monotonic() + 120
            while s.health()["replaced"] < 1 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert s.health()["replaced"] >= 1
            quick = http.post("/v1/check", json={"text": "Skip to content\n\nOk.\n", "select": ["BOI001"]})
            assert quick.status_code in (200, 504)  # the replacement answers (a cold first check may take longer)
    finally:
        assert s.stop() == 0


def test_config_from_start_up_and_binding_beyond_loopback(tmp_path):
    config = write(tmp_path / "newsroom.toml", 'ignore = ["BOI001"]\n')
    s = Server(tmp_path, "--workers", "1", "--config", str(config))
    try:
        with s.client() as http:
            report = http.post("/v1/check", json={"text": "Skip to content\n\nThe pier reopened.\n"}).json()
            assert "BOI001" not in [f["code"] for f in report["files"][0]["findings"]]
    finally:
        assert s.stop() == 0
    exposed = subprocess.run([sys.executable, "-m", "copydesk", "serve", "--host", "0.0.0.0", "--port", "0"],
                             capture_output=True, env=cli_env({"COPYDESK_SERVE_TOKEN": ""}), timeout=60)
    assert exposed.returncode == 2 and b"set a token" in exposed.stderr
    for model, said in (("no_such_model", b"no such package or folder"), (str(tmp_path), b"workers could not start")):
        write(tmp_path / "model.toml", f'model = "{model}"\n')
        failed = subprocess.run([sys.executable, "-m", "copydesk", "serve", "--config", str(tmp_path / "model.toml"),
                                 "--port", "0"], capture_output=True, env=cli_env(), timeout=300)
        assert failed.returncode == 2 and said in failed.stderr and b"Traceback" not in failed.stderr, failed.stderr
    broken = write(tmp_path / "broken.toml", "ignore = 7\n")
    bad = subprocess.run([sys.executable, "-m", "copydesk", "serve", "--config", str(broken), "--port", "0"],
                         capture_output=True, env=cli_env(), timeout=60)
    assert bad.returncode == 2 and b"config error" in bad.stderr and b"Traceback" not in bad.stderr


def test_sigterm_lets_the_running_check_finish_then_stops(tmp_path):
    s = Server(tmp_path, "--workers", "1")
    pids = s.health()["pids"]
    results: dict[str, httpx.Response] = {}

    def long_check():
        with s.client() as http:
            results["long"] = http.post("/v1/check", json={"text": _long_draft(4000), "path": "budget.md"})

    t = threading.Thread(target=long_check)
    t.start()
    deadline = time.monotonic() + 60
    while s.health()["running"] == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    s.proc.send_signal(signal.SIGTERM)
    t.join(timeout=300)
    assert s.proc.wait(timeout=120) == 0
    assert results["long"].status_code == 200 and results["long"].json()["files"][0]["words"] > 3000
    for pid in pids:  # the workers went with it
        assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split(") ")[1][:1]
    assert "Traceback" not in "".join(s.lines)


def test_the_docs_python_client_works(server):
    """docs/serve.md's CMS client, run as written against the service (its address swapped for the test's)."""
    doc = (ROOT / "docs" / "serve.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", doc, re.S)[0].replace("http://127.0.0.1:8750", server.url)
    namespace: dict = {}
    exec(compile(code, "docs/serve.md", "exec"), namespace)
    blocking = namespace["check_draft"]("Skip to content\n\nThe pier reopened on Monday.\n", "pier")
    assert [f["code"] for f in blocking] == ["BOI001"]
    assert namespace["check_draft"]("The pier reopened on Monday after repairs.\n", "pier") == []


def test_the_standard_librarys_client_gets_every_error_answer_and_the_connection_closes(tmp_path):
    """A CMS written in Python: urllib sends the whole body before it reads, so a 413 must wait for it (a
    lingering close); a 408 and every answer to a body not read whole close the connection; a huge header
    gets 431 in the service's JSON error shape."""
    import http.client
    import urllib.error
    import urllib.request

    s = Server(tmp_path, "--workers", "1", "--max-body-bytes", "4096", "--body-timeout", "1")
    try:
        big = json.dumps({"text": "word " * 200_000}).encode()  # about 1 MB, far over the 4 KB limit
        request = urllib.request.Request(s.url + "/v1/check", data=big, headers={"Content-Type": "application/json"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=60)
        assert refused.value.code == 413
        assert json.loads(refused.value.read())["error"]["code"] == "payload_too_large"
        assert refused.value.headers["connection"] == "close"

        # A 200 KB header: 431, JSON, not a reset.
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=60)
        conn.request("GET", "/healthz", headers={"X-Padding": "p" * 200_000})
        answer = conn.getresponse()
        assert answer.status == 431
        assert json.loads(answer.read())["error"]["code"] == "header_too_large"
        conn.close()

        # A body sent too slowly: 408, then the connection is closed (the server reads no more of it).
        sock = socket.create_connection(("127.0.0.1", s.port), timeout=30)
        sock.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{")
        sock.settimeout(15)
        received = b""
        while True:
            more = sock.recv(4096)
            if not more:
                break  # the server closed the connection after answering
            received += more
        sock.close()
        assert received.startswith(b"HTTP/1.1 408") and b"connection: close" in received.lower()

        # The service is still healthy, and an ordinary request from the same client works.
        with urllib.request.urlopen(s.url + "/healthz", timeout=30) as ok:
            assert json.loads(ok.read())["status"] == "ok"
    finally:
        assert s.stop() == 0


# -- the desk's endpoints and the origin rule (the page itself: tests/test_desk.py, in a browser) ----------------

DESK_DRAFT = ("Skip to content\n\nThe Osterby ferry will stop running in January, the operator said on Monday.\n\n"
              "Regrettably, nobody asked the island's 300 residents before the decision was taken.\n")


def test_desk_actions_act_on_the_text_they_are_given(tmp_path, server):
    with server.client() as http:
        report = http.post("/v1/check", json={"text": DESK_DRAFT, "path": "ferry.md"}).json()
        by_code = {f["code"]: f for f in report["files"][0]["findings"]}
        furniture = by_code["BOI001"]
        fixed = http.post("/v1/fix", json={"text": DESK_DRAFT, "path": "ferry.md",
                                           "fingerprint": furniture["fingerprint"]}).json()
        assert fixed == {"text": DESK_DRAFT.replace("Skip to content\n\n", ""), "applied": 1}
        # The same fix asked of text where that finding is gone: 409, never an edit to the wrong words.
        gone = http.post("/v1/fix", json={"text": fixed["text"], "path": "ferry.md",
                                          "fingerprint": furniture["fingerprint"]})
        assert gone.status_code == 409 and gone.json()["error"]["code"] == "stale_finding"
        without_fix = next(f for f in report["files"][0]["findings"] if not f.get("fix"))
        refused = http.post("/v1/fix", json={"text": DESK_DRAFT, "path": "ferry.md",
                                             "fingerprint": without_fix["fingerprint"]})
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_fix"
        everything = http.post("/v1/fix", json={"text": DESK_DRAFT, "path": "ferry.md", "all": True}).json()
        write(tmp_path / "ferry.md", DESK_DRAFT)
        assert run_fix(tmp_path, "ferry.md") == everything["text"]
        silenced = http.post("/v1/silence", json={"text": DESK_DRAFT, "path": "ferry.md",
                                                  "fingerprint": furniture["fingerprint"]}).json()["text"]
        assert silenced.startswith("<!-- copydesk: disable-next-line BOI001 -->\nSkip to content\n")
        again = http.post("/v1/check", json={"text": silenced, "path": "ferry.md"}).json()
        assert "BOI001" not in [f["code"] for f in again["files"][0]["findings"]]
        for bad, code in (({"fingerprint": furniture["fingerprint"], "verdict": "maybe"}, "invalid_request"),
                          ({"verdict": "wrong"}, "invalid_request"),
                          ({"fingerprint": furniture["fingerprint"], "verdict": "wrong", "colour": 1}, "invalid_request"),
                          ({"fingerprint": furniture["fingerprint"], "verdict": "wrong", "profile": "sport"},
                           "invalid_request")):
            answer = http.post("/v1/verdicts", json={"text": DESK_DRAFT, "path": "ferry.md", **bad})
            assert answer.status_code == 400 and answer.json()["error"]["code"] == code, answer.text
        html = http.post("/v1/report.html", json={"text": DESK_DRAFT, "path": "ferry.md"})
        assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
        assert "Skip to content</mark>" in html.text and "attachment" in html.headers["content-disposition"]
        config = http.get("/v1/desk/config").json()
        assert config["profiles"] == [{"name": "default", "fail_on": "warning"}] and not config["token_required"]
        rule = http.get("/v1/rules/NEU001").json()
        assert rule["examples"]["flagged"] and rule["why"]


def run_fix(folder: Path, name: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "copydesk", "check", "--fix", name], cwd=folder,
                          capture_output=True, env=cli_env(), timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    return (folder / name).read_text(encoding="utf-8")


def test_the_desk_page_and_its_files_are_served_with_a_strict_policy(server):
    with server.client() as http:
        for path in ("/", "/desk"):
            page = http.get(path)
            assert page.status_code == 200 and "<textarea id=\"body\"" in page.text
            csp = page.headers["content-security-policy"]
            assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
            assert "<script>" not in page.text and "style=" not in page.text  # nothing inline
        assert http.get("/desk/assets/session.js").headers["content-type"].startswith("text/javascript")
        assert http.get("/v1/desk.js").status_code == 200
        for bad in ("/desk/assets/..%2Fapp.py", "/desk/assets/.hidden", "/desk/assets/nothing.js",
                    "/desk/assets/__init__.py"):
            assert http.get(bad).status_code == 404, bad


def test_other_origins_and_rebound_hosts_are_refused(server):
    with server.client() as http:
        evil = http.post("/v1/check", json={"text": "The pier."}, headers={"Origin": "http://evil.example"})
        assert evil.status_code == 403 and evil.json()["error"]["code"] == "origin_not_allowed"
        assert "access-control-allow-origin" not in evil.headers
        preflight = http.options("/v1/verdicts", headers={"Origin": "http://evil.example",
                                                          "Access-Control-Request-Method": "POST"})
        assert preflight.status_code == 403
        null = http.post("/v1/check", json={"text": "The pier."}, headers={"Origin": "null"})
        assert null.status_code == 403
        own = http.post("/v1/check", json={"text": "The pier."}, headers={"Origin": server.url})
        assert own.status_code == 200
        # A DNS-rebound page is "same-origin" with its own host name: browsers' requests must name loopback.
        for browser_says in ({"Origin": "http://attacker.example:8750"}, {"Sec-Fetch-Site": "same-origin"}):
            rebound = http.get("/v1/desk/config", headers={"Host": "attacker.example:8750", **browser_says})
            assert rebound.status_code == 403 and rebound.json()["error"]["code"] == "host_not_allowed"
        assert http.get("/v1/desk/config", headers={"Host": f"localhost:{server.port}",
                                                    "Sec-Fetch-Site": "same-origin"}).status_code == 200


def test_profiles_tokens_and_allow_lists_from_the_command_line(tmp_path):
    strict = write(tmp_path / "strict.toml", 'fail-on = "info"\n')
    quiet = write(tmp_path / "quiet.toml", 'ignore = ["BOI001"]\n')
    origin = "http://127.0.0.1:9"
    s = Server(tmp_path, "--workers", "1", "--profile", f"strict={strict}", "--profile", f"quiet={quiet}",
               "--allow-origin", origin + "/", env={"COPYDESK_SERVE_TOKEN": TOKEN})
    try:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        with s.client(headers=auth) as http:
            config = http.get("/v1/desk/config").json()
            assert [(p["name"], p["fail_on"]) for p in config["profiles"]] == [
                ("default", "warning"), ("strict", "info"), ("quiet", "warning")]
            assert config["token_required"]
            text = "Skip to content\n\nThe pier reopened on Monday.\n"
            codes = {name: [f["code"] for f in http.post("/v1/check", json={"text": text, "profile": name}).json()
                            ["files"][0]["findings"]] for name in ("default", "quiet")}
            assert "BOI001" in codes["default"] and "BOI001" not in codes["quiet"]
            strict_report = http.post("/v1/check", json={"text": "The pier reopened.\n", "profile": "strict"}).json()
            assert strict_report["summary"]["fail_on"] == "info"
            preflight = http.options("/v1/check", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                                           "Access-Control-Request-Headers": "authorization"})
            assert preflight.status_code == 204
            assert preflight.headers["access-control-allow-origin"] == origin
            assert "Authorization" in preflight.headers["access-control-allow-headers"]
        # The page and the embed's loader need no token; the API does.
        assert httpx.get(s.url + "/").status_code == 200 and httpx.get(s.url + "/v1/desk.js").status_code == 200
        assert httpx.get(s.url + "/v1/desk/config").status_code == 401
    finally:
        assert s.stop() == 0
    for args, said in ((["--allow-origin", origin], b"needs a token"),
                       (["--allow-origin", "cms.example.org"], b"is not an origin"),
                       (["--profile", "sport"], b"NAME=FILE"),
                       (["--profile", f"default={strict}"], b"NAME=FILE"),
                       (["--profile", f"sport={tmp_path / 'missing.toml'}"], b"missing.toml")):
        proc = subprocess.run([sys.executable, "-m", "copydesk", "serve", "--port", "0", *args], capture_output=True,
                              env=cli_env({"COPYDESK_SERVE_TOKEN": ""}), timeout=120)
        assert proc.returncode == 2 and said in proc.stderr and b"Traceback" not in proc.stderr, (args, proc.stderr)
    bad = write(tmp_path / "origins.toml", 'desk-origins = ["ftp://cms.example.org"]\n')
    proc = subprocess.run([sys.executable, "-m", "copydesk", "serve", "--port", "0", "--config", str(bad)],
                          capture_output=True, env=cli_env({"COPYDESK_SERVE_TOKEN": TOKEN}), timeout=120)
    assert proc.returncode == 2 and b"desk-origins" in proc.stderr and b"Traceback" not in proc.stderr, proc.stderr
