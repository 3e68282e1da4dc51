"""Shared fixtures of the storage suite: a real PostgreSQL server, a real SMTP server (aiosmtpd),
a real HTTP server standing in for the CRM webhook, and lead/settings factories.

The servers themselves (``PostgresServer``, ``SmtpSink``, ``WebhookSink``) and ``TrackerEvents``/``CONSENT_AT``
live in tests/support; PostgreSQL tests are skipped only when the server binaries are missing
(``REQUIRE_POSTGRES=1`` turns that skip into a failure).
"""
from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config import Settings, get_settings
from tests.support.postgres import PostgresServer, pg_bindir_or_skip
from tests.support.sinks import SmtpSink, WebhookSink
from tests.support.storage import CONSENT_AT


@pytest.fixture(scope="session")
def pg_template() -> Iterator[Path]:
    """One initdb per test session; every cluster starts from a copy of it."""
    bindir = pg_bindir_or_skip()
    server = PostgresServer(bindir).init()
    yield server.data
    shutil.rmtree(server.root, ignore_errors=True)


def _server(template: Path) -> Iterator[PostgresServer]:
    """A running cluster copied from ``template`` with the test database, destroyed afterwards."""
    server = PostgresServer(pg_bindir_or_skip()).init(template)
    server.start()
    server.create_test_database()
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def postgres_server(pg_template: Path) -> Iterator[PostgresServer]:
    yield from _server(pg_template)


@pytest.fixture
def pg_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A fresh, empty schema on the session's server, as a SQLAlchemy URL."""
    schema = postgres_server.new_schema()
    yield postgres_server.url(schema)
    postgres_server.drop_schema(schema)


@pytest.fixture(scope="session")
def _outage_server(pg_template: Path) -> Iterator[PostgresServer]:
    yield from _server(pg_template)


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


# --------------------------------------------------------------------------- SMTP


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    sink = SmtpSink().start()
    yield sink
    sink.stop()


# --------------------------------------------------------------------------- CRM webhook


@pytest.fixture
def webhook_sink() -> Iterator[WebhookSink]:
    sink = WebhookSink().start()
    yield sink
    sink.stop()
