"""Channel configuration and the channel classes' request checks, without servers.

- credentials.yml gets Messenger / Telegram only when all their environment variables are set;
- Meta's webhook signature check (SHA-256 preferred, SHA-1 accepted, everything else rejected);
- Telegram: a missing or malformed secret token is refused; an unreachable Telegram API at start-up is
  logged as a warning, not fatal.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import stat

import pytest
import yaml

from config import Settings
from rasa_addons.facebook import SecureFacebookInput, quick_replies, signature_valid
from rasa_addons.telegram import SecureTelegramInput, SecureTelegramOutput
from tooling import runtime_config
from tooling.net import free_port

FB_VARS = {
    "FACEBOOK_VERIFY_TOKEN": "verify",
    "FACEBOOK_APP_SECRET": "secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "page-token",
}
TG_VARS = {
    "TELEGRAM_ACCESS_TOKEN": "123:abc",
    "TELEGRAM_VERIFY": "some_bot",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.com/webhooks/telegram/webhook",
    "TELEGRAM_SECRET_TOKEN": "s3cret_token-1",
}
ALL_CHANNEL_VARS = [*FB_VARS, *TG_VARS, "TELEGRAM_API_SERVER", "FACEBOOK_GRAPH_URL",
                    "RATE_LIMIT_PER_CONVERSATION", "RATE_LIMIT_PER_IP", "TRUSTED_PROXIES"]
WEB_LIMITS = {"max_message_chars": 2000, "max_request_bytes": 256 * 1024, "rate_per_conversation": 30,
              "rate_per_ip": 120, "proxies_count": 0}


@pytest.fixture
def settings_from(monkeypatch):
    def make(**env: str) -> Settings:
        for name in ALL_CHANNEL_VARS:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return Settings()

    return make


def test_without_messenger_variables_only_rest_and_socketio(settings_from):
    cfg = runtime_config.credentials(settings_from())
    assert set(cfg) == {runtime_config.REST_CHANNEL, runtime_config.SOCKETIO_CHANNEL}
    assert cfg[runtime_config.REST_CHANNEL] == WEB_LIMITS
    assert cfg[runtime_config.SOCKETIO_CHANNEL] == {
        "user_message_evt": "user_uttered", "bot_message_evt": "bot_uttered", "session_persistence": True,
        **WEB_LIMITS}


def test_facebook_enabled_by_its_variables(settings_from):
    cfg = runtime_config.credentials(settings_from(**FB_VARS, FACEBOOK_GRAPH_URL="http://127.0.0.1:9/v21.0"))
    fb = cfg[runtime_config.FACEBOOK_CHANNEL]
    assert fb["verify"] == "verify" and fb["secret"] == "secret" and fb["page-access-token"] == "page-token"
    assert fb["graph_url"] == "http://127.0.0.1:9/v21.0"
    assert runtime_config.TELEGRAM_CHANNEL not in cfg
    channel = SecureFacebookInput.from_credentials(fb)
    assert channel.client().graph_url == "http://127.0.0.1:9/v21.0"


def test_graph_url_default_is_the_real_graph_api(settings_from):
    fb = runtime_config.credentials(settings_from(**FB_VARS))[runtime_config.FACEBOOK_CHANNEL]
    assert fb["graph_url"].startswith("https://graph.facebook.com/v")


def test_telegram_enabled_by_its_variables(settings_from):
    cfg = runtime_config.credentials(settings_from(**TG_VARS))
    tg = cfg[runtime_config.TELEGRAM_CHANNEL]
    assert tg["access_token"] == "123:abc" and tg["verify"] == "some_bot"
    assert tg["secret_token"] == "s3cret_token-1" and tg["api_server"] is None
    assert runtime_config.FACEBOOK_CHANNEL not in cfg


@pytest.mark.parametrize("missing", [*FB_VARS, *TG_VARS])
def test_partial_configuration_disables_the_channel_with_a_warning(settings_from, caplog, missing):
    env = {k: v for k, v in {**FB_VARS, **TG_VARS}.items() if k != missing}
    with caplog.at_level(logging.WARNING, logger="tooling.runtime_config"):
        cfg = runtime_config.credentials(settings_from(**env))
    disabled = runtime_config.FACEBOOK_CHANNEL if missing in FB_VARS else runtime_config.TELEGRAM_CHANNEL
    enabled = runtime_config.TELEGRAM_CHANNEL if missing in FB_VARS else runtime_config.FACEBOOK_CHANNEL
    assert disabled not in cfg and enabled in cfg
    assert missing in caplog.text


def test_rendered_credentials_file_is_private(settings_from, tmp_path):
    settings = settings_from(**FB_VARS, **TG_VARS, VAR_DIR=str(tmp_path))
    _, credentials = runtime_config.render(tmp_path / "run", settings)
    assert stat.S_IMODE(os.stat(credentials).st_mode) == 0o600
    loaded = yaml.safe_load(credentials.read_text())
    assert loaded[runtime_config.FACEBOOK_CHANNEL]["secret"] == "secret"
    assert loaded[runtime_config.TELEGRAM_CHANNEL]["secret_token"] == "s3cret_token-1"


# -- Facebook signature ------------------------------------------------------------------------------------
BODY = b'{"object":"page","entry":[]}'


def sign(body: bytes, secret: str = "app-secret", algorithm: str = "sha256") -> str:
    return f"{algorithm}=" + hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()


@pytest.mark.parametrize(
    "headers, valid",
    [
        ({"X-Hub-Signature-256": sign(BODY)}, True),
        ({"X-Hub-Signature": sign(BODY, algorithm="sha1")}, True),
        ({"X-Hub-Signature-256": sign(BODY), "X-Hub-Signature": sign(BODY, algorithm="sha1")}, True),
        ({}, False),
        ({"X-Hub-Signature-256": sign(BODY, secret="other-secret")}, False),
        ({"X-Hub-Signature-256": sign(BODY + b" ")}, False),
        ({"X-Hub-Signature-256": sign(BODY, algorithm="sha1")}, False),  # wrong algorithm for the header
        ({"X-Hub-Signature": sign(BODY, algorithm="md5")}, False),
        ({"X-Hub-Signature": "foo=bar"}, False),  # crashes Rasa's own check
        ({"X-Hub-Signature-256": "sha256="}, False),
        ({"X-Hub-Signature-256": "garbage"}, False),
        # a valid SHA-1 does not rescue a wrong SHA-256
        ({"X-Hub-Signature-256": sign(BODY, secret="x"), "X-Hub-Signature": sign(BODY, algorithm="sha1")}, False),
    ],
)
def test_signature_check(headers, valid):
    assert signature_valid("app-secret", BODY, headers) is valid


def test_signature_check_without_secret_rejects():
    assert signature_valid("", BODY, {"X-Hub-Signature-256": sign(BODY, secret="")}) is False


def test_quick_replies_respect_messenger_limits():
    buttons = [{"title": f"Antwortmöglichkeit Nummer {i}", "payload": f"/inform{{\"n\": {i}}}"} for i in range(20)]
    replies = quick_replies(buttons)
    assert len(replies) == 13
    assert all(r["content_type"] == "text" and len(r["title"]) <= 20 for r in replies)
    assert replies[0]["payload"] == '/inform{"n": 0}'


# -- Telegram ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("secret", [None, "", "has space", "ä-umlaut", "x" * 257])
def test_telegram_requires_a_valid_secret_token(secret):
    with pytest.raises(Exception, match="secret_token"):
        SecureTelegramInput.from_credentials({"access_token": "123:abc", "verify": "some_bot",
                                              "webhook_url": "https://x.example/webhook", "secret_token": secret})


def test_telegram_start_up_survives_an_unreachable_api(caplog):
    port = free_port()  # nothing listens there
    channel = SecureTelegramInput.from_credentials({
        "access_token": "123:abc", "verify": "some_bot", "webhook_url": "https://x.example/webhook",
        "secret_token": "s3cret", "api_server": f"http://127.0.0.1:{port}", "timeout": 2,
    })
    with caplog.at_level(logging.WARNING, logger="rasa_addons.telegram"):
        out = channel.get_output_channel()
    assert isinstance(out, SecureTelegramOutput)
    assert "could not register the webhook" in caplog.text
    assert channel.get_output_channel() is out  # registered once, then reused
