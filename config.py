"""The one place that reads configuration from the environment (imports nothing of the project).

Every setting has a documented default (see README "Configuration"). Secrets have no default.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent


class ConfigurationError(ValueError):
    """A setting has a value the assistant cannot work with (the message names the variable)."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Settings:
    # storage
    var_dir: Path = field(default_factory=lambda: Path(_env("VAR_DIR", str(ROOT / "var"))))
    database_url: str = field(default_factory=lambda: _env("DATABASE_URL", ""))
    # privacy
    privacy_url: str = field(default_factory=lambda: _env("PRIVACY_URL", "http://localhost:8080/datenschutz.html"))
    consent_version: str = field(default_factory=lambda: _env("CONSENT_VERSION", "2026-11-v1"))
    # retention (``leads retention``, run daily): conversations without a lead, and leads
    conversation_retention_days: float = field(default_factory=lambda: float(_int("CONVERSATION_RETENTION_DAYS", 30)))
    lead_retention_days: float = field(default_factory=lambda: float(_int("LEAD_RETENTION_DAYS", 730)))
    # consultant hand-off
    consultant_email: str = field(default_factory=lambda: _env("CONSULTANT_EMAIL", "berater@example.com"))
    mail_from: str = field(default_factory=lambda: _env("MAIL_FROM", "assistent@example.com"))
    smtp_host: str = field(default_factory=lambda: _env("SMTP_HOST", ""))
    smtp_port: int = field(default_factory=lambda: _int("SMTP_PORT", 25))
    smtp_user: str = field(default_factory=lambda: _env("SMTP_USER", ""))
    smtp_password: str = field(default_factory=lambda: _env("SMTP_PASSWORD", ""))
    smtp_starttls: bool = field(default_factory=lambda: _env("SMTP_STARTTLS", "false").lower() == "true")
    crm_webhook_url: str = field(default_factory=lambda: _env("CRM_WEBHOOK_URL", ""))
    outbox_max_attempts: int = field(default_factory=lambda: _int("OUTBOX_MAX_ATTEMPTS", 20))
    # lead storage / outbox (leads)
    outbox_interval_seconds: int = field(default_factory=lambda: _int("OUTBOX_INTERVAL_SECONDS", 30))
    notify_timeout_seconds: int = field(default_factory=lambda: _int("NOTIFY_TIMEOUT_SECONDS", 15))
    crm_webhook_token: str = field(default_factory=lambda: _env("CRM_WEBHOOK_TOKEN", ""))
    # contact alternatives offered when no consent / no email
    consultant_contact_text: str = field(
        default_factory=lambda: _env("CONSULTANT_CONTACT", "per E-Mail an berater@example.com")
    )

    # the consultant's offer (name, formats, prices, dates), validated when the action server starts
    offer_file: Path = field(default_factory=lambda: Path(_env("OFFER_FILE", str(ROOT / "offer.yml"))))

    # servers (the run command, the tests and the benchmark start them with these)
    host: str = field(default_factory=lambda: _env("HOST", "127.0.0.1"))
    rasa_port: int = field(default_factory=lambda: _int("RASA_PORT", 5005))
    action_port: int = field(default_factory=lambda: _int("ACTION_PORT", 5055))
    web_port: int = field(default_factory=lambda: _int("WEB_PORT", 8080))
    # the public URLs as a browser sees them (behind a reverse proxy in production)
    web_origin: str = field(default_factory=lambda: _env("WEB_ORIGIN", ""))
    rasa_public_url: str = field(default_factory=lambda: _env("RASA_PUBLIC_URL", ""))
    action_server_url: str = field(default_factory=lambda: _env("ACTION_SERVER_URL", ""))
    tracker_store_url: str = field(default_factory=lambda: _env("TRACKER_STORE_URL", ""))
    lock_store_url: str = field(default_factory=lambda: _env("LOCK_STORE_URL", ""))  # redis://host:6379/0
    model_path: str = field(default_factory=lambda: _env("MODEL_PATH", str(ROOT / "models")))
    # model server (Rasa's ``models:`` endpoint, tooling/model_server.py): unset, every replica loads MODEL_PATH;
    # set, every replica pulls the published model from it (ETag) every MODEL_PULL_INTERVAL seconds
    model_server_url: str = field(default_factory=lambda: _env("MODEL_SERVER_URL", ""))
    model_pull_interval: int = field(default_factory=lambda: max(1, _int("MODEL_PULL_INTERVAL", 60)))
    # messenger channels: each is enabled only when its variables are set
    facebook_verify_token: str = field(default_factory=lambda: _env("FACEBOOK_VERIFY_TOKEN", ""))
    facebook_app_secret: str = field(default_factory=lambda: _env("FACEBOOK_APP_SECRET", ""))
    facebook_page_access_token: str = field(default_factory=lambda: _env("FACEBOOK_PAGE_ACCESS_TOKEN", ""))
    telegram_access_token: str = field(default_factory=lambda: _env("TELEGRAM_ACCESS_TOKEN", ""))
    telegram_verify: str = field(default_factory=lambda: _env("TELEGRAM_VERIFY", ""))  # the bot's username
    telegram_webhook_url: str = field(default_factory=lambda: _env("TELEGRAM_WEBHOOK_URL", ""))
    telegram_secret_token: str = field(default_factory=lambda: _env("TELEGRAM_SECRET_TOKEN", ""))
    telegram_api_server: str = field(default_factory=lambda: _env("TELEGRAM_API_SERVER", ""))
    # the Graph API base the Messenger channel posts replies to (a local stand-in in tests)
    facebook_graph_url: str = field(
        default_factory=lambda: _env("FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v21.0")
    )
    # WhatsApp Business Cloud API (rasa_addons/whatsapp.py): enabled when the four secrets are set
    whatsapp_access_token: str = field(default_factory=lambda: _env("WHATSAPP_ACCESS_TOKEN", ""))
    whatsapp_phone_number_id: str = field(default_factory=lambda: _env("WHATSAPP_PHONE_NUMBER_ID", ""))
    whatsapp_app_secret: str = field(default_factory=lambda: _env("WHATSAPP_APP_SECRET", ""))
    whatsapp_verify_token: str = field(default_factory=lambda: _env("WHATSAPP_VERIFY_TOKEN", ""))
    whatsapp_api_url: str = field(default_factory=lambda: _env("WHATSAPP_API_URL", "https://graph.facebook.com"))
    whatsapp_api_version: str = field(default_factory=lambda: _env("WHATSAPP_API_VERSION", "v21.0"))
    # approved template sent instead of a free-form reply outside the 24 h window (unset: nothing is sent)
    whatsapp_template: str = field(default_factory=lambda: _env("WHATSAPP_TEMPLATE", ""))
    # seconds a reply to Messenger / Telegram may take before it is given up (logged, never retried)
    channel_timeout_seconds: int = field(default_factory=lambda: _int("CHANNEL_TIMEOUT_SECONDS", 10))
    # input limits of every channel (rasa_addons/limits.py): longer messages get a German notice and are not
    # processed; larger request bodies get 413
    max_message_chars: int = field(default_factory=lambda: _int("MAX_MESSAGE_CHARS", 2000))
    max_request_bytes: int = field(default_factory=lambda: _int("MAX_REQUEST_BYTES", 256 * 1024))
    # rate limits (messages a minute; 0: off): per conversation on every channel, per client address on the web
    rate_limit_per_conversation: int = field(default_factory=lambda: _int("RATE_LIMIT_PER_CONVERSATION", 30))
    rate_limit_per_ip: int = field(default_factory=lambda: _int("RATE_LIMIT_PER_IP", 120))
    # reverse proxies in front of Rasa whose X-Forwarded-For is trusted for the client address (nginx: 1)
    trusted_proxies: int = field(default_factory=lambda: _int("TRUSTED_PROXIES", 0))
    # shared secret Rasa sends with every action call (Authorization: Bearer ...); unset: generated once into
    # VAR_DIR/secrets/ (embedded profile; set it on every host when Rasa and the action server run apart)
    action_server_token: str = field(default_factory=lambda: _env("ACTION_SERVER_TOKEN", ""))
    # key that signs the web chat's session tokens (rasa_addons/sessions.py); unset: generated once into
    # VAR_DIR/secrets/ (set the same value on every Rasa replica)
    session_secret: str = field(default_factory=lambda: _env("SESSION_SECRET", ""))
    # the consultant's workspace (workspace/): its own port; the login password as an argon2 hash
    # (python -m workspace.password); unset: the run command prints a one-time password at start
    workspace_port: int = field(default_factory=lambda: _int("WORKSPACE_PORT", 8081))
    workspace_password_hash: str = field(default_factory=lambda: _env("WORKSPACE_PASSWORD_HASH", ""))
    # key that signs the workspace's session cookies; unset: generated once into VAR_DIR/secrets/
    workspace_session_secret: str = field(default_factory=lambda: _env("WORKSPACE_SESSION_SECRET", ""))
    # the session cookie's Secure flag: on behind HTTPS; "false" only for http://localhost
    workspace_secure_cookies: bool = field(
        default_factory=lambda: _env("WORKSPACE_SECURE_COOKIES", "true").lower() != "false")
    workspace_session_hours: int = field(default_factory=lambda: _int("WORKSPACE_SESSION_HOURS", 8))
    # failed logins per client address within 15 minutes before further attempts are refused
    workspace_login_attempts: int = field(default_factory=lambda: _int("WORKSPACE_LOGIN_ATTEMPTS", 5))
    # origins whose pages may open the socket.io chat (besides WEB_ORIGIN), comma-separated
    allowed_origins_extra: str = field(default_factory=lambda: _env("ALLOWED_ORIGINS", ""))
    # host names the Rasa server answers to (besides loopback, HOST and those of WEB_ORIGIN / RASA_PUBLIC_URL)
    allowed_hosts_extra: str = field(default_factory=lambda: _env("ALLOWED_HOSTS", ""))

    @property
    def web_origin_url(self) -> str:
        return self.web_origin or f"http://localhost:{self.web_port}"

    @property
    def allowed_origins(self) -> list[str]:
        """The origins allowed to open the socket.io chat: ``WEB_ORIGIN`` (or the demo page) plus
        ``ALLOWED_ORIGINS``."""
        extra = [o.strip().rstrip("/") for o in self.allowed_origins_extra.split(",") if o.strip()]
        return list(dict.fromkeys([self.web_origin_url.rstrip("/"), *extra]))

    @property
    def allowed_hosts(self) -> set[str]:
        """Host names a request to the Rasa server may carry in its Host header (DNS rebinding: a foreign name
        pointing at this server is refused)."""
        hosts = {"localhost", "127.0.0.1", "::1", self.host}
        for url in (self.web_origin_url, self.rasa_public_url):
            if url:
                hosts.add((urlsplit(url).hostname or "").lower())
        hosts.update(h.strip().lower() for h in self.allowed_hosts_extra.split(",") if h.strip())
        return {h for h in hosts if h}

    @property
    def action_endpoint(self) -> str:
        return self.action_server_url or f"http://{self.host}:{self.action_port}/webhook"

    @property
    def tracker_store_database_url(self) -> str:
        return self.tracker_store_url or f"sqlite:///{self.var_dir / 'rasa.db'}"

    @property
    def leads_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'leads.db'}"

    @property
    def spool_dir(self) -> Path:
        """Where leads wait (fsync'd JSON lines) while the database is unreachable."""
        return self.var_dir / "spool"


#: what a shared secret may consist of (no whitespace, nothing Rasa's YAML reader would substitute)
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9._~+/=-]{32,512}$")


def action_server_token(settings: Settings) -> str:
    """The secret between Rasa and the action server: ``ACTION_SERVER_TOKEN``, else the one generated once into
    ``VAR_DIR/secrets/action_server_token`` (mode 600; never in git). Both servers call this with the same
    ``VAR_DIR``; whichever comes first creates the file (atomically), the other reads it."""
    return _secret(settings, "ACTION_SERVER_TOKEN", settings.action_server_token, "action_server_token")


def session_secret(settings: Settings) -> str:
    """The key that signs web chat session tokens: ``SESSION_SECRET``, else generated once into
    ``VAR_DIR/secrets/session_secret``. Every Rasa replica needs the same value."""
    return _secret(settings, "SESSION_SECRET", settings.session_secret, "session_secret")


def workspace_session_secret(settings: Settings) -> str:
    """The key that signs the workspace's session cookies: ``WORKSPACE_SESSION_SECRET``, else generated once
    into ``VAR_DIR/secrets/workspace_session_secret``."""
    return _secret(settings, "WORKSPACE_SESSION_SECRET", settings.workspace_session_secret,
                   "workspace_session_secret")


def _secret(settings: Settings, variable: str, value: str, file_name: str) -> str:
    if value:
        if not TOKEN_PATTERN.match(value):
            raise ConfigurationError(
                f"{variable} must be 32-512 characters of A-Z a-z 0-9 . _ ~ + / = - "
                "(e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
            )
        return value
    folder = settings.var_dir / "secrets"
    path = folder / file_name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = folder / f".{file_name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(32) + "\n")
        try:
            os.link(tmp, path)  # atomic: fails when another process was first
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    token = path.read_text().strip()
    if not TOKEN_PATTERN.match(token):
        raise ConfigurationError(f"{path} does not hold a valid token: delete it to generate a new one")
    return token


def get_settings() -> Settings:
    """Fresh settings from the current environment (cheap; tests change the environment)."""
    return Settings()
