"""CORS on the real Rasa server (started with ``--cors <page origin>``): the demo page's origin is the only
one a browser is allowed to read answers for, on the REST channel and on socket.io's HTTP transport."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.support.chat import open_session

OTHER_ORIGINS = ["http://evil.example", "http://localhost:1", "null", "https://localhost"]


def request(url: str, origin: str, method: str = "GET", body: dict | None = None, headers: dict | None = None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Origin": origin, "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


def rest(assistant, origin: str):
    return request(f"{assistant.rasa_url}/webhooks/rest/webhook", origin, "POST",
                   {"sender": open_session(assistant.rasa_url), "message": "Hallo"})


def test_page_origin_is_allowed(assistant):
    origin = assistant.stack.settings.web_origin_url
    assert origin == assistant.web_url
    status, headers = rest(assistant, origin)
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == origin
    status, headers = request(f"{assistant.rasa_url}/socket.io/?EIO=4&transport=polling", origin)
    assert status == 200 and headers.get("Access-Control-Allow-Origin") == origin


@pytest.mark.parametrize("origin", OTHER_ORIGINS)
def test_other_origin_gets_no_allow_origin(assistant, origin):
    for status, headers in (
        rest(assistant, origin),
        request(f"{assistant.rasa_url}/webhooks/rest/webhook", origin, "OPTIONS",
                headers={"Access-Control-Request-Method": "POST"}),
        request(f"{assistant.rasa_url}/socket.io/?EIO=4&transport=polling", origin),
    ):
        allowed = headers.get("Access-Control-Allow-Origin")
        assert allowed not in (origin, "*"), (status, dict(headers))
