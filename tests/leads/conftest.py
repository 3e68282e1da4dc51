"""Shared fixtures of the storage suite: a real PostgreSQL server, a real SMTP server (aiosmtpd),
a real HTTP server standing in for the CRM webhook, and lead/settings factories.

PostgreSQL: ``PostgresServer`` runs ``initdb`` into a temporary folder and starts ``postgres`` on a
free loopback port with its unix socket in that folder. As root it runs as the ``postgres`` user
(PostgreSQL refuses root; the user is created with ``useradd`` if missing). Tests are skipped only
when the server binaries are missing; ``REQUIRE_POSTGRES=1`` turns that skip into a failure.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import glob
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from config import Settings, get_settings

PG_USER = "postgres"


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- PostgreSQL


def find_pg_bindir() -> Path | None:
    """Folder with initdb/pg_ctl/postgres: PG_BINDIR, Debian's versioned folders, then PATH."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(os.path.realpath(initdb)).parent)
    for folder in candidates:
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _chown_tree(root: Path, user: str) -> None:
    shutil.chown(root, user, user)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid,
                     follow_symlinks=False)


def _ensure_pg_user() -> None:
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                       check=True)


class PostgresServer:
    """A throw-away PostgreSQL cluster on 127.0.0.1:<free port>, its unix socket in its own temp
    folder; ``stop()``/``start()`` simulate an outage, ``destroy()`` removes everything.

    ``init(template=...)`` copies an already initialised data folder instead of running initdb
    (initdb takes seconds; a copy takes milliseconds)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="leads-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.logfile = self.root / "postgres.log"
        self.port = free_port()
        self.dbname = "leads_test"

    def _run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", PG_USER, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)

    def init(self, template: Path | None = None) -> PostgresServer:
        self.sockets.mkdir()
        if template is not None:
            shutil.copytree(template, self.data, symlinks=True)
        if self.as_root:
            _ensure_pg_user()
            _chown_tree(self.root, PG_USER)
        if template is None:
            try:
                self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", PG_USER, "--auth=trust",
                          "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions", timeout=120)
            except subprocess.CalledProcessError as exc:
                raise RuntimeError(f"initdb failed:\n{exc.stdout}\n{exc.stderr}") from exc
        return self

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", options,
                      "-w", "-t", "60", "start", timeout=90)
        except subprocess.CalledProcessError as exc:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(f"postgres did not start:\n{exc.stdout}\n{exc.stderr}\n{log}") from exc

    def is_running(self) -> bool:
        return self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop",
                  check=False, timeout=90)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def admin(self, sql: str, dbname: str | None = None) -> None:
        import psycopg2

        dsn = f"host=127.0.0.1 port={self.port} user={PG_USER} dbname={dbname or self.dbname}"
        conn = psycopg2.connect(dsn, connect_timeout=10)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    def create_test_database(self) -> None:
        self.admin(f'CREATE DATABASE "{self.dbname}"', dbname="postgres")

    def new_schema(self) -> str:
        """A fresh, empty schema; the URL puts it first (and alone) on the search_path."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        self.admin(f'CREATE SCHEMA "{schema}"')
        return schema

    def drop_schema(self, schema: str) -> None:
        with contextlib.suppress(Exception):
            self.admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def url(self, schema: str | None = None) -> str:
        url = f"postgresql+psycopg2://{PG_USER}@127.0.0.1:{self.port}/{self.dbname}"
        if schema:
            url += f"?options=-csearch_path%3D{schema}"
        return url


def _pg_bindir_or_skip() -> Path:
    bindir = find_pg_bindir()
    if bindir is None:
        reason = ("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in PG_BINDIR, "
                  "/usr/lib/postgresql/*/bin or PATH; install Debian's 'postgresql' package")
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        print(f"skipping PostgreSQL tests: {reason}")
        pytest.skip(reason)
    return bindir


@pytest.fixture(scope="session")
def pg_template() -> Iterator[Path]:
    """One initdb per test session; every cluster starts from a copy of it."""
    bindir = _pg_bindir_or_skip()
    server = PostgresServer(bindir).init()
    yield server.data
    shutil.rmtree(server.root, ignore_errors=True)


def _server(template: Path) -> PostgresServer:
    server = PostgresServer(_pg_bindir_or_skip()).init(template)
    server.start()
    server.create_test_database()
    return server


@pytest.fixture(scope="session")
def postgres_server(pg_template: Path) -> Iterator[PostgresServer]:
    server = _server(pg_template)
    yield server
    server.destroy()


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty schema on the session's server, as a SQLAlchemy URL."""
    schema = postgres_server.new_schema()
    yield postgres_server.url(schema)
    postgres_server.drop_schema(schema)


@pytest.fixture(scope="session")
def _outage_server(pg_template: Path) -> Iterator[PostgresServer]:
    server = _server(pg_template)
    yield server
    server.destroy()


@pytest.fixture
def outage_postgres(_outage_server: PostgresServer) -> Iterator[PostgresServer]:
    """A second server that tests may stop and start (an outage must not hit other tests);
    it is running again after each test."""
    if not _outage_server.is_running():
        _outage_server.start()
    yield _outage_server
    if not _outage_server.is_running():
        _outage_server.start()


# --------------------------------------------------------------------------- settings and leads


@pytest.fixture
def make_settings(tmp_path: Path):
    """Settings isolated in ``tmp_path`` (no SMTP, no webhook unless given)."""

    def factory(**overrides: Any) -> Settings:
        base = dict(var_dir=tmp_path / "var", database_url="", tracker_store_url="", smtp_host="",
                    smtp_port=25, smtp_user="", smtp_password="", smtp_starttls=False, crm_webhook_url="",
                    crm_webhook_token="", outbox_max_attempts=5, consultant_email="berater@example.com",
                    mail_from="assistent@example.com", notify_timeout_seconds=5)
        base.update(overrides)
        return dataclasses.replace(get_settings(), **base)

    return factory


CONSENT_AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)


@pytest.fixture
def lead_kwargs():
    """Keyword arguments of a complete, consented lead; override any of them."""

    def factory(**overrides: Any) -> dict[str, Any]:
        contact = {"name": "Erika Mustermann", "company": "Muster GmbH", "email": "erika@muster.de",
                   "phone": "0171 1234567", "preferred_contact": "Dienstag vormittags, telefonisch"}
        contact.update(overrides.pop("contact", {}))
        kwargs = dict(
            channel="socketio",
            contact=contact,
            criteria={"participants": 4, "multiple_functions": True, "specific_approach": True,
                      "goals": ["strategy"], "experience": "first_steps", "broaden": True, "attitude_formed": True,
                      "decision_made": True, "need_recognised": True, "cross_functional": True,
                      "platform_knowledge": True, "strategy_exists": False, "departments": ["Marketing", "Vertrieb"]},
            recommendation="workshop",
            phase="strategy",
            reasons=["Interessent steigt zu viert aus mehreren Funktionsbereichen ein."],
            open_questions=["Wunschtermin und Ort abstimmen"],
            consent_at=CONSENT_AT,
            consent_version="2026-11-v1",
        )
        kwargs.update(overrides)
        return kwargs

    return factory


class TrackerEvents:
    """Rasa's SQLTrackerStore table ``events`` (same columns as rasa/core/tracker_store.py: SQLEvent)
    in any database, to check that erasure reaches the stored conversation."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine

        self.url = url
        self.engine = create_engine(url, future=True)
        self.metadata = MetaData()
        self.table = Table(
            "events", self.metadata,
            Column("id", Integer, primary_key=True),
            Column("sender_id", String(255), nullable=False, index=True),
            Column("type_name", String(255), nullable=False),
            Column("timestamp", Float),
            Column("intent_name", String(255)),
            Column("action_name", String(255)),
            Column("data", Text),
        )

    def create(self) -> TrackerEvents:
        self.metadata.create_all(self.engine)
        return self

    def add(self, sender_id: str, count: int = 3, timestamp: float | None = None) -> None:
        stamp = time.time() if timestamp is None else timestamp
        with self.engine.begin() as conn:
            conn.execute(self.table.insert(), [
                {"sender_id": sender_id, "type_name": "user", "timestamp": stamp + i * 0.001,
                 "data": json.dumps({"text": f"Nachricht {i}"})}
                for i in range(count)
            ])

    def count(self, sender_id: str) -> int:
        from sqlalchemy import func, select

        with self.engine.connect() as conn:
            return conn.execute(
                select(func.count()).select_from(self.table).where(self.table.c.sender_id == sender_id)
            ).scalar_one()

    def dispose(self) -> None:
        self.engine.dispose()


# --------------------------------------------------------------------------- SMTP


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a free loopback port that records what arrives."""

    def __init__(self, port: int | None = None, auth: tuple[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.auth = auth
        self.messages: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        with self._lock:
            self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                  "data": envelope.original_content or envelope.content})
        return "250 OK"

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        kwargs: dict[str, Any] = {}
        if self.auth is not None:
            from aiosmtpd.smtp import AuthResult

            user, password = self.auth

            def authenticator(server, session, envelope, mechanism, auth_data):
                ok = auth_data.login.decode() == user and auth_data.password.decode() == password
                return AuthResult(success=ok, handled=False)

            kwargs.update(authenticator=authenticator, auth_require_tls=False, auth_required=True)
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, ready_timeout=10, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def parsed(self) -> list[Any]:
        from email import message_from_bytes
        from email.policy import default

        return [message_from_bytes(m["data"], policy=default) for m in self.messages]


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


# --------------------------------------------------------------------------- CRM webhook


class WebhookSink:
    """A real HTTP server recording POSTed JSON bodies and headers; ``status`` sets the answer."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = sink.status
                if 200 <= status < 300:
                    sink.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "json": json.loads(body.decode("utf-8"))})
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/crm/leads"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    def start(self) -> WebhookSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_sink() -> Iterator[WebhookSink]:
    sink = WebhookSink().start()
    yield sink
    sink.stop()


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()
