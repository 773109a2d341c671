"""The service's OpenAPI 3.1 description, served at /openapi.json and kept next to the routes it describes."""

from __future__ import annotations

from typing import Any


def _error(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def openapi(settings) -> dict[str, Any]:
    from copydesk.version import __version__

    secured = [{"bearer": []}] if settings.token else []
    check_request = {
        "type": "object", "required": ["text"], "additionalProperties": False,
        "properties": {
            "text": {"type": "string", "description": "the draft"},
            "path": {"type": "string", "default": "draft.txt", "maxLength": 1000,
                     "description": "a file name: picks the reader by its suffix and appears in findings; "
                                    "never read from the server's disk"},
            "format": {"type": "string", "enum": ["md", "markdown", "txt", "text", "html", "htm"],
                       "description": "the reader, overriding the name's suffix"},
            "select": {"type": "array", "items": {"type": "string"}, "description": "only these rules"},
            "ignore": {"type": "array", "items": {"type": "string"}, "description": "skip these rules"},
            "fail_on": {"type": "string", "enum": ["error", "warning", "info", "never"],
                        "description": "the level that sets summary.failed (default: the config's fail-on)"},
            "profile": {"type": "string", "default": "default",
                        "description": "a config the server offers by name (--profile NAME=FILE)"},
        },
    }

    def action(summary: str, extra: dict[str, Any], required: list[str], answer: str) -> dict[str, Any]:
        """A desk action: the check request plus its own fields; the text is re-checked before acting."""
        schema = {**check_request, "required": ["text", *required],
                  "properties": {**check_request["properties"], **extra}}
        return {"post": {"summary": summary, "security": secured,
                         "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                         "responses": {"200": {"description": answer},
                                       "400": _error("invalid JSON, UTF-8 or fields"),
                                       "401": _error("no or wrong bearer token"),
                                       "403": _error("an origin not on the allow-list"),
                                       "409": _error("stale_finding: no such finding in this text; no_fix"),
                                       "413": _error("the body is too large"), "504": _error("the check took too long")}}}

    fingerprint = {"fingerprint": {"type": "string", "description": "the finding's, from the report"}}
    limits = (f"Limits: body {settings.max_body_bytes:,} bytes (413), body sent within {settings.body_timeout:g} s "
              f"(408), a check within {settings.timeout:g} s (504), {settings.workers} checks at once and "
              f"{settings.max_queue} waiting (503 with Retry-After).")
    return {
        "openapi": "3.1.0",
        "info": {"title": "copydesk", "version": __version__,
                 "description": "An editorial quality linter for news drafts, as a service. " + limits},
        "paths": {
            "/v1/check": {"post": {
                "summary": "Check one draft",
                "security": secured,
                "requestBody": {"required": True,
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CheckRequest"}}}},
                "responses": {
                    "200": {"description": "The JSON report, version 1, as `copydesk check --format json` "
                                           "(docs/json-report.md), with one file",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}},
                    "400": _error("invalid JSON, UTF-8 or fields"), "401": _error("no or wrong bearer token"),
                    "408": _error("the body arrived too slowly"), "413": _error("the body is too large"),
                    "503": _error("every worker busy and the queue full; retry after Retry-After seconds"),
                    "504": _error("the check took too long"), "500": _error("internal error"),
                }}},
            "/v1/rules": {"get": {"summary": "Every rule", "security": secured,
                                  "responses": {"200": {"description": "{version, rules: [{code, name, category, "
                                                                      "severity, status, kind}]}"}}}},
            "/v1/rules/{code}": {"get": {
                "summary": "One rule, explained", "security": secured,
                "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
                                "description": "a rule code or name"}],
                "responses": {"200": {"description": "the rule and its explanation (Markdown)"},
                              "404": _error("no such rule")}}},
            "/v1/fix": action("Apply one finding's safe fix, or every one with \"all\": true (as --fix)",
                              {**fingerprint, "all": {"type": "boolean"}}, [], "{text, applied}"),
            "/v1/silence": action("Insert the directive that silences one finding", fingerprint, ["fingerprint"],
                                  "{text}"),
            "/v1/verdicts": action("Record a verdict on one finding in the server's verdicts file",
                                   {**fingerprint, "verdict": {"enum": ["right", "wrong", "unsure"]},
                                    "reason": {"type": "string"}}, ["fingerprint", "verdict"],
                                   "{recorded: the verdict line, file}"),
            "/v1/report.html": action("The HTML report of the text", {}, [], "text/html"),
            "/v1/desk/config": {"get": {"summary": "What the desk needs: profiles, limits", "security": secured,
                                        "responses": {"200": {"description": "{version, profiles: [{name, fail_on}], "
                                                                             "max_body_bytes, timeout, token_required}"}}}},
            "/": {"get": {"summary": "The desk page (docs/desk.md)", "security": [],
                          "responses": {"200": {"description": "text/html"}}}},
            "/v1/desk.js": {"get": {"summary": "The desk's embed for a CMS page", "security": [],
                                    "responses": {"200": {"description": "text/javascript"}}}},
            "/healthz": {"get": {"summary": "Liveness: workers up", "security": [],
                                 "responses": {"200": {"description": "workers ready"},
                                               "503": {"description": "workers starting"}}}},
        },
        "components": {
            "schemas": {
                "CheckRequest": check_request,
                "Report": {"type": "object", "required": ["version", "tool", "files", "summary"],
                           "properties": {"version": {"const": 1}, "tool": {"type": "object"},
                                          "files": {"type": "array"}, "summary": {"type": "object"}}},
                "Error": {"type": "object", "required": ["error"],
                          "properties": {"error": {"type": "object", "required": ["code", "message"],
                                                   "properties": {"code": {"type": "string"},
                                                                  "message": {"type": "string"}}}}},
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
