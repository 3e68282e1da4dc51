"""The production profile on one machine: PostgreSQL (tracker store and leads, two databases), Redis (lock
store), a local SMTP server, ONE action server and TWO Rasa replicas sharing them; the replicas pull their model
from the model server (tooling/model_server.py, ``MODEL_SERVER_URL``) like in production.

Built from tests/support: ``PostgresServer`` (initdb into a temporary folder, ``postgres`` on a free loopback
port, run as the ``postgres`` user when we are root), ``RedisServer``, ``Mailbox`` (aiosmtpd) and the deployment
helpers of tests/support/production.py. Skipped only when the PostgreSQL server binaries are missing (a failure
with ``REQUIRE_POSTGRES=1``, like the storage tests). A missing ``redis-server`` is a failure:
scripts/system-deps.sh installs it.
"""
from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator

import pytest

from tests.support import ROOT
from tests.support.postgres import PostgresServer, pg_bindir_or_skip
from tests.support.production import (
    LEADS_DB,
    PAGE_ORIGIN,
    TRACKER_DB,
    Production,
    pg_url,
    start_all,
    stop_all,
)
from tests.support.redis import RedisMonitor, RedisServer
from tests.support.sinks import Mailbox
from tooling import model_server
from tooling.net import free_port
from tooling.stack import Stack, free_ports_env
from tooling.train import newest_model

#: seconds between two model pulls of a replica: short, so the rollout test waits little
MODEL_PULL_INTERVAL = 2


@pytest.fixture(scope="package")  # one start for tests/production, stopped before the next suite
def production(tmp_path_factory) -> Iterator[Production]:
    bindir = pg_bindir_or_skip()
    postgres = PostgresServer(bindir).init()
    redis_server: RedisServer | None = None
    mailbox: Mailbox | None = None
    stacks: list[Stack] = []
    # the model server of the production profile: both replicas pull the published model from it (ETag)
    models = tmp_path_factory.mktemp("published-models")
    model_server.publish(newest_model(str(ROOT / "models")), models)
    models_http = model_server.serve(models, "127.0.0.1", free_port())
    threading.Thread(target=models_http.serve_forever, daemon=True).start()
    try:
        postgres.start()
        for db in (TRACKER_DB, LEADS_DB):
            postgres.admin(f'CREATE DATABASE "{db}"', dbname="postgres")
        redis_server = RedisServer().start()
        mailbox = Mailbox()
        mailbox.controller.start()

        shared = {
            "TRACKER_STORE_URL": pg_url(postgres, TRACKER_DB),
            "DATABASE_URL": pg_url(postgres, LEADS_DB),
            "LOCK_STORE_URL": redis_server.url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(mailbox.port),
            "CONSULTANT_EMAIL": "berater@example.com",
            "MAIL_FROM": "assistent@example.com",
            "OUTBOX_INTERVAL_SECONDS": "1",
            "SQL_POOL_SIZE": "5",  # as in deploy/production.env.example
            "SQL_MAX_OVERFLOW": "10",
            "MODEL_PATH": str(ROOT / "models"),
            "MODEL_SERVER_URL": f"http://127.0.0.1:{models_http.server_address[1]}/model",
            "MODEL_PULL_INTERVAL": str(MODEL_PULL_INTERVAL),
            "WEB_ORIGIN": PAGE_ORIGIN,
            "RASA_PUBLIC_URL": PAGE_ORIGIN,
            "PRIVACY_URL": f"{PAGE_ORIGIN}/datenschutz.html",
            # one secret for Rasa (both replicas) and the action server, as in production.env
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32),
            # one key for the web chat's session tokens on both replicas, as in production.env
            "SESSION_SECRET": secrets.token_urlsafe(32),
        }
        action_port = free_port()
        replica_a = Stack(env={**shared, **free_ports_env(tmp_path_factory.mktemp("replica-a")),
                               "ACTION_PORT": str(action_port)}, with_web=False)
        replica_b = Stack(env={**shared, **free_ports_env(tmp_path_factory.mktemp("replica-b")),
                               "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook"},
                          with_web=False, with_actions=False)
        stacks = [replica_a, replica_b]
        start_all(stacks)
        yield Production(postgres, redis_server, mailbox, replica_a, replica_b, shared, models)
    finally:
        stop_all(stacks)
        models_http.shutdown()
        models_http.server_close()
        if mailbox is not None:
            mailbox.controller.stop()
        if redis_server is not None:
            redis_server.stop()
        postgres.destroy()


@pytest.fixture
def redis_monitor(production: Production) -> Iterator[RedisMonitor]:
    monitor = RedisMonitor(production.redis).start()
    yield monitor
    monitor.stop()
