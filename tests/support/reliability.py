"""Reliability test helpers: raw POSTs with timing, the stored events and the lead count of the embedded profile."""
from __future__ import annotations

import json
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path


def post(url: str, body: bytes, headers: dict[str, str] | None = None, timeout: float = 180.0):
    """POST raw bytes; returns (status, parsed JSON or text, seconds)."""
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            status, raw = resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    elapsed = time.monotonic() - started
    try:
        return status, json.loads(raw), elapsed
    except ValueError:
        return status, raw.decode(errors="replace"), elapsed


def tracker_events(var_dir: Path, sender: str) -> list[tuple[str, str]]:
    """(type_name, data) of the conversation's stored events in the embedded tracker store."""
    with sqlite3.connect(var_dir / "rasa.db") as db:
        return db.execute("SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()


def lead_count(var_dir: Path, conversation_id: str | None = None) -> int:
    """Leads in the embedded leads database (0 before the first lead created the schema)."""
    path = var_dir / "leads.db"
    if not path.exists():
        return 0
    with sqlite3.connect(path) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='leads'").fetchone():
            return 0
        if conversation_id is None:
            return db.execute("SELECT COUNT(*) FROM leads").fetchone()[0]
        return db.execute("SELECT COUNT(*) FROM leads WHERE conversation_id = ?", (conversation_id,)).fetchone()[0]
