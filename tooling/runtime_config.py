"""Render Rasa's endpoints.yml and credentials.yml from the environment (config).

Rasa cannot default an unset ``${VAR}`` in its YAML files, and a messenger channel must be enabled only when
its variables are set, so the run command writes both files into ``var/run/`` from the one settings module.
With no variables set the result equals the committed ``endpoints.yml`` / ``credentials.yml`` (the embedded
profile: SQLite tracker store, in-memory lock store, REST and socket.io channels).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from config import ROOT, Settings, action_server_token, get_settings, session_secret

logger = logging.getLogger(__name__)

# the SQL tracker store plus deletion on request (see rasa_addons/tracker_store.py)
STORE_CLASS = "rasa_addons.tracker_store.DeletableSQLTrackerStore"


def tracker_store_config(url: str) -> dict[str, Any]:
    u = make_url(url)
    dialect = u.get_backend_name()
    if dialect == "sqlite":
        db = u.database or str(ROOT / "var" / "rasa.db")
        return {"type": STORE_CLASS, "dialect": "sqlite", "db": db}
    cfg: dict[str, Any] = {"type": STORE_CLASS, "dialect": u.drivername, "url": u.host, "db": u.database}
    if u.port:
        cfg["port"] = u.port
    if u.username:
        cfg["username"] = u.username
    if u.password:
        cfg["password"] = u.password
    if u.query:  # e.g. ?sslmode=verify-full
        cfg["query"] = dict(u.query)
    return cfg


# Rasa accepts only an alphanumeric lock key prefix (it silently drops others).
LOCK_KEY_PREFIX = "socialmediaassistant"


def lock_store_config(url: str) -> dict[str, Any] | None:
    if not url:
        return None
    u = make_url(url)
    cfg: dict[str, Any] = {"type": "redis", "url": u.host or "localhost", "port": u.port or 6379,
                           "db": int(u.database) if u.database else 0, "key_prefix": LOCK_KEY_PREFIX}
    if u.username:
        cfg["username"] = u.username
    if u.password:
        cfg["password"] = u.password
    if u.drivername == "rediss":
        cfg["use_ssl"] = True
    return cfg


def endpoints(settings: Settings) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        # the action server refuses every call without this header (rasa_sdk_plugins/auth.py)
        "action_endpoint": {"url": settings.action_endpoint,
                            "headers": {"Authorization": f"Bearer {action_server_token(settings)}"}},
        "tracker_store": tracker_store_config(settings.tracker_store_database_url),
        # domain responses, contact data masked in the summary (rasa_addons/nlg.py)
        "nlg": {"type": "rasa_addons.nlg.PrivacyNLG"},
    }
    lock = lock_store_config(settings.lock_store_url)
    if lock:
        cfg["lock_store"] = lock
    if settings.model_server_url:
        # Rasa pulls the model at start and then every wait_time_between_pulls seconds, sending the ETag of
        # the model it holds (If-None-Match); a new ETag is loaded in place (tooling/model_server.py)
        cfg["models"] = {"url": settings.model_server_url,
                         "wait_time_between_pulls": settings.model_pull_interval}
    return cfg


#: environment variables that enable a messenger channel (all must be set; the rest are optional)
FACEBOOK_REQUIRED = {
    "FACEBOOK_VERIFY_TOKEN": "facebook_verify_token",
    "FACEBOOK_APP_SECRET": "facebook_app_secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "facebook_page_access_token",
}
TELEGRAM_REQUIRED = {
    "TELEGRAM_ACCESS_TOKEN": "telegram_access_token",
    "TELEGRAM_VERIFY": "telegram_verify",
    "TELEGRAM_WEBHOOK_URL": "telegram_webhook_url",
    "TELEGRAM_SECRET_TOKEN": "telegram_secret_token",
}
# custom channel classes (rasa_addons): stricter request checks than Rasa's own, see docs/channels.md
REST_CHANNEL = "rasa_addons.channels.LimitedRestInput"
SOCKETIO_CHANNEL = "rasa_addons.channels.LimitedSocketIOInput"
FACEBOOK_CHANNEL = "rasa_addons.facebook.SecureFacebookInput"
TELEGRAM_CHANNEL = "rasa_addons.telegram.SecureTelegramInput"
WHATSAPP_CHANNEL = "rasa_addons.whatsapp.WhatsAppInput"
WHATSAPP_REQUIRED = {
    "WHATSAPP_ACCESS_TOKEN": "whatsapp_access_token",
    "WHATSAPP_PHONE_NUMBER_ID": "whatsapp_phone_number_id",
    "WHATSAPP_APP_SECRET": "whatsapp_app_secret",
    "WHATSAPP_VERIFY_TOKEN": "whatsapp_verify_token",
}


def _channel_enabled(settings: Settings, name: str, required: dict[str, str]) -> bool:
    """True when every required variable is set; a partial configuration is reported, never half-enabled."""
    missing = [var for var, attr in required.items() if not getattr(settings, attr)]
    if missing and len(missing) < len(required):
        logger.warning("%s channel disabled: %s not set", name, ", ".join(missing))
    return not missing


def credentials(settings: Settings) -> dict[str, Any]:
    """Rasa's credentials.yml: REST and socket.io always, Messenger and Telegram only when configured; every
    channel with the input limits (rasa_addons/limits.py)."""
    limits = {"max_message_chars": settings.max_message_chars, "max_request_bytes": settings.max_request_bytes,
              "rate_per_conversation": settings.rate_limit_per_conversation}
    web = {**limits, "rate_per_ip": settings.rate_limit_per_ip, "proxies_count": settings.trusted_proxies}
    cfg: dict[str, Any] = {
        REST_CHANNEL: {**web},
        SOCKETIO_CHANNEL: {
            "user_message_evt": "user_uttered",
            "bot_message_evt": "bot_uttered",
            # the widget keeps its session id (sessionStorage) and rejoins it after a page reload
            "session_persistence": True,
            **web,
        },
    }
    if _channel_enabled(settings, "Facebook Messenger", FACEBOOK_REQUIRED):
        cfg[FACEBOOK_CHANNEL] = {
            "verify": settings.facebook_verify_token,
            "secret": settings.facebook_app_secret,
            "page-access-token": settings.facebook_page_access_token,
            "graph_url": settings.facebook_graph_url,
            "timeout": settings.channel_timeout_seconds,
            **limits,
        }
    if _channel_enabled(settings, "Telegram", TELEGRAM_REQUIRED):
        cfg[TELEGRAM_CHANNEL] = {
            "access_token": settings.telegram_access_token,
            "verify": settings.telegram_verify,
            "webhook_url": settings.telegram_webhook_url,
            "secret_token": settings.telegram_secret_token,
            "api_server": settings.telegram_api_server or None,
            "timeout": settings.channel_timeout_seconds,
            **limits,
        }
    if _channel_enabled(settings, "WhatsApp", WHATSAPP_REQUIRED):
        cfg[WHATSAPP_CHANNEL] = whatsapp_credentials(settings, limits)
    return cfg


def whatsapp_credentials(settings: Settings, limits: dict[str, Any]) -> dict[str, Any]:
    """The WhatsApp channel's entry; its pseudonym key is derived from SESSION_SECRET (never the secret itself)."""
    import hashlib
    import hmac

    key = hmac.new(session_secret(settings).encode(), b"whatsapp-pseudonym-v1", hashlib.sha256).hexdigest()
    return {
        "access_token": settings.whatsapp_access_token,
        "phone_number_id": settings.whatsapp_phone_number_id,
        "app_secret": settings.whatsapp_app_secret,
        "verify_token": settings.whatsapp_verify_token,
        "api_url": settings.whatsapp_api_url,
        "api_version": settings.whatsapp_api_version,
        "template": settings.whatsapp_template or None,
        "pseudonym_key": key,
        "timeout": settings.channel_timeout_seconds,
        **limits,
    }


def render(out_dir: Path, settings: Settings | None = None) -> tuple[Path, Path]:
    settings = settings or get_settings()
    out_dir.mkdir(parents=True, exist_ok=True)
    ep, cr = out_dir / "endpoints.yml", out_dir / "credentials.yml"
    header = "# generated by tooling/runtime_config.py from the environment; do not edit\n"
    ep.write_text(header + yaml.safe_dump(endpoints(settings), sort_keys=False, allow_unicode=True))
    ep.chmod(0o600)
    cr.write_text(header + yaml.safe_dump(credentials(settings), sort_keys=False, allow_unicode=True))
    cr.chmod(0o600)
    return ep, cr


if __name__ == "__main__":
    s = get_settings()
    for path in render(s.var_dir / "run", s):
        print(path)
