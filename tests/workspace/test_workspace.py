"""The workspace against a real aiohttp server on loopback and a real SQLite lead store / tracker store:
the funnel counts from seeded conversations, every route refused without a session (walked over the route
table), login, CSRF, rate limit, status change, transcript as text, CSV guard, deletion."""
from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import re
import threading
from typing import Any

import pytest
import requests
from aiohttp import web

from config import get_settings
from leads.repository import LeadRepository
from tests.support.storage import CONSENT_AT, TrackerEvents
from tooling.net import free_port
from workspace.app import PUBLIC, Workspace
from workspace.funnel import compute_funnel
from workspace.password import hash_password

UTC = dt.timezone.utc
PASSWORD = "richtig-langes-passwort"
DAY = dt.datetime(2026, 11, 20, tzinfo=UTC)


def _event(events: TrackerEvents, sender: str, kind: str, stamp: float, **data: Any) -> None:
    with events.engine.begin() as conn:
        conn.execute(events.table.insert(), [{"sender_id": sender, "type_name": kind, "timestamp": stamp,
                                              "data": json.dumps({"event": kind, **data})}])


def _conversation(events: TrackerEvents, sender: str, start: dt.datetime, *, channel: str = "rest",
                  qualified: bool = False, recommendation: str | None = None, consent: bool = False,
                  text: str = "Hallo") -> None:
    t = start.timestamp()
    _event(events, sender, "user", t, text=text, input_channel=channel)
    _event(events, sender, "bot", t + 1, text="Guten Tag! Wie kann ich helfen?")
    if qualified:
        _event(events, sender, "active_loop", t + 2, name="qualification_form")
        _event(events, sender, "active_loop", t + 3, name=None)
    if recommendation:
        _event(events, sender, "slot", t + 4, name="recommendation", value=recommendation)
    if consent:
        _event(events, sender, "slot", t + 5, name="consent", value=True)


def _lead(repo: LeadRepository, sender: str, **overrides: Any) -> Any:
    kwargs = dict(channel="rest", contact={"name": "Erika Mustermann", "company": "Muster GmbH",
                                           "email": f"{sender}@muster.de"},
                  criteria={"participants": 4}, recommendation="workshop", phase="strategy",
                  reasons=["Zu viert aus mehreren Bereichen."], open_questions=["Was kostet das?"],
                  consent_at=CONSENT_AT, consent_version="2026-11-v1")
    kwargs.update(overrides)
    return repo.save_lead(sender, **kwargs)


@pytest.fixture
def store(tmp_path):
    settings = dataclasses.replace(get_settings(), var_dir=tmp_path / "var", database_url="", tracker_store_url="",
                                   smtp_host="", crm_webhook_url="", workspace_password_hash=hash_password(PASSWORD),
                                   workspace_secure_cookies=False, workspace_session_secret="",
                                   workspace_login_attempts=3)
    repo = LeadRepository(settings=settings)
    events = TrackerEvents(settings.tracker_store_database_url).create()
    yield settings, repo, events
    events.dispose()
    repo.close()


def test_funnel_counts_seeded_conversations_exactly(store):
    _, repo, events = store
    _conversation(events, "a", DAY, qualified=True, recommendation="workshop", consent=True)
    _conversation(events, "b", DAY + dt.timedelta(hours=2), channel="socketio", qualified=True,
                  recommendation="seminar", consent=True)
    _conversation(events, "c", DAY + dt.timedelta(hours=3), channel="socketio", qualified=True,
                  recommendation="undecided")
    _conversation(events, "d", DAY + dt.timedelta(hours=4), channel="telegram")
    _conversation(events, "old", DAY - dt.timedelta(days=3), qualified=True, recommendation="workshop", consent=True)
    a, b = _lead(repo, "a"), _lead(repo, "b", recommendation="seminar")
    _lead(repo, "old")
    repo.set_status(a.id, "Termin")
    repo.set_status(b.id, "kontaktiert")
    with repo.transaction() as s:
        from sqlalchemy import select

        from leads.models import Lead
        rows = s.execute(select(Lead.conversation_id, Lead.status)).all()
    funnel = compute_funnel(events.engine, rows, DAY, DAY + dt.timedelta(days=1))
    assert (funnel.started, funnel.qualified, funnel.consent, funnel.leads, funnel.contacted, funnel.booked) == \
        (4, 3, 2, 2, 2, 1)
    assert funnel.recommendations == {"seminar": 1, "workshop": 1, "undecided": 1}
    assert funnel.channels == {"socketio": 2, "rest": 1, "telegram": 1}


class Server:
    def __init__(self, workspace: Workspace) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(workspace.app())
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)
            self.loop.run_until_complete(self.runner.setup())
            self.loop.run_until_complete(web.TCPSite(self.runner, "127.0.0.1", self.port).start())
            ready.set()
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        ready.wait(10)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


@pytest.fixture
def server(store):
    settings, repo, _ = store
    workspace = Workspace(settings, repo)
    srv = Server(workspace)
    srv.workspace = workspace
    yield srv
    srv.stop()


def _login(server: Server, password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    response = session.post(server.url + "/login", data={"password": password}, allow_redirects=False)
    assert response.status_code == 302, response.text
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    return session


def _csrf(session: requests.Session, url: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', session.get(url).text).group(1)


def test_every_route_refuses_requests_without_a_session(server, store):
    _, repo, _ = store
    lead = _lead(repo, "a")
    routes = server.workspace.routes()
    assert len(routes) >= 10
    for method, path, _handler in routes:
        if (method, path) in PUBLIC:
            continue
        url = server.url + path.replace("{id}", str(lead.id))
        response = requests.request(method, url, data={"status": "verloren"}, allow_redirects=False,
                                    cookies={"ws_session": "1.forged.mac"})
        assert response.status_code in (302, 401), (method, path, response.status_code)
        if method == "GET":
            assert response.headers["Location"] == "/login"
    assert repo.get(lead.id).status == "neu"


def test_login_rate_limit_and_secure_flag(server, store):
    for _ in range(3):
        assert requests.post(server.url + "/login", data={"password": "falsch"}).status_code == 401
    response = requests.post(server.url + "/login", data={"password": PASSWORD}, allow_redirects=False)
    assert response.status_code == 429


def test_lead_page_status_csrf_csv_and_delete(server, store):
    _, repo, events = store
    lead = _lead(repo, "a", contact={"name": "=HYPERLINK(1)", "company": "<b>Firma</b>", "email": "a@muster.de"})
    _conversation(events, "a", DAY, text="<script>alert(1)</script>")
    session = _login(server)
    page = session.get(f"{server.url}/leads/{lead.id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>" not in page
    assert "&lt;b&gt;Firma&lt;/b&gt;" in page and "Was kostet das?" in page and "Zu viert" in page
    assert re.search(r"Punkte Seminar : Workshop = <span class=\"score\">\d+ : \d+</span>", page)
    # a POST without the session's CSRF token changes nothing
    assert session.post(f"{server.url}/leads/{lead.id}/status", data={"status": "Termin"}).status_code == 403
    assert repo.get(lead.id).status == "neu"
    token = _csrf(session, f"{server.url}/leads/{lead.id}")
    assert session.post(f"{server.url}/leads/{lead.id}/status",
                        data={"status": "Termin", "csrf": token}).status_code == 200
    assert repo.get(lead.id).status == "Termin"
    assert "Termin" in session.get(server.url + "/?status=Termin").text
    assert "Keine Leads" in session.get(server.url + "/?status=neu").text
    csv_text = session.get(server.url + "/leads.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv_text
    session.post(f"{server.url}/leads/{lead.id}/delete", data={"csrf": token})
    assert repo.get(lead.id) is None and events.count("a") == 0
