"""Sending the outbox: the brief to the consultant by SMTP, the lead as JSON to a CRM webhook; the worker.

Rows come from the queue in ``leads.outbox`` (claimed atomically, with a lease so a crashed
worker's row is retried), are marked ``sent`` only after a successful send, retried with
exponential backoff, and given up (``failed``) after ``OUTBOX_MAX_ATTEMPTS``. Errors are logged
by class and code only (no personal data).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import logging
import smtplib
import ssl
import threading
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any

from config import Settings
from leads.errors import NotConfigured
from leads.models import OutboxItem, utcnow
from leads.repository import LeadRepository

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600
USER_AGENT = "social-media-assistant-outbox/1"


def backoff_delay(attempts: int) -> dt.timedelta:
    """30 s, 60 s, 2 min, 4 min, ... capped at 6 h (``attempts`` = failed tries so far)."""
    exponent = max(0, attempts - 1)
    seconds = BACKOFF_BASE_SECONDS * (2 ** min(exponent, 20))
    return dt.timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def describe_error(exc: BaseException) -> str:
    """Error class and protocol code, never the message text (it may echo addresses)."""
    name = type(exc).__name__
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{name}: SMTP {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
        return f"{name}: SMTP {','.join(map(str, codes))}"
    if isinstance(exc, urllib.error.HTTPError):
        return f"{name}: HTTP {exc.code}"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{name}: errno {exc.errno}"
    return name


# --------------------------------------------------------------------------- senders


def _message_id(dedup: str, mail_from: str) -> str:
    domain = mail_from.rsplit("@", 1)[-1].strip(" >") or "localhost"
    digest = hashlib.sha256(dedup.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def build_email(settings: Settings, payload: dict[str, Any], dedup: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = payload["subject"]
    msg["From"] = settings.mail_from
    msg["To"] = settings.consultant_email
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    # Same content -> same Message-ID: mail systems can drop a duplicate after a crash.
    msg["Message-ID"] = _message_id(dedup, settings.mail_from)
    msg["X-Lead-Dedup-Key"] = dedup
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(payload["body"], charset="utf-8")
    return msg


def send_email(settings: Settings, payload: dict[str, Any], dedup: str) -> None:
    if not settings.smtp_host:
        raise NotConfigured("SMTP_HOST")
    msg = build_email(settings, payload, dedup)
    timeout = settings.notify_timeout_seconds
    if settings.smtp_port == 465:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with client as smtp:
        smtp.ehlo()
        if settings.smtp_starttls and settings.smtp_port != 465:
            smtp.starttls(context=ssl.create_default_context())
            smtp.ehlo()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        smtp.send_message(msg)


def send_webhook(settings: Settings, payload: dict[str, Any], dedup: str) -> None:
    if not settings.crm_webhook_url:
        raise NotConfigured("CRM_WEBHOOK_URL")
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Idempotency-Key": dedup,
        "User-Agent": USER_AGENT,
    }
    if settings.crm_webhook_token:
        headers["Authorization"] = f"Bearer {settings.crm_webhook_token}"
    request = urllib.request.Request(settings.crm_webhook_url, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=settings.notify_timeout_seconds) as response:  # noqa: S310
        if not 200 <= response.status < 300:
            raise urllib.error.HTTPError(
                settings.crm_webhook_url, response.status, "unexpected status", response.headers, None
            )


SENDERS = {"email": send_email, "webhook": send_webhook}


def _configured(settings: Settings, kind: str) -> bool:
    return bool(settings.smtp_host) if kind == "email" else bool(settings.crm_webhook_url)


# --------------------------------------------------------------------------- processing


def process_outbox(
    repo: LeadRepository,
    settings: Settings | None = None,
    now: dt.datetime | None = None,
    *,
    limit: int = 100,
) -> dict[str, int]:
    """Send every due outbox row once. Returns counts: sent, retry, failed, skipped
    (another worker had the row), unconfigured (channel not set up; row stays pending)."""
    settings = settings or repo.settings
    now = now or utcnow()
    counts = {"sent": 0, "retry": 0, "failed": 0, "skipped": 0, "unconfigured": 0}
    for item_id, kind in repo.due_outbox(now, limit=limit):
        if not _configured(settings, kind):
            counts["unconfigured"] += 1
            continue
        item = repo.claim_outbox(item_id, now)
        if item is None:
            counts["skipped"] += 1
            continue
        _send_claimed(repo, settings, item, now, counts)
    if counts["unconfigured"]:
        log.warning("outbox_unconfigured rows=%d (set SMTP_HOST / CRM_WEBHOOK_URL)", counts["unconfigured"])
    return counts


def _send_claimed(
    repo: LeadRepository, settings: Settings, item: OutboxItem, now: dt.datetime, counts: dict[str, int]
) -> None:
    try:
        SENDERS[item.kind](settings, item.payload, item.dedup_key)
    except Exception as exc:  # noqa: BLE001 - every failure is retried or recorded
        error = describe_error(exc)
        if item.attempts >= settings.outbox_max_attempts:
            repo.mark_failed_attempt(item, error, retry_at=None)
            counts["failed"] += 1
            log.error("outbox_failed id=%s lead_id=%s kind=%s attempts=%d error=%s",
                      item.id, item.lead_id, item.kind, item.attempts, error)
        else:
            retry_at = now + backoff_delay(item.attempts)
            repo.mark_failed_attempt(item, error, retry_at=retry_at)
            counts["retry"] += 1
            log.warning("outbox_retry id=%s lead_id=%s kind=%s attempts=%d error=%s retry_at=%s",
                        item.id, item.lead_id, item.kind, item.attempts, error, retry_at.isoformat())
        return
    if repo.mark_sent(item, now):
        counts["sent"] += 1
        log.info("outbox_sent id=%s lead_id=%s kind=%s attempts=%d", item.id, item.lead_id, item.kind, item.attempts)
    else:  # our lease ran out and another worker took the row over meanwhile
        log.warning("outbox_lease_lost id=%s kind=%s", item.id, item.kind)
        counts["sent"] += 1


def run_maintenance(repo: LeadRepository, settings: Settings | None = None,
                    now: dt.datetime | None = None) -> dict[str, int]:
    """One round of the worker: spool -> database, repeated erasures, outbox."""
    counts: dict[str, int] = {"spool_flushed": repo.flush_spool()}
    counts["events_erased"] = repo.process_erasures(now)
    counts.update(process_outbox(repo, settings, now))
    return counts


class OutboxWorker:
    """Runs ``run_maintenance`` every ``interval`` seconds (OUTBOX_INTERVAL_SECONDS).

    Thread: ``worker.start()`` / ``worker.wake()`` (after a save) / ``worker.stop()``.
    asyncio: ``task = asyncio.create_task(worker.run_async())``; cancel the task to stop.
    Errors (e.g. database down) are logged and retried on the next round.
    """

    def __init__(self, repo: LeadRepository, settings: Settings | None = None,
                 interval: float | None = None) -> None:
        self.repo = repo
        self.settings = settings or repo.settings
        self.interval = float(interval if interval is not None else self.settings.outbox_interval_seconds)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0

    def run_once(self) -> dict[str, int]:
        try:
            counts = run_maintenance(self.repo, self.settings)
        except Exception as exc:  # noqa: BLE001 - the worker must keep running
            log.warning("outbox_round_failed error=%s", describe_error(exc))
            counts = {"error": 1}
        self.rounds += 1
        return counts

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._wake.wait(self.interval)
            self._wake.clear()

    def start(self) -> OutboxWorker:
        if self._thread is None or not self._thread.is_alive():
            self._stop.clear()
            self._thread = threading.Thread(target=self._loop, name="lead-outbox", daemon=True)
            self._thread.start()
        return self

    def wake(self) -> None:
        """Run a round now (e.g. right after a lead was saved)."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    async def run_async(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await loop.run_in_executor(None, self.run_once)
            await asyncio.sleep(self.interval)


__all__ = [
    "NotConfigured", "OutboxWorker", "backoff_delay", "build_email", "describe_error",
    "process_outbox", "run_maintenance", "send_email", "send_webhook",
]
