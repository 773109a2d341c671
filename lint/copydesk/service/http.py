"""The service's shared HTTP pieces: the loopback names, the JSON error every refusal answers with, and what an
origin is. Nothing here imports the rest of copydesk, so config validation can use it too."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None):
    from starlette.responses import JSONResponse

    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def normalise_origin(value: str) -> str:
    """An origin as browsers send it ("scheme://host[:port]", no path, default port dropped), or ValueError."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") or parts.query:
        raise ValueError(f"{value!r} is not an origin (scheme://host[:port], e.g. https://cms.example.org)")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default else ""
    return f"{parts.scheme}://{host}{port}"
