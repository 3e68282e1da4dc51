"""One real assistant for the channel and browser tests: action server, Rasa server and demo page, started
with Facebook Messenger and Telegram configured against local stand-ins of their APIs.

Starting Rasa takes most of the test time, so the channel tests and the browser test share one stack per
session: the ``assistant`` fixture (tests/support/plugin.py) acquires it, and the last release stops it
(reference-counted, so any other user may acquire it too).

The Telegram stand-in starts only *after* the stack is up: Rasa's start-up call to ``setWebhook`` must find
the platform unreachable, and the assistant must start anyway (SecureTelegramInput logs a warning).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from tests.support import ROOT
from tests.support.channel_fakes import GraphAPI, TelegramAPI, WhatsAppAPI
from tooling.net import free_port
from tooling.stack import Stack, free_ports_env

FB_VERIFY_TOKEN = "verify-token-for-tests"
FB_APP_SECRET = "app-secret-for-tests"
FB_PAGE_TOKEN = "page-access-token-for-tests"
TG_TOKEN = "123456789:TEST-token_for-tests"
TG_USERNAME = "berater_test_bot"
TG_SECRET = "secret-Token_for-tests-42"
TG_WEBHOOK_URL = "https://bot.example.com/webhooks/telegram/webhook"
WA_TOKEN = "whatsapp-access-token-for-tests"
WA_PHONE_NUMBER_ID = "106540352242922"
WA_APP_SECRET = "whatsapp-app-secret-for-tests"
WA_VERIFY_TOKEN = "whatsapp-verify-token-for-tests"


@dataclass
class Assistant:
    stack: Stack
    graph: GraphAPI
    telegram: TelegramAPI
    whatsapp: WhatsAppAPI | None = None

    @property
    def rasa_url(self) -> str:
        return self.stack.rasa_url

    @property
    def web_url(self) -> str:
        return self.stack.web_url

    @property
    def var_dir(self) -> Path:
        return self.stack.settings.var_dir

    def rasa_log(self) -> str:
        return (self.stack.log_dir / "rasa.log").read_text(errors="replace")


_lock = threading.Lock()
_shared: Assistant | None = None
_users = 0


def stack_env(var_dir: Path, graph: GraphAPI, telegram_port: int,
              whatsapp: WhatsAppAPI | None = None) -> dict[str, str]:
    ports = free_ports_env(var_dir)
    return {
        **ports,
        "MODEL_PATH": str(ROOT / "models"),
        "OUTBOX_INTERVAL_SECONDS": "1",
        "PRIVACY_URL": f"http://localhost:{ports['WEB_PORT']}/datenschutz.html",
        # hermetic: nothing from the developer's environment points elsewhere
        "DATABASE_URL": "", "TRACKER_STORE_URL": "", "LOCK_STORE_URL": "", "WEB_ORIGIN": "",
        "RASA_PUBLIC_URL": "", "ACTION_SERVER_URL": "", "SMTP_HOST": "", "CRM_WEBHOOK_URL": "",
        "FACEBOOK_VERIFY_TOKEN": FB_VERIFY_TOKEN,
        "FACEBOOK_APP_SECRET": FB_APP_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": FB_PAGE_TOKEN,
        "FACEBOOK_GRAPH_URL": graph.graph_url,
        "TELEGRAM_ACCESS_TOKEN": TG_TOKEN,
        "TELEGRAM_VERIFY": TG_USERNAME,
        "TELEGRAM_WEBHOOK_URL": TG_WEBHOOK_URL,
        "TELEGRAM_SECRET_TOKEN": TG_SECRET,
        "TELEGRAM_API_SERVER": f"http://127.0.0.1:{telegram_port}",
        "CHANNEL_TIMEOUT_SECONDS": "5",
        **(whatsapp_env(whatsapp) if whatsapp else {}),
    }


def whatsapp_env(whatsapp: WhatsAppAPI) -> dict[str, str]:
    return {"WHATSAPP_ACCESS_TOKEN": WA_TOKEN, "WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_NUMBER_ID,
            "WHATSAPP_APP_SECRET": WA_APP_SECRET, "WHATSAPP_VERIFY_TOKEN": WA_VERIFY_TOKEN,
            "WHATSAPP_API_URL": whatsapp.base_url, "WHATSAPP_API_VERSION": whatsapp.version}


def acquire(var_dir: Path) -> Assistant:
    global _shared, _users
    with _lock:
        if _shared is None:
            graph = GraphAPI().start()
            whatsapp = WhatsAppAPI(WA_PHONE_NUMBER_ID).start()
            telegram = TelegramAPI(TG_TOKEN, TG_USERNAME)
            telegram_port = free_port()  # reserved; nothing listens there while Rasa starts
            stack = Stack(env=stack_env(var_dir, graph, telegram_port, whatsapp))
            try:
                stack.start(timeout=240)
            except Exception:
                graph.stop()
                whatsapp.stop()
                raise
            telegram.start(telegram_port)
            _shared = Assistant(stack, graph, telegram, whatsapp)
        _users += 1
        return _shared


def release() -> None:
    global _shared, _users
    with _lock:
        _users -= 1
        if _users <= 0 and _shared is not None:
            _shared.stack.stop()
            _shared.graph.stop()
            _shared.telegram.stop()
            if _shared.whatsapp:
                _shared.whatsapp.stop()
            _shared = None
            _users = 0
