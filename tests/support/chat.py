"""A prospect talking to the bot over Rasa's REST channel (``/webhooks/rest/webhook``)."""
from __future__ import annotations

import json
import urllib.request
import uuid


class RestChat:
    """A prospect talking to the bot over Rasa's REST channel."""

    def __init__(self, base_url: str, sender: str | None = None):
        self.url = f"{base_url}/webhooks/rest/webhook"
        self.sender = sender or f"test-{uuid.uuid4().hex[:12]}"

    def say(self, text: str) -> list[dict]:
        body = json.dumps({"sender": self.sender, "message": text}).encode()
        req = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            assert resp.status == 200
            return json.loads(resp.read())

    @staticmethod
    def texts(messages: list[dict]) -> str:
        return "\n".join(m.get("text", "") for m in messages)


def lead_rows(stack, conversation_id: str) -> list:
    """The conversation's rows in the embedded leads database (read-only; [] before the first lead)."""
    import sqlite3

    path = stack.settings.var_dir / "leads.db"
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        db.row_factory = sqlite3.Row
        if not db.execute("select name from sqlite_master where name = 'leads'").fetchall():
            return []
        return db.execute("select * from leads where conversation_id = ?", (conversation_id,)).fetchall()
