"""The real assistant on free ports: action server, Rasa server and demo web server, one per test session."""
from __future__ import annotations

import json
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tooling.stack import Stack, free_port

ROOT = Path(__file__).resolve().parents[2]


class Mailbox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        self.messages: list = []
        self.port = free_port()
        outer = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                from email import message_from_bytes
                from email.policy import default

                outer.messages.append(message_from_bytes(envelope.content, policy=default))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    def wait_for(self, predicate, timeout: float = 30.0) -> list:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for m in self.messages if predicate(m)]
            if found:
                time.sleep(1.5)  # anything sent twice would arrive now
                return [m for m in self.messages if predicate(m)]
            time.sleep(0.2)
        return []


@pytest.fixture(scope="session")
def mailbox():
    box = Mailbox()
    box.controller.start()
    yield box
    box.controller.stop()


@pytest.fixture(scope="session")
def stack(tmp_path_factory, mailbox):
    var = tmp_path_factory.mktemp("var")
    env = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(mailbox.port),
        "CONSULTANT_EMAIL": "berater@example.com",
        "VAR_DIR": str(var),
        "RASA_PORT": str(free_port()),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
        "MODEL_PATH": str(ROOT / "models"),
        "OUTBOX_INTERVAL_SECONDS": "1",
    }
    s = Stack(env=env)
    s.start(timeout=240)
    yield s
    s.stop()


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


@pytest.fixture
def chat(stack):
    return RestChat(stack.rasa_url)
