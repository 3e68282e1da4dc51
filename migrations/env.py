"""Alembic environment of the lead store.

The URL is taken, in this order, from a connection handed over by the application
(``config.attributes["connection"]``), ``-x url=...``, ``sqlalchemy.url`` in the config, and
finally ``config.get_settings().leads_database_url``.
"""
from __future__ import annotations

import sys
from logging.config import fileConfig
from pathlib import Path

from alembic import context
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config import get_settings  # noqa: E402
from leads.models import Base  # noqa: E402

config = context.config
target_metadata = Base.metadata

# Any fixed 64-bit number: serialises concurrent `upgrade head` runs on PostgreSQL.
MIGRATION_LOCK_KEY = 7_302_114_551_022_001


def _url() -> str:
    return (
        context.get_x_argument(as_dictionary=True).get("url")
        or config.get_main_option("sqlalchemy.url")
        or get_settings().leads_database_url
    )


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _run_with_lock(connection) -> None:
    if connection.dialect.name == "postgresql":
        # Released when the surrounding transaction ends; a second process waits here and
        # then finds the schema already at head.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # handed over by leads.db.upgrade_database (inside a transaction)
        _run_with_lock(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    url = _url()
    if url.startswith("sqlite:///"):
        Path(url[len("sqlite:///"):]).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, poolclass=NullPool)
    try:
        with engine.begin() as conn:
            _run_with_lock(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
