"""The demo web server (tooling/webserver.py), in-process: German pages, the widget bundle served locally
without its outside font import, a Content-Security-Policy that allows only this origin and Rasa."""
from __future__ import annotations

import threading
import urllib.error
import urllib.request
from http.server import ThreadingHTTPServer

import pytest

from tooling import webserver

RASA_URL = "http://localhost:5999"


@pytest.fixture(scope="module")
def web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), webserver.make_handler(RASA_URL))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(url: str, method: str = "GET"):
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=10) as resp:
        return resp.status, resp.headers, resp.read()


def test_widget_bundle_is_installed_by_npm():
    assert webserver.WIDGET_BUNDLE.exists(), "run `npm ci` in web/ (scripts/setup.sh)"
    assert b"fonts.googleapis.com" in webserver.WIDGET_BUNDLE.read_bytes()  # what the bundle would fetch


def test_bundle_is_served_without_outside_imports(web):
    status, headers, body = get(f"{web}/vendor/webchat.js")
    assert status == 200 and headers["Content-Type"].startswith("application/javascript")
    assert len(body) > 500_000
    assert b"fonts.googleapis.com" not in body and b"@import url(http" not in body
    assert b"rw-conversation-container" in body  # the widget's own CSS is still there


def test_landing_page_is_german_and_loads_only_local_scripts(web):
    status, headers, body = get(f"{web}/")
    page = body.decode()
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert '<html lang="de">' in page
    for text in ("3-Phasen-Modell", "Informationsphase", "Strategiephase", "Operative Phase", "Seminar",
                 "Workshop", "Chat öffnen", "Impressum", 'href="/datenschutz.html"'):
        assert text in page
    assert "http://" not in page and "https://" not in page  # every resource from this origin
    assert "<script>" not in page  # no inline script: the CSP forbids it


def test_privacy_page_placeholder(web):
    status, _, body = get(f"{web}/datenschutz.html")
    page = body.decode()
    assert status == 200 and '<html lang="de">' in page and "Datenschutz" in page
    assert "Einwilligung" in page and "löschen" in page


def test_config_points_the_widget_at_rasa(web):
    _, _, body = get(f"{web}/config.js")
    assert RASA_URL in body.decode()
    _, _, script = get(f"{web}/js/chat.js")
    for option in ('initPayload: "/greet"', 'storage: "session"', "inputTextFieldHint", "subtitle"):
        assert option in script.decode()


def test_content_security_policy_allows_only_this_origin_and_rasa(web):
    _, headers, _ = get(f"{web}/")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert f"connect-src 'self' {RASA_URL} ws://localhost:5999" in csp
    assert "googleapis" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_head_and_missing_files(web):
    status, headers, body = get(f"{web}/vendor/webchat.js", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 500_000
    status, _, body = get(f"{web}/index.html", method="HEAD")
    assert status == 200 and body == b""
    for path in ("/nope.html", "/css/", "/../config.py"):
        with pytest.raises(urllib.error.HTTPError) as err:
            get(f"{web}{path}")
        assert err.value.code == 404


def test_a_null_byte_in_the_path_is_400_and_the_server_goes_on(web):
    import http.client
    from urllib.parse import urlsplit

    port = urlsplit(web).port
    for path in ("/index.html%00.js", "/%00"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path)
        assert conn.getresponse().status == 400
        conn.close()
    assert get(f"{web}/")[0] == 200


def test_idle_connections_are_closed_after_the_timeout(web):
    """30 silent connections do not hold 30 threads for ever: each is closed after the request timeout."""
    import socket
    from urllib.parse import urlsplit

    assert webserver.REQUEST_TIMEOUT_SECONDS <= 15
    port = urlsplit(web).port
    idle = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(30)]
    try:
        assert get(f"{web}/")[0] == 200  # served meanwhile
        for sock in idle:
            assert sock.recv(1) == b""  # closed by the server (our side would time out after 30 s and fail)
    finally:
        for sock in idle:
            sock.close()
