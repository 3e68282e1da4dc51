"""The real assistant on free ports: action server, Rasa server and demo web server, one per test session.

The SMTP server (``Mailbox``) and the REST client (``RestChat``) live in tests/support."""
from __future__ import annotations

import pytest

from tests.support import ROOT
from tests.support.chat import RestChat
from tests.support.sinks import Mailbox
from tooling.stack import Stack, free_ports_env


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
        **free_ports_env(var),
        "MODEL_PATH": str(ROOT / "models"),
        "OUTBOX_INTERVAL_SECONDS": "1",
    }
    s = Stack(env=env)
    s.start(timeout=240)
    yield s
    s.stop()


@pytest.fixture
def chat(stack):
    return RestChat(stack.rasa_url)
