"""Retention for Rasa's tracker store: erase every conversation with no activity for DAYS days.

``leads purge --older-than DAYS`` erases old leads together with their conversations. Conversations that never
became a lead (most of them) are not touched by it and would stay in the tracker store for ever; this command
erases them too. A conversation counts as inactive when its newest stored event is older than DAYS days;
all its events are deleted then (never a part of a running conversation).

    python deploy/purge_conversations.py --older-than DAYS [--dry-run] [--tracker-store-url URL]

The tracker store defaults to TRACKER_STORE_URL (config.py). Prints the number of conversations;
exit code 3 when the database is unreachable (like ``leads``).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, inspect, select  # noqa: E402
from sqlalchemy.sql import column, table  # noqa: E402

from config import get_settings  # noqa: E402
from leads.repository import _sqlite_path, is_unavailable, make_engine  # noqa: E402

EVENTS = table("events", column("sender_id"), column("timestamp"))  # rasa/core/tracker_store.py: SQLEvent
BATCH = 500


def purge_conversations(url: str, days: float, *, now: float | None = None, dry_run: bool = False) -> int:
    """Erase the events of every conversation whose newest event is older than ``days`` days."""
    if days < 0:
        raise ValueError("days must not be negative")
    path = _sqlite_path(url)
    if path is not None and not path.exists():
        return 0
    cutoff = (time.time() if now is None else now) - days * 86400
    engine = make_engine(url, wal=False, create_dir=False)
    try:
        with engine.begin() as conn:
            if not inspect(conn).has_table("events"):
                return 0
            stale = list(conn.execute(
                select(EVENTS.c.sender_id).group_by(EVENTS.c.sender_id)
                .having(func.max(EVENTS.c.timestamp) < cutoff)
            ).scalars())
            if not dry_run:
                for start in range(0, len(stale), BATCH):
                    conn.execute(delete(EVENTS).where(EVENTS.c.sender_id.in_(stale[start:start + BATCH])))
        return len(stale)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--older-than", type=float, required=True, metavar="DAYS")
    parser.add_argument("--dry-run", action="store_true", help="only count")
    parser.add_argument("--tracker-store-url", help="default: TRACKER_STORE_URL or var/rasa.db")
    args = parser.parse_args(argv)
    if args.older_than < 0:
        parser.error("--older-than must not be negative")
    url = args.tracker_store_url or get_settings().tracker_store_database_url
    try:
        count = purge_conversations(url, args.older_than, dry_run=args.dry_run)
    except Exception as exc:
        if is_unavailable(exc):
            print(f"tracker store unreachable ({type(exc).__name__})", file=sys.stderr)
            return 3
        raise
    print(f"{count} conversation(s) {'would be ' if args.dry_run else ''}purged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
