"""The files of deploy/: the example configuration, nginx.conf, the systemd units and the helper scripts.

The last test puts nginx with deploy/nginx.conf in front of the two replicas of the production fixture and
talks through it like a browser, Messenger and an internal client would (skipped when nginx is not
installed: Debian's `nginx-light` or `nginx`).
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from config import get_settings
from tests.support import ROOT
from tests.support.production import PAGE_ORIGIN, NginxProxy, load_deploy_module
from tests.support.storage import TrackerEvents
from tooling import runtime_config
from tooling.webserver import content_security_policy

DEPLOY = ROOT / "deploy"
SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN")


def settings_variables() -> set[str]:
    source = (ROOT / "config.py").read_text()
    return set(re.findall(r'_(?:env|int)\("([A-Z][A-Z0-9_]*)"', source))


def example_lines() -> dict[str, tuple[str, bool]]:
    """NAME -> (value, enabled) of deploy/production.env.example ("#NAME=value" is a disabled line)."""
    found = {}
    for line in (DEPLOY / "production.env.example").read_text().splitlines():
        m = re.match(r"^(#?)([A-Z][A-Z0-9_]*)=(.*)$", line)
        if m:
            value = m.group(3)
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            found[m.group(2)] = (value, not m.group(1))
    return found


# --------------------------------------------------------------------------- production.env.example


def test_env_example_documents_every_setting():
    documented = example_lines()
    assert len(settings_variables()) > 30
    assert sorted(settings_variables() - documented.keys()) == []


def test_env_example_has_placeholders_not_secrets():
    raw = (DEPLOY / "production.env.example").read_text()
    for name, (value, _) in example_lines().items():
        assert value == value.strip() and "'" not in value and '"' not in value, f"{name}: KEY=value"
        if " " in value:  # the shell must read it as one value, like systemd does
            assert f'{name}="{value}"' in raw, f"{name}: a value with spaces needs double quotes"
        if any(word in name for word in SECRET_WORDS) and name not in ("TELEGRAM_VERIFY",):
            assert "CHANGE-ME" in value, f"{name} must be a placeholder"
    for name in ("DATABASE_URL", "TRACKER_STORE_URL", "LOCK_STORE_URL"):
        assert "CHANGE-ME" in example_lines()[name][0], f"{name}: the password is a placeholder"


def test_env_example_renders_the_production_endpoints(monkeypatch):
    for name, (value, enabled) in example_lines().items():
        if enabled:
            monkeypatch.setenv(name, value)
        else:
            monkeypatch.delenv(name, raising=False)
    settings = get_settings()
    endpoints = runtime_config.endpoints(settings)
    tracker = endpoints["tracker_store"]
    assert (tracker["dialect"], tracker["db"], tracker["username"]) == (
        "postgresql", "rasa_tracker", "assistant_tracker")
    assert endpoints["lock_store"]["type"] == "redis" and endpoints["lock_store"]["db"] == 0
    assert endpoints["action_endpoint"]["url"] == "http://127.0.0.1:5050/webhook"
    token = example_lines()["ACTION_SERVER_TOKEN"][0]
    assert endpoints["action_endpoint"]["headers"] == {"Authorization": f"Bearer {token}"}
    assert settings.leads_database_url.startswith("postgresql://assistant_leads:")
    assert settings.web_origin_url == settings.rasa_public_url == PAGE_ORIGIN
    # the messenger channels stay off until their lines are enabled
    assert set(runtime_config.credentials(settings)) == {runtime_config.REST_CHANNEL, runtime_config.SOCKETIO_CHANNEL}


# --------------------------------------------------------------------------- nginx.conf (static)


def test_nginx_conf_allows_the_page_origin_and_its_csp():
    conf = (DEPLOY / "nginx.conf").read_text()
    origins = re.findall(r'^\s*"(https://[^"]+)"\s+1;', conf, re.M)
    assert origins == [example_lines()["WEB_ORIGIN"][0]]
    csp = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', conf).group(1)
    assert csp == content_security_policy(origins[0]), "nginx.conf's CSP differs from tooling/webserver.py's"
    assert "ip_hash;" in conf.split("upstream assistant_rasa_socketio", 1)[1].split("}", 1)[0]


# --------------------------------------------------------------------------- systemd units


def test_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed")
    units = sorted((DEPLOY / "systemd").iterdir())
    assert {u.name for u in units} >= {"rasa@.service", "actions.service", "leads-flush.service",
                                       "leads-flush.timer", "leads-retention.service", "leads-retention.timer"}
    for unit in units:  # the checkout is at /opt/social-media-assistant in production, here at ROOT
        text = unit.read_text().replace("/opt/social-media-assistant", str(ROOT))
        (tmp_path / unit.name).write_text(text)
    (tmp_path / "rasa@5005.service").write_text((tmp_path / "rasa@.service").read_text())
    names = [str(tmp_path / u.name) for u in units if u.name != "rasa@.service"] + [str(tmp_path / "rasa@5005.service")]
    result = subprocess.run([analyze, "verify", "--man=no", *names], capture_output=True, text=True, timeout=60,
                            cwd=tmp_path)
    output = (result.stdout + result.stderr).strip()
    assert result.returncode == 0 and output == "", output


# --------------------------------------------------------------------------- helper scripts


def test_purge_conversations_erases_only_inactive_conversations(tmp_path):
    purge = load_deploy_module("purge_conversations")
    url = f"sqlite:///{tmp_path / 'rasa.db'}"
    events = TrackerEvents(url).create()
    now = time.time()
    events.add("old", count=3, timestamp=now - 200 * 86400)
    events.add("active", count=2, timestamp=now - 200 * 86400)
    events.add("active", count=1, timestamp=now - 3600)  # still talking: nothing of it may go
    events.add("new", count=2, timestamp=now)
    try:
        assert purge.purge_conversations(url, 180, dry_run=True) == 1
        assert events.count("old") == 3
        assert purge.purge_conversations(url, 180) == 1
        assert (events.count("old"), events.count("active"), events.count("new")) == (0, 3, 2)
        assert purge.purge_conversations(f"sqlite:///{tmp_path / 'missing.db'}", 180) == 0
        assert not (tmp_path / "missing.db").exists()
    finally:
        events.dispose()


def test_wait_ready_times_out_on_a_closed_port():
    wait_ready = load_deploy_module("wait_ready")
    from tooling.net import free_port

    started = time.monotonic()
    assert wait_ready.main([f"http://127.0.0.1:{free_port()}/", "1"]) == 1
    assert time.monotonic() - started < 10


# --------------------------------------------------------------------------- nginx in front of the replicas


@pytest.fixture(scope="module")
def proxy(production, tmp_path_factory):
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.skip("nginx not installed (Debian: apt-get install nginx-light): deploy/nginx.conf not exercised")
    nginx = NginxProxy(production, tmp_path_factory.mktemp("nginx"))
    nginx.prepare()
    checked = nginx.check()
    assert checked.returncode == 0, f"nginx -t:\n{checked.stderr}"
    nginx.start()
    yield nginx
    nginx.stop()


def _tls() -> ssl.SSLContext:
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # a self-signed certificate; TLS itself is not what is tested here
    return ctx


class Https:
    """One keep-alive HTTPS connection to the proxy, as www.example.de."""

    def __init__(self, proxy: NginxProxy) -> None:
        self.conn = http.client.HTTPSConnection("127.0.0.1", proxy.https_port, context=_tls(), timeout=70)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        self.conn.request(method, path, body=body, headers={"Host": "www.example.de", **(headers or {})})
        response = self.conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()

    def close(self) -> None:
        self.conn.close()


def websocket_upgrade_status(proxy: NginxProxy, origin: str | None) -> int:
    raw = socket.create_connection(("127.0.0.1", proxy.https_port), timeout=10)
    with _tls().wrap_socket(raw, server_hostname="www.example.de") as s:
        key = base64.b64encode(os.urandom(16)).decode()
        lines = ["GET /socket.io/?EIO=4&transport=websocket HTTP/1.1", "Host: www.example.de",
                 "Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}",
                 "Sec-WebSocket-Version: 13"]
        if origin is not None:
            lines.append(f"Origin: {origin}")
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status_line = s.recv(4096).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def engineio_packets(body: bytes) -> list[str]:
    return [p for p in body.decode("utf-8").split("\x1e") if p]


def test_nginx_in_front_of_the_replicas(proxy, production):
    client = Https(proxy)
    try:
        # the page, with the generated config and the widget, and the security headers
        status, headers, body = client.request("GET", "/")
        assert status == 200 and b'<script src="/config.js">' in body
        assert headers["Content-Security-Policy"] == content_security_policy(PAGE_ORIGIN)
        assert "max-age" in headers["Strict-Transport-Security"]
        status, _, body = client.request("GET", "/config.js")
        assert status == 200 and json.dumps({"socketUrl": PAGE_ORIGIN}).encode() in body
        status, _, body = client.request("GET", "/vendor/webchat.js")
        assert status == 200 and len(body) > 100_000 and b"fonts.googleapis.com" not in body

        # the widget's protocol over long-polling: every request must reach the replica holding the session
        # (ip_hash); without stickiness the polls would alternate between the replicas and fail
        base = "/socket.io/?EIO=4&transport=polling"
        browser = {"Origin": PAGE_ORIGIN}
        status, _, body = client.request("GET", base, headers=browser)
        assert status == 200 and body.startswith(b"0{")
        sid = json.loads(body[1:])["sid"]
        polling = f"{base}&sid={sid}"
        session = f"proxy-{uuid.uuid4().hex[:12]}"

        def post(packet: str) -> None:
            st, _, answer = client.request("POST", polling, body=packet.encode(), headers={
                **browser, "Content-Type": "text/plain;charset=UTF-8"})
            assert (st, answer.lower()) == (200, b"ok"), (st, answer)

        def poll_until(predicate, timeout: float = 60.0) -> list[str]:
            seen: list[str] = []
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                st, _, answer = client.request("GET", polling, headers=browser)
                assert st == 200, (st, answer)
                for packet in engineio_packets(answer):
                    if packet == "2":  # engine.io ping
                        post("3")
                    seen.append(packet)
                if predicate(seen):
                    return seen
            raise AssertionError(f"not received through the proxy: {seen}")

        post("40")
        poll_until(lambda seen: any(p.startswith("40") for p in seen))
        post("42" + json.dumps(["session_request", {"session_id": session}]))
        poll_until(lambda seen: any("session_confirm" in p for p in seen))
        post("42" + json.dumps(["user_uttered", {"message": "/greet", "session_id": session}]))
        replies = poll_until(lambda seen: any("bot_uttered" in p and "Assistent" in p for p in seen))
        assert any("bot_uttered" in p for p in replies)
        post("42" + json.dumps(["user_uttered", {"message": "Welches Format passt zu uns?",
                                                 "session_id": session}]))
        poll_until(lambda seen: any("Wie viele Personen" in p for p in seen))

        # REST from an internal address (loopback) is let through, other Rasa routes are not
        status, _, body = client.request("POST", "/webhooks/rest/session", body=b"")
        assert status == 200, body
        status, _, body = client.request("POST", "/webhooks/rest/webhook", body=json.dumps(
            {"sender": json.loads(body)["session"], "message": "Hallo"}).encode(),
            headers={"Content-Type": "application/json"})
        assert status == 200 and "Assistent" in body.decode()
        assert client.request("GET", "/webhooks/socketio/")[0] == 404
        assert client.request("GET", "/conversations/x/tracker")[0] == 404
    finally:
        client.close()

    # WebSocket upgrades only from the page's origin
    assert websocket_upgrade_status(proxy, "https://evil.example.com") == 403
    assert websocket_upgrade_status(proxy, None) == 403
    assert websocket_upgrade_status(proxy, PAGE_ORIGIN) == 101

    # plain HTTP is redirected to HTTPS
    plain = http.client.HTTPConnection("127.0.0.1", proxy.http_port, timeout=10)
    plain.request("GET", "/datenschutz.html", headers={"Host": "www.example.de"})
    response = plain.getresponse()
    assert response.status == 301 and response.getheader("Location") == "https://www.example.de/datenschutz.html"
    plain.close()

    # the internal balancer reaches the action server
    internal = http.client.HTTPConnection("127.0.0.1", proxy.internal_port, timeout=10)
    internal.request("GET", "/health")
    assert internal.getresponse().status == 200
    internal.close()

    # the webhook paths are rate limited (10 r/s, burst 20, per client address)
    client = Https(proxy)
    try:
        statuses = [client.request("GET", "/webhooks/telegram/")[0] for _ in range(40)]
    finally:
        client.close()
    assert 429 in statuses and statuses[0] != 429, statuses
