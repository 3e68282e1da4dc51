"""A prospect talking to the bot over Rasa's REST channel (``/webhooks/rest/webhook``)."""
from __future__ import annotations

import json
import urllib.request

from rasa_addons.sessions import conversation_id
from tooling.stack import open_session

__all__ = ["RestChat", "open_session"]


class RestChat:
    """A prospect talking to the bot over Rasa's REST channel: it opens a session (``POST
    /webhooks/rest/session``) and sends its token as ``sender``; ``sender`` is the conversation id the
    databases know. ``session``: talk in an existing session (its token) instead."""

    def __init__(self, base_url: str, session: str | None = None):
        self.base_url = base_url
        self.url = f"{base_url}/webhooks/rest/webhook"
        self.token = session or open_session(base_url)
        self.sender = conversation_id(self.token)

    def say(self, text: str) -> list[dict]:
        body = json.dumps({"sender": self.token, "message": text}).encode()
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
