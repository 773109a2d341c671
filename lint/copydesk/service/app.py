"""`copydesk serve`: an HTTP JSON service on Starlette and uvicorn, checking drafts in warm worker processes.

Every limit answers with a JSON error ({"error": {"code", "message"}}) and a status a CMS can act on: 400 bad
JSON or fields, 401 no or wrong token, 404 unknown rule, 408 a body sent too slowly, 413 a body too large,
431 a request head too large, 503 (with Retry-After) every worker busy and the queue full, 504 a check past its
time. No traceback reaches a
client. See docs/serve.md.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from typing import Any

from copydesk.version import __version__
from copydesk.service.http import LOOPBACK, error_response
from copydesk.service.pool import Busy, PoolError, WorkerPool

REQUEST_FIELDS = {"text", "path", "format", "select", "ignore", "fail_on", "profile"}
# What the desk's actions add to a check request: which finding, and for a verdict, the verdict and its reason.
ACTION_FIELDS = {"fix": {"fingerprint", "all"}, "silence": {"fingerprint"}, "verdict": {"fingerprint", "verdict", "reason"},
                 "html": set()}
FAIL_ON = ("error", "warning", "info", "never")
MAX_PATH_CHARS = 1_000
MAX_RULE_ITEMS = 200


@dataclass
class ServeSettings:
    """What `copydesk serve` is started with; every limit here has a flag (docs/serve.md)."""

    config: str | None = None  # a config file read once at start-up; None: the built-in defaults
    host: str = "127.0.0.1"
    port: int = 8750
    workers: int = 2
    max_body_bytes: int = 2 * 1024 * 1024  # a 2 MB draft is twenty long features
    timeout: float = 30.0  # seconds per check, waiting for a worker included
    max_queue: int = 64  # requests that may wait for a worker; past it, 503
    body_timeout: float = 10.0  # seconds a client may take to send its body
    token: str | None = None  # required (Bearer) when set; must be set to bind beyond loopback
    preview: bool = False
    retry_after: int = 1  # seconds, sent with 503
    profiles: dict[str, str] = field(default_factory=dict)  # named config files a request may pick (the desk's picker)
    allow_origins: tuple[str, ...] = ()  # other origins (a CMS) whose pages may call the API, with the token
    verdicts: str | None = None  # the desk's verdicts file; None: the config's, as `copydesk review` finds it


class ClientError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}


async def read_body(request, limit: int, seconds: float) -> bytes:
    """The request body, refused past `limit` bytes (413) or when it takes longer than `seconds` to arrive
    (408): a client sending a byte at a time cannot hold a connection and a buffer open for ever."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise ClientError(400, "bad_request", "Content-Length is not a number")
        if int(declared) > limit:
            await _drain(request, max(DRAIN_MIN_BYTES, 4 * limit), seconds)
            raise ClientError(413, "payload_too_large", f"the body is over the limit of {limit:,} bytes",
                              headers=CLOSE)

    async def collect() -> bytes:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ClientError(413, "payload_too_large", f"the body is over the limit of {limit:,} bytes",
                                  headers=CLOSE)
            chunks.append(chunk)
        return b"".join(chunks)

    try:
        return await asyncio.wait_for(collect(), seconds)
    except asyncio.TimeoutError:
        # The rest of the body is still coming: answer, then close, so the connection accepts no more of it.
        raise ClientError(408, "body_timeout", f"the body did not arrive within {seconds:g} s",
                          headers=CLOSE) from None
    except ClientError as exc:
        if exc.status == 413:
            await _drain(request, max(DRAIN_MIN_BYTES, 4 * limit), seconds)
        raise


CLOSE = {"Connection": "close"}
DRAIN_MIN_BYTES = 16 * 1024 * 1024


async def _drain(request, most: int, seconds: float) -> None:
    """Read and discard the rest of a refused body, up to `most` bytes and `seconds`, before the 413 goes out
    (a lingering close). Clients that send the whole body before reading (Python's urllib, requests) would
    otherwise meet a connection reset instead of the answer."""
    async def discard() -> None:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > most:
                return

    try:
        await asyncio.wait_for(discard(), seconds)
    except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - a client gone mid-body: nothing left to read
        pass


def parse_job(body: bytes, action: str = "check", profiles=("default",)) -> dict[str, Any]:
    """The check request, validated: {"text", "path"?, "format"?, "select"?, "ignore"?, "fail_on"?, "profile"?},
    with an action's own fields (ACTION_FIELDS)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ClientError(400, "invalid_utf8", f"the body is not UTF-8 (byte {exc.start})") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise ClientError(400, "invalid_json", "the JSON is nested too deeply") from None
    except ValueError as exc:
        raise ClientError(400, "invalid_json", f"the body is not JSON: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise ClientError(400, "invalid_request", "the body must be a JSON object with a \"text\" field")
    unknown = set(data) - REQUEST_FIELDS - ACTION_FIELDS.get(action, set())
    if unknown:
        raise ClientError(400, "invalid_request", f"unknown field(s): {', '.join(sorted(unknown)[:5])}; "
                                                  f"known: {', '.join(sorted(REQUEST_FIELDS))}")
    if not isinstance(data.get("text"), str):
        raise ClientError(400, "invalid_request", "\"text\" is required and must be a string")
    path = data.get("path", "draft.txt")
    if not isinstance(path, str) or not path or len(path) > MAX_PATH_CHARS or "\0" in path:
        raise ClientError(400, "invalid_request", "\"path\" must be a file name (a string, at most "
                                                  f"{MAX_PATH_CHARS} characters)")
    fmt = data.get("format")
    if fmt is not None and fmt not in ("md", "markdown", "txt", "text", "html", "htm"):
        raise ClientError(400, "invalid_request", "\"format\" must be one of md, txt, html")
    job: dict[str, Any] = {"text": data["text"], "path": path, "format": fmt}
    for key in ("select", "ignore"):
        value = data.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            value = [value]
        if (not isinstance(value, list) or len(value) > MAX_RULE_ITEMS
                or not all(isinstance(v, str) and len(v) <= 100 for v in value)):
            raise ClientError(400, "invalid_request", f"\"{key}\" must be a list of rule codes, names or categories")
        job[key] = value
    fail_on = data.get("fail_on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ClientError(400, "invalid_request", f"\"fail_on\" must be one of {', '.join(FAIL_ON)}")
    job["fail_on"] = fail_on
    profile = data.get("profile") or "default"
    if profile not in profiles:
        raise ClientError(400, "invalid_request", f"unknown profile {str(profile)[:100]!r}; this server offers "
                                                  f"{', '.join(profiles)}")
    job["profile"] = profile
    job["action"] = action
    if action == "fix" and data.get("all") is True:
        job["action"] = "fix_all"
    elif action in ("fix", "silence", "verdict"):
        fingerprint = data.get("fingerprint")
        if not isinstance(fingerprint, str) or not fingerprint or len(fingerprint) > 64:
            raise ClientError(400, "invalid_request", "\"fingerprint\" is required: the finding's, from the report")
        job["fingerprint"] = fingerprint
    if action == "verdict":
        if data.get("verdict") not in ("right", "wrong", "unsure"):
            raise ClientError(400, "invalid_request", "\"verdict\" must be right, wrong or unsure")
        reason = data.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise ClientError(400, "invalid_request", "\"reason\" must be a string")
        job["verdict"], job["reason"] = data["verdict"], reason
    return job


def open_path(path: str) -> bool:
    """The paths that need no token: the desk page and its static files (no data in them), and /healthz."""
    return path in ("/", "/desk", "/healthz", "/v1/desk.js") or path.startswith("/desk/assets/")


def build_app(settings: ServeSettings, pool: WorkerPool | None = None):
    """The Starlette application: routes, the token check, JSON errors, and the pool's life cycle."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    from copydesk import api
    from copydesk.explain import explain_text
    from copydesk.service.desk import PAGE_CSP, SECURITY_HEADERS, OriginPolicy, asset
    from copydesk.service.openapi import openapi
    from copydesk.verdicts import VerdictsError, append_verdicts, parse_verdict, verdicts_file

    pool = pool or WorkerPool(settings.workers, settings.config, settings.preview, settings.max_queue,
                              profiles=settings.profiles)
    linter = api.Linter(settings.config if settings.config else False, preview=settings.preview, warm=False)
    registry = linter.checker.ruleset_for(linter.settings_for("draft.md")).registry
    profile_names = ("default", *settings.profiles)
    fail_levels = {"default": linter.settings_for("draft.md").fail_on}
    registries = {"default": registry}
    for name, config in settings.profiles.items():
        other = api.Linter(config, preview=settings.preview, warm=False)
        fail_levels[name] = other.settings_for("draft.md").fail_on
        registries[name] = other.checker.ruleset_for(other.settings_for("draft.md")).registry
    verdicts_target = verdicts_file(linter.settings_for("draft.md"), settings.verdicts)

    async def run(request, action: str) -> dict[str, Any]:
        body = await read_body(request, settings.max_body_bytes, settings.body_timeout)
        job = parse_job(body, action, profile_names)
        try:
            report = await pool.check(job, settings.timeout)
        except Busy as exc:
            raise ClientError(503, exc.code, str(exc), {"Retry-After": str(settings.retry_after)}) from None
        except PoolError as exc:
            raise ClientError(exc.status, exc.code, str(exc)) from None
        if "_client_error" in report:
            raise ClientError(400, "invalid_request", report["_client_error"])
        if "_refused" in report:
            raise ClientError(*report["_refused"])
        return report

    async def check(request):
        return JSONResponse(await run(request, "check"))

    async def fix(request):
        return JSONResponse(await run(request, "fix"))

    async def silence(request):
        return JSONResponse(await run(request, "silence"))

    async def verdict(request):
        answer = await run(request, "verdict")
        record = parse_verdict(answer["verdict"], "verdict")
        try:
            await asyncio.get_running_loop().run_in_executor(None, append_verdicts, verdicts_target, [record])
        except VerdictsError as exc:
            print(f"copydesk serve: {exc}", file=sys.stderr, flush=True)
            raise ClientError(500, "verdicts_unwritable", "the server cannot write its verdicts file "
                                                          "(said on the server's stderr)") from None
        return JSONResponse({"recorded": record.to_json(), "file": verdicts_target.name})

    async def report_html(request):
        from starlette.responses import HTMLResponse

        answer = await run(request, "html")
        return HTMLResponse(answer["html"], headers={**SECURITY_HEADERS,
                                                     "Content-Disposition": 'attachment; filename="copydesk-report.html"'})

    async def desk_config(request):
        return JSONResponse({"version": 1, "tool": __version__, "profiles": [
            {"name": n, "fail_on": fail_levels[n]} for n in profile_names],
            "max_body_bytes": settings.max_body_bytes, "timeout": settings.timeout,
            "token_required": bool(settings.token)})

    def static(name: str, csp: str | None = None):
        async def handler(request):
            from starlette.responses import Response

            found = asset(name if name else request.path_params["name"])
            if found is None:
                raise ClientError(404, "not_found", f"no such desk file: {request.url.path[:200]}")
            data, kind = found
            headers = dict(SECURITY_HEADERS)
            if csp:
                headers["Content-Security-Policy"] = csp
            return Response(data, media_type=kind.split(";")[0], headers=headers)
        return handler

    async def rules(request):
        return JSONResponse({"version": 1, "rules": api.rules(registry)})

    async def rule(request):
        # A profile's house style may add rules: look the code up where the desk's profile finds it.
        card = registries.get(request.query_params.get("profile") or "default", registry).lookup(
            request.path_params["code"])
        if card is None:
            raise ClientError(404, "unknown_rule", f"unknown rule {request.path_params['code'][:100]!r}")
        return JSONResponse({**api.rule_json(card), "why": card.why, "explanation": explain_text(card),
                             "examples": {"flagged": [ex["text"] for ex in card.examples["fail"]],
                                          "not_flagged": [ex["text"] for ex in card.examples["pass"]]}})

    async def healthz(request):
        pids = pool.pids()
        status = "ok" if pids else "starting"
        return JSONResponse({"status": status, "version": __version__, "workers": len(pids), "pids": pids,
                             "running": pool.running, "waiting": pool.waiting, "replaced": pool.replaced},
                            status_code=200 if pids else 503)

    async def spec(request):
        return JSONResponse(openapi(settings))

    async def not_found(request, exc):
        status = getattr(exc, "status_code", 404)
        if status == 405:
            return error_response(405, "method_not_allowed", f"{request.method} is not allowed here")
        return error_response(status, "not_found", f"no such endpoint: {request.url.path[:200]}")

    async def client_error(request, exc: ClientError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    async def internal_error(request, exc: Exception):
        print(f"copydesk serve: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return error_response(500, "internal_error", "internal error (logged on the server)")

    class TokenCheck:
        """`Authorization: Bearer <token>` on every endpoint but /healthz, compared in constant time. Plain
        ASGI, so the request body streams through untouched (the body limits read it)."""

        def __init__(self, app):
            self.app = app

        async def __call__(self, scope, receive, send):
            if scope["type"] == "http" and settings.token and not open_path(scope.get("path", "")):
                given = dict(scope.get("headers") or []).get(b"authorization", b"")
                scheme, _, value = given.partition(b" ")
                if scheme.lower() != b"bearer" or not hmac.compare_digest(value.strip(), settings.token.encode()):
                    response = error_response(401, "unauthorized", "a valid bearer token is required",
                                              {"WWW-Authenticate": "Bearer"})
                    await response(scope, receive, send)
                    return
            await self.app(scope, receive, send)

    @asynccontextmanager
    async def lifespan(app):
        try:
            await pool.start()
        except Exception as exc:  # a worker could not load the model: one line, exit 2, no traceback
            print(f"copydesk serve: error: the workers could not start: {exc}", file=sys.stderr, flush=True)
            await pool.close()
            os._exit(2)
        app.state.ready()
        try:
            yield
        finally:
            await pool.close()

    app = Starlette(
        routes=[Route("/v1/check", check, methods=["POST"]), Route("/v1/rules", rules, methods=["GET"]),
                Route("/v1/rules/{code}", rule, methods=["GET"]), Route("/healthz", healthz, methods=["GET"]),
                Route("/openapi.json", spec, methods=["GET"]),
                Route("/v1/fix", fix, methods=["POST"]), Route("/v1/silence", silence, methods=["POST"]),
                Route("/v1/verdicts", verdict, methods=["POST"]), Route("/v1/report.html", report_html, methods=["POST"]),
                Route("/v1/desk/config", desk_config, methods=["GET"]),
                Route("/", static("index.html", PAGE_CSP), methods=["GET"]),
                Route("/desk", static("index.html", PAGE_CSP), methods=["GET"]),
                Route("/desk/assets/{name}", static(""), methods=["GET"]),
                Route("/v1/desk.js", static("loader.js"), methods=["GET"])],
        middleware=[Middleware(OriginPolicy, allowed=set(settings.allow_origins),
                               loopback_only=settings.host in LOOPBACK and not settings.token,
                               static_paths=open_path),
                    Middleware(TokenCheck)],
        exception_handlers={404: not_found, 405: not_found, ClientError: client_error, Exception: internal_error},
        lifespan=lifespan,
    )
    app.state.ready = lambda: None
    app.state.pool = pool
    return app


HEAD_LIMIT_BYTES = 64 * 1024  # a request line and headers longer than this get 431
LINGER_SECONDS = 5.0  # how long a refused connection is read and drained before it is closed


def _protocol_class():
    """uvicorn's h11 protocol, answering a request head over HEAD_LIMIT_BYTES with 431 and the service's JSON
    error shape, where uvicorn's own answer is a plain-text 400 (or, for some clients, a reset)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        head_bytes = 0
        discarding = False  # answered 431: what still arrives is read and dropped until the client closes

        def data_received(self, data: bytes) -> None:
            if self.discarding:
                self.head_bytes += len(data)
                if self.head_bytes > DRAIN_MIN_BYTES:
                    self.transport.close()
                return
            # Count what arrives while the request's head is still incomplete (h11 is waiting for it).
            self.head_bytes = self.head_bytes + len(data) if self.conn.their_state is h11.IDLE else 0
            super().data_received(data)

        def send_400_response(self, msg: str) -> None:
            if self.head_bytes <= HEAD_LIMIT_BYTES:
                return super().send_400_response(msg)
            body = json.dumps({"error": {"code": "header_too_large", "message":
                               f"the request line and headers are over the limit of {HEAD_LIMIT_BYTES:,} bytes"}})
            headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
            for event in (h11.Response(status_code=431, headers=headers, reason=b"Request Header Fields Too Large"),
                          h11.Data(data=body.encode()), h11.EndOfMessage()):
                self.transport.write(self.conn.send(event))
            # A lingering close: say we are done, read and drop the rest of the head for a while, then close.
            # Closing with unread bytes would reset the connection and lose the answer on the client's side.
            self.discarding = True
            if self.transport.can_write_eof():
                self.transport.write_eof()
            asyncio.get_event_loop().call_later(LINGER_SECONDS, self.transport.close)

    return Protocol


def serve(settings: ServeSettings, announce=None) -> int:
    """Bind, start the workers, serve until SIGTERM or Ctrl-C, then stop gracefully. Returns an exit code."""
    import socket

    import uvicorn

    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((settings.host, settings.port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {settings.host}:{settings.port}: {(exc.strerror or str(exc)).lower()}") from None
    sock.listen(2048)
    port = sock.getsockname()[1]
    app = build_app(settings)

    def ready():
        line = f"copydesk serve: listening on http://{settings.host}:{port} ({settings.workers} worker(s))"
        (announce or (lambda s: print(s, file=sys.stderr, flush=True)))(line)

    app.state.ready = ready
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", http=_protocol_class(),
                            h11_max_incomplete_event_size=HEAD_LIMIT_BYTES,
                            timeout_graceful_shutdown=int(max(5, settings.timeout + 5)),
                            timeout_keep_alive=5, server_header=False)
    server = uvicorn.Server(config)
    # uvicorn shuts down gracefully on SIGTERM, then re-raises the signal under the handler it found: make
    # that handler a clean exit, so a stopped service exits 0 instead of dying by the signal.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    server.run(sockets=[sock])
    return 0 if server.started else 2
