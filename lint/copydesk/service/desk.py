"""The desk in `copydesk serve`: the editors' page and its assets, the embed script for a CMS, the endpoints the
desk acts through (fix, silence, verdicts, HTML report), and the origin rule that keeps other web pages out.

Who may call what (docs/desk.md):
  - the page, its assets and /v1/desk.js are static and hold no data: no token, served to any origin's
    <script> or <link>; a cross-origin *module* fetch (the embed's own code) needs the origin on the allow-list;
  - every /v1 endpoint answers a request from another origin only when that origin is on the allow-list
    (`--allow-origin`, config `desk-origins`), and then only with the bearer token; any other web page the
    editor has open gets 403, so it cannot check, judge or read drafts through a loopback server;
  - a tokenless loopback server answers a browser's request only when its Host is a loopback name, so a
    DNS-rebound page cannot pose as the server's own origin.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from copydesk.service.http import LOOPBACK, error_response, normalise_origin

ASSETS = Path(__file__).resolve().parent.parent / "desk"
ASSET_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
# The desk page runs only its own files: no inline script, no inline style sheet, no third-party anything.
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "Cache-Control": "no-cache"}
CORS_ALLOW_HEADERS = "Authorization, Content-Type"
CORS_MAX_AGE = "600"


def asset(name: str):
    """A packaged desk file by its bare name (nothing outside the folder), with its content type; or None."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    path = ASSETS / name
    kind = ASSET_TYPES.get(path.suffix)
    if kind is None or not path.is_file():
        return None
    return path.read_bytes(), kind


class OriginPolicy:
    """Plain ASGI in front of the token check: a loopback server only answers loopback Host names; a request
    carrying an Origin that is not the server's own is answered only for allow-listed origins (with CORS
    headers, and preflights), and with 403 otherwise."""

    def __init__(self, app, allowed: set[str], loopback_only: bool, static_paths):
        """loopback_only: the server is bound to loopback without a token."""
        self.app = app
        self.allowed = allowed
        self.loopback_only = loopback_only
        self.static_paths = static_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1")
        hostname = urlsplit(f"//{host}").hostname or ""
        # DNS rebinding: a page on attacker.example made to resolve to 127.0.0.1 is "same-origin" with a tokenless
        # loopback server. Browsers say who they are (Origin, Sec-Fetch-Site); such a request must name a
        # loopback host. A server with a token needs no such check: the page does not have the token.
        from_browser = b"origin" in headers or b"sec-fetch-site" in headers
        if self.loopback_only and from_browser and hostname not in LOOPBACK:
            response = error_response(403, "host_not_allowed", "this server answers only to a loopback address "
                                                               "(127.0.0.1, localhost or ::1)")
            await response(scope, receive, send)
            return
        origin = headers.get(b"origin", b"").decode("latin-1")
        scheme = scope.get("scheme", "http")
        own = f"{scheme}://{host}"
        path = scope.get("path", "")
        if not origin or _same(origin, own):
            await self.app(scope, receive, send)
            return
        listed = _listed(origin, self.allowed)
        static = self.static_paths(path)
        if static and scope["method"] == "GET" and not path.endswith(".js"):
            await self.app(scope, receive, send)  # a style sheet or page: no data in it
            return
        if not listed:
            response = error_response(403, "origin_not_allowed",
                                      f"requests from {origin[:200]} are not allowed: add the origin to the server's "
                                      f"allow-list (--allow-origin or desk-origins in its config)")
            await response(scope, receive, send)
            return
        cors = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
        if scope["method"] == "OPTIONS":
            from starlette.responses import Response

            response = Response(status_code=204, headers={
                "Access-Control-Allow-Origin": origin, "Vary": "Origin",
                "Access-Control-Allow-Methods": "GET, POST", "Access-Control-Allow-Headers": CORS_ALLOW_HEADERS,
                "Access-Control-Max-Age": CORS_MAX_AGE})
            await response(scope, receive, send)
            return

        async def send_with_cors(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *cors]}
            await send(message)

        await self.app(scope, receive, send_with_cors)


def _same(origin: str, own: str) -> bool:
    try:
        return normalise_origin(origin) == normalise_origin(own)
    except ValueError:
        return False


def _listed(origin: str, allowed: set[str]) -> bool:
    try:
        return normalise_origin(origin) in allowed
    except ValueError:  # "null" (a sandboxed frame, a file:// page) and anything malformed
        return False
