"""Database plumbing of the lead store: engines, Alembic migrations, and outages as ``StorageUnavailable``."""
from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.pool import StaticPool

from config import ROOT
from leads.errors import StorageUnavailable

MIGRATIONS_DIR = ROOT / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
PG_CONNECT_TIMEOUT_S = 5


# --------------------------------------------------------------------------- outages


@contextlib.contextmanager
def storage_errors() -> Iterator[None]:
    """Re-raise "the database cannot be reached right now" as ``StorageUnavailable`` (spool and
    retry); every other error passes unchanged."""
    try:
        yield
    except (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError) as exc:
        raise StorageUnavailable(type(exc).__name__) from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StorageUnavailable(type(exc).__name__) from exc
        raise


# --------------------------------------------------------------------------- engines


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL; None for other backends and in-memory databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def make_engine(url: str, *, wal: bool = True, create_dir: bool = True) -> Engine:
    """A future-style engine; for SQLite: parent folder created, WAL, busy timeout, FKs on,
    and ``BEGIN IMMEDIATE`` transactions (writers queue instead of failing on lock upgrades)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is not None and create_dir:
            path.parent.mkdir(parents=True, exist_ok=True)
        connect_args: dict[str, Any] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        if path is None:
            kwargs["poolclass"] = StaticPool
        kwargs["connect_args"] = connect_args
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see below)
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if wal and path is not None:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        kwargs["pool_size"] = 5
        kwargs["max_overflow"] = 5
    return create_engine(url, **kwargs)


def open_existing(url: str) -> Engine | None:
    """An engine on a database someone else creates (Rasa's tracker store): None for a SQLite file
    that does not exist (yet), so that nothing is created; no WAL switch on a foreign file."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return None
    return make_engine(url, wal=False, create_dir=False)


# --------------------------------------------------------------------------- migrations


def _alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _at_head(engine: Engine, cfg: AlembicConfig) -> bool:
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current == heads


# Alembic's `context` and `op` are process-wide proxies: one migration at a time per process.
_MIGRATION_LOCK = threading.Lock()


def upgrade_database(engine: Engine, attempts: int = 4) -> None:
    """``alembic upgrade head`` on ``engine``; idempotent and safe when processes race.

    PostgreSQL: env.py takes an advisory transaction lock; SQLite: the whole upgrade runs in
    one ``BEGIN IMMEDIATE`` transaction; threads of one process take turns. If a concurrent
    upgrade still trips us, we check whether the schema is at head now and retry otherwise.
    """
    with _MIGRATION_LOCK:
        _upgrade(engine, attempts)


def _upgrade(engine: Engine, attempts: int) -> None:
    cfg = _alembic_config()
    for attempt in range(attempts):
        try:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            return
        except SQLAlchemyError as exc:
            try:
                if _at_head(engine, cfg):
                    return
            except SQLAlchemyError:
                raise exc from None  # unreachable: let the caller spool
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
        finally:
            cfg.attributes.pop("connection", None)
