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

from config import get_settings  # noqa: E402
from leads.erasure import RasaEvents  # noqa: E402
from leads.errors import StorageUnavailable  # noqa: E402


def purge_conversations(url: str, days: float, *, now: float | None = None, dry_run: bool = False) -> int:
    """Erase the events of every conversation whose newest event is older than ``days`` days."""
    if days < 0:
        raise ValueError("days must not be negative")
    cutoff = (time.time() if now is None else now) - days * 86400
    events = RasaEvents(url)
    try:
        return events.purge_inactive(cutoff, dry_run=dry_run)
    finally:
        events.close()


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
    except StorageUnavailable as exc:
        print(f"tracker store unreachable ({exc.reason})", file=sys.stderr)
        return 3
    print(f"{count} conversation(s) {'would be ' if args.dry_run else ''}purged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
