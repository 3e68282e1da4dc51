"""The workspace web app (aiohttp + Jinja2 with autoescape): routes, login, sessions, CSRF.

Usage: python -m workspace.app --port 8081
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import io
import json
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, or_, select

from advisor.recommendation import Criteria, recommend
from config import Settings, get_settings, workspace_session_secret
from leads.briefing import VARIANT_SHORT_DE, build_brief, criterion_text
from leads.cli import _write_csv
from leads.db import open_existing
from leads.models import LEAD_STATUSES, Lead
from leads.repository import LeadRepository
from workspace.funnel import EVENTS, compute_funnel, funnel_svg

TEMPLATES = Path(__file__).resolve().parent / "templates"
COOKIE = "ws_session"
PAGE_SIZE = 25
LOGIN_WINDOW_S = 15 * 60
UTC = dt.timezone.utc

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
#: routes that need no session (everything else redirects to the login or answers 401/403)
PUBLIC = {("GET", "/login"), ("POST", "/login")}


class LoginLimiter:
    """Failed logins per client address in a sliding window; over the limit, logins are refused."""

    def __init__(self, attempts: int, window: float = LOGIN_WINDOW_S) -> None:
        self.attempts, self.window = attempts, window
        self.failures: dict[str, deque[float]] = defaultdict(deque)

    def blocked(self, client: str) -> bool:
        queue = self.failures[client]
        now = time.monotonic()
        while queue and queue[0] < now - self.window:
            queue.popleft()
        return self.attempts > 0 and len(queue) >= self.attempts

    def failed(self, client: str) -> None:
        self.failures[client].append(time.monotonic())


class Sessions:
    """Stateless signed session cookies: ``expiry.nonce.mac``; the CSRF token is derived from the nonce."""

    def __init__(self, secret: str, hours: int) -> None:
        self.key = secret.encode()
        self.lifetime = hours * 3600

    def _mac(self, message: str) -> str:
        return base64.urlsafe_b64encode(hmac.new(self.key, message.encode(), hashlib.sha256).digest()).decode()

    def issue(self) -> str:
        body = f"{int(time.time()) + self.lifetime}.{secrets.token_urlsafe(16)}"
        return f"{body}.{self._mac(body)}"

    def nonce(self, cookie: str | None) -> str | None:
        """The session's nonce if the cookie is valid and not expired."""
        try:
            expiry, nonce, mac = (cookie or "").split(".")
            valid = hmac.compare_digest(mac, self._mac(f"{expiry}.{nonce}")) and int(expiry) > time.time()
        except ValueError:
            return None
        return nonce if valid else None

    def csrf(self, nonce: str) -> str:
        return self._mac("csrf:" + nonce)


def _client(request: web.Request) -> str:
    return request.remote or "?"


def assessment(lead: Lead) -> tuple[str, Any]:
    """The variant (German, short) and the seminar : workshop score, as the brief computes them."""
    result = recommend(Criteria.from_slots(lead.criteria or {}))
    return VARIANT_SHORT_DE.get(result.variant, result.variant), result.score


def _parse_day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


class Workspace:
    def __init__(self, settings: Settings, repo: LeadRepository | None = None) -> None:
        if not settings.workspace_password_hash:
            raise SystemExit("WORKSPACE_PASSWORD_HASH is not set (python -m workspace.password); "
                             "the run command generates a one-time password")
        self.settings = settings
        self.repo = repo or LeadRepository(settings=settings)
        self.hasher = PasswordHasher()
        self.sessions = Sessions(workspace_session_secret(settings), settings.workspace_session_hours)
        self.limiter = LoginLimiter(settings.workspace_login_attempts)
        self.jinja = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
        self._events_engine: Any = None

    # ------------------------------------------------------------------ plumbing
    def events_engine(self) -> Any:
        if self._events_engine is None:
            self._events_engine = open_existing(self.repo.tracker_store_url)
        return self._events_engine

    def render(self, request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
        nonce = request.get("nonce")
        context.setdefault("csrf", self.sessions.csrf(nonce) if nonce else "")
        html = self.jinja.get_template(name).render(statuses=LEAD_STATUSES, assessment=assessment, **context)
        return web.Response(text=html, content_type="text/html", status=status)

    @web.middleware
    async def guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        nonce = self.sessions.nonce(request.cookies.get(COOKIE))
        public = (request.method, request.path) in PUBLIC
        if nonce is None and not public:
            if request.method == "GET":
                raise web.HTTPFound("/login")
            raise web.HTTPUnauthorized(text="Bitte melden Sie sich an.")
        request["nonce"] = nonce
        if request.method == "POST" and not public:
            form = await request.post()
            if not hmac.compare_digest(str(form.get("csrf", "")), self.sessions.csrf(nonce)):
                raise web.HTTPForbidden(text="Ungültiges Formular (CSRF). Bitte laden Sie die Seite neu.")
        response = await handler(request)
        response.headers["Content-Security-Policy"] = ("default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                                       "img-src 'self' data:; form-action 'self'; "
                                                       "frame-ancestors 'none'")
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-store"
        return response

    # ------------------------------------------------------------------ login
    async def login_form(self, request: web.Request) -> web.Response:
        return self.render(request, "login.html", csrf="", error=None)

    async def login(self, request: web.Request) -> web.Response:
        client = _client(request)
        if self.limiter.blocked(client):
            return self.render(request, "login.html", status=429, csrf="",
                               error="Zu viele Fehlversuche. Bitte warten Sie 15 Minuten.")
        form = await request.post()
        try:
            ok = self.hasher.verify(self.settings.workspace_password_hash, str(form.get("password", "")))
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            self.limiter.failed(client)
            return self.render(request, "login.html", status=401, csrf="", error="Das Passwort stimmt nicht.")
        response = web.HTTPFound("/")
        response.set_cookie(COOKIE, self.sessions.issue(), httponly=True, samesite="Strict", path="/",
                            secure=self.settings.workspace_secure_cookies,
                            max_age=self.settings.workspace_session_hours * 3600)
        raise response

    async def logout(self, request: web.Request) -> web.Response:
        response = web.HTTPFound("/login")
        response.del_cookie(COOKIE, path="/")
        raise response

    # ------------------------------------------------------------------ leads
    def _filtered(self, request: web.Request) -> Any:
        stmt = select(Lead)
        status, fmt, query = (request.query.get(k, "") for k in ("status", "format", "q"))
        if status in LEAD_STATUSES:
            stmt = stmt.where(Lead.status == status)
        if fmt:
            stmt = stmt.where(Lead.recommendation == fmt)
        if query.strip():
            like = f"%{query.strip().lower()}%"
            stmt = stmt.where(or_(func.lower(Lead.name).like(like), func.lower(Lead.company).like(like),
                                  func.lower(Lead.email).like(like)))
        return stmt

    async def leads(self, request: web.Request) -> web.Response:
        page = max(1, int(request.query.get("page", "1") or 1)) if request.query.get("page", "1").isdigit() else 1
        stmt = self._filtered(request)
        with self.repo.transaction() as s:
            total = s.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
            rows = list(s.execute(stmt.order_by(Lead.created_at.desc(), Lead.id.desc())
                                  .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars())
        pages = max(1, -(-total // PAGE_SIZE))
        return self.render(request, "leads.html", leads=rows, total=total, page=page, pages=pages,
                           query=dict(request.query))

    async def export_csv(self, request: web.Request) -> web.Response:
        with self.repo.transaction() as s:
            rows = list(s.execute(self._filtered(request).order_by(Lead.created_at.desc(), Lead.id.desc())).scalars())
        buffer = io.StringIO()
        _write_csv(rows, buffer)  # the `leads export` writer: no cell starts a spreadsheet formula
        return web.Response(body=buffer.getvalue().encode("utf-8-sig"), content_type="text/csv", charset="utf-8",
                            headers={"Content-Disposition": 'attachment; filename="leads.csv"'})

    def _lead(self, request: web.Request) -> Lead:
        ident = request.match_info["id"]
        lead = self.repo.get(int(ident)) if ident.isdigit() else None
        if lead is None:
            raise web.HTTPNotFound(text="Diesen Lead gibt es nicht (mehr).")
        return lead

    def transcript(self, conversation_id: str) -> list[tuple[str, str, str]]:
        """(time, who, text) of the conversation's messages, read-only from the tracker store."""
        engine = self.events_engine()
        if engine is None:
            return []
        from sqlalchemy import inspect

        with engine.connect() as conn:
            if not inspect(conn).has_table("events"):
                return []
            rows = conn.execute(select(EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
                                .where(EVENTS.c.sender_id == conversation_id,
                                       EVENTS.c.type_name.in_(("user", "bot")))
                                .order_by(EVENTS.c.timestamp)).all()
        lines = []
        for kind, stamp, raw in rows:
            try:
                text = (json.loads(raw) or {}).get("text")
            except ValueError:
                text = None
            if text:
                when = dt.datetime.fromtimestamp(stamp or 0, UTC).strftime("%d.%m.%Y %H:%M:%S")
                lines.append((when, "Interessent" if kind == "user" else "Assistent", str(text)))
        return lines

    async def lead_page(self, request: web.Request) -> web.Response:
        lead = self._lead(request)
        subject, brief = build_brief(lead, earlier=self.repo.earlier_conversations(lead))
        answers = [criterion_text(k, v) for k, v in (lead.criteria or {}).items() if v not in (None, "", [])]
        return self.render(request, "lead.html", lead=lead, subject=subject, brief=brief, answers=answers,
                           transcript=self.transcript(lead.conversation_id), confirm=False)

    async def set_status(self, request: web.Request) -> web.Response:
        lead = self._lead(request)
        status = str((await request.post()).get("status", ""))
        if status not in LEAD_STATUSES:
            raise web.HTTPBadRequest(text="Unbekannter Status.")
        self.repo.set_status(lead.id, status)
        raise web.HTTPSeeOther(f"/leads/{lead.id}")

    async def delete_confirm(self, request: web.Request) -> web.Response:
        lead = self._lead(request)
        return self.render(request, "delete.html", lead=lead)

    async def delete(self, request: web.Request) -> web.Response:
        lead = self._lead(request)
        self.repo.delete_conversation(lead.conversation_id)  # the path of `leads delete --conversation`
        raise web.HTTPSeeOther("/")

    # ------------------------------------------------------------------ funnel
    async def funnel(self, request: web.Request) -> web.Response:
        today = dt.datetime.now(UTC).date()
        start = _parse_day(request.query.get("from"), today - dt.timedelta(days=30))
        end = _parse_day(request.query.get("to"), today)
        with self.repo.transaction() as s:
            rows = s.execute(select(Lead.conversation_id, Lead.status)).all()
        result = compute_funnel(self.events_engine(), rows,
                                dt.datetime.combine(start, dt.time(), UTC),
                                dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), UTC))
        return self.render(request, "funnel.html", funnel=result, svg=funnel_svg(result),
                           start=start.isoformat(), end=end.isoformat())

    # ------------------------------------------------------------------ app
    def routes(self) -> list[tuple[str, str, Handler]]:
        """The route table (the tests walk it: every route but the login refuses requests without a session)."""
        return [
            ("GET", "/login", self.login_form),
            ("POST", "/login", self.login),
            ("POST", "/logout", self.logout),
            ("GET", "/", self.leads),
            ("GET", "/leads.csv", self.export_csv),
            ("GET", "/leads/{id}", self.lead_page),
            ("POST", "/leads/{id}/status", self.set_status),
            ("GET", "/leads/{id}/delete", self.delete_confirm),
            ("POST", "/leads/{id}/delete", self.delete),
            ("GET", "/funnel", self.funnel),
        ]

    def app(self) -> web.Application:
        application = web.Application(middlewares=[self.guard], client_max_size=64 * 1024)
        for method, path, handler in self.routes():
            application.router.add_route(method, path, handler)
        return application


def main() -> int:
    parser = argparse.ArgumentParser(description="The consultant's workspace")
    settings = get_settings()
    parser.add_argument("--port", type=int, default=settings.workspace_port)
    parser.add_argument("--host", default=settings.host)
    args = parser.parse_args()
    web.run_app(Workspace(settings).app(), host=args.host, port=args.port, print=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
