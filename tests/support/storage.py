"""What the storage tests need beside the leads package: a fixed consent time and Rasa's events table."""
from __future__ import annotations

import datetime as dt
import json
import time

CONSENT_AT = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.timezone.utc)


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
