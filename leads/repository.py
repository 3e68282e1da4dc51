"""Lead storage: SQLAlchemy (2.0 style on 1.4) over SQLite or PostgreSQL, with an outbox and a spool.

* One lead per conversation (Rasa ``sender_id``), updated in place (upsert), never duplicated.
* Nothing is stored without consent: ``save_lead`` raises ``ValueError`` without ``consent_at``.
* ``save_lead`` queues the notifications (e-mail always, CRM webhook when configured) in the
  same transaction, so a stored lead is always announced and an unchanged lead never twice.
* If the database is unreachable, the lead goes to an fsync'd local spool file and is written
  later by ``flush_spool`` (at the start of every save, by the outbox worker, by ``leads flush``).
* The schema is created by Alembic (``migrations/``) on first use.

No Rasa import here. Logs carry ids and error classes only, never personal data.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import and_, create_engine, delete, event, func, inspect, or_, select, update
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql import column, table

from config import ROOT, Settings, get_settings
from leads.briefing import build_brief
from leads.models import CRITERIA_KEYS, UTC, ErasureRequest, Lead, OutboxItem, utcnow
from leads.validation import normalize_phone, validate_email

log = logging.getLogger(__name__)

STORED = "stored"
PENDING = "pending"
MIGRATIONS_DIR = ROOT / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 15_000
PG_CONNECT_TIMEOUT_S = 5
MAX_CONVERSATION_ID_LEN = 512
DEFAULT_CLAIM_LEASE = dt.timedelta(minutes=10)
DEFAULT_ERASURE_RECHECK_SECONDS = 120
SPOOL_FORMAT = 1
PLACEHOLDERS = {"", "-", "–", "—"}
CONTACT_ALIASES = {"contact_name": "name"}

# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py: SQLEvent)
_EVENTS = table("events", column("sender_id"), column("timestamp"))


# --------------------------------------------------------------------------- errors


def is_unavailable(exc: BaseException) -> bool:
    """True when ``exc`` means "the database cannot be reached right now" (spool and retry)."""
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return False


# --------------------------------------------------------------------------- engines


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def make_engine(url: str, *, wal: bool = True, create_dir: bool = True) -> Engine:
    """A future-style engine; for SQLite: parent folder created, WAL, busy timeout, FKs on,
    and ``BEGIN IMMEDIATE`` transactions (writers queue instead of failing on lock upgrades)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if backend == "sqlite":
        path = _sqlite_path(url)
        if path is not None and create_dir:
            path.parent.mkdir(parents=True, exist_ok=True)
        connect_args: dict[str, Any] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        if path is None:
            kwargs["poolclass"] = StaticPool
        kwargs["connect_args"] = connect_args
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see below)
            cursor = dbapi_conn.cursor()
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            if wal and path is not None:
                cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if backend == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": PG_CONNECT_TIMEOUT_S}
        kwargs["pool_size"] = 5
        kwargs["max_overflow"] = 5
    return create_engine(url, **kwargs)


# --------------------------------------------------------------------------- migrations


def _alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _at_head(engine: Engine, cfg: AlembicConfig) -> bool:
    heads = set(ScriptDirectory.from_config(cfg).get_heads())
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    return current == heads


# Alembic's `context` and `op` are process-wide proxies: one migration at a time per process.
_MIGRATION_LOCK = threading.Lock()


def upgrade_database(engine: Engine, attempts: int = 4) -> None:
    """``alembic upgrade head`` on ``engine``; idempotent and safe when processes race.

    PostgreSQL: env.py takes an advisory transaction lock; SQLite: the whole upgrade runs in
    one ``BEGIN IMMEDIATE`` transaction; threads of one process take turns. If a concurrent
    upgrade still trips us, we check whether the schema is at head now and retry otherwise.
    """
    with _MIGRATION_LOCK:
        _upgrade(engine, attempts)


def _upgrade(engine: Engine, attempts: int) -> None:
    cfg = _alembic_config()
    for attempt in range(attempts):
        try:
            with engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            return
        except SQLAlchemyError as exc:
            try:
                if _at_head(engine, cfg):
                    return
            except SQLAlchemyError:
                raise exc from None  # unreachable: let the caller spool
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
        finally:
            cfg.attributes.pop("connection", None)


# --------------------------------------------------------------------------- spool


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LeadSpool:
    """Leads waiting for the database: one JSON object per line, fsync'd, file mode 0600.

    An exclusive ``flock`` serialises writers and the flusher across processes.
    """

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self.path = self.directory / "leads.jsonl"
        self.rejected_path = self.directory / "leads.rejected.jsonl"
        self._lock_path = self.directory / ".lock"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self._lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def has_entries(self) -> bool:
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def _append_lines(self, path: Path, lines: Iterable[str]) -> None:
        data = "".join(lines).encode("utf-8")
        new = not path.exists()
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                data = b"\n" + data  # a crash cut the last line: never glue a new one onto it
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        if new:
            _fsync_dir(self.directory)

    def append(self, entry: Mapping[str, Any]) -> None:
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n"
        with self._locked():
            self._append_lines(self.path, [line])

    def _read_lines(self) -> list[str]:
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return []
        return [line for line in text.splitlines() if line.strip()]

    def _rewrite(self, lines: list[str]) -> None:
        if not lines:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            _fsync_dir(self.directory)
            return
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, ("\n".join(lines) + "\n").encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        _fsync_dir(self.directory)

    def entries(self) -> list[dict[str, Any]]:
        with self._locked():
            out = []
            for line in self._read_lines():
                with contextlib.suppress(ValueError):
                    out.append(json.loads(line))
            return out

    def drain(
        self,
        handler: Callable[[dict[str, Any]], None],
        is_transient: Callable[[BaseException], bool],
    ) -> int:
        """Hand every entry to ``handler`` in order; keep what fails transiently (and all
        after it), set aside what can never be stored (``leads.rejected.jsonl``)."""
        if not self.has_entries():
            return 0
        with self._locked():
            lines = self._read_lines()
            remaining: list[str] = []
            rejected: list[str] = []
            done = 0
            error: BaseException | None = None
            for line in lines:
                if error is not None:
                    remaining.append(line)
                    continue
                try:
                    entry = json.loads(line)
                    handler(entry)
                    done += 1
                except Exception as exc:  # noqa: BLE001 - classified below
                    if is_transient(exc):
                        error = exc
                        remaining.append(line)
                    else:
                        log.error("lead_spool_entry_rejected error=%s", type(exc).__name__)
                        rejected.append(line + "\n")
            if rejected:
                self._append_lines(self.rejected_path, rejected)
            if done or rejected:
                self._rewrite(remaining)
            if error is not None:
                raise error
            return done

    def remove(self, predicate: Callable[[dict[str, Any]], bool]) -> int:
        """Drop entries (erasure requests reach the spool too)."""
        if not self.has_entries():
            return 0
        with self._locked():
            keep: list[str] = []
            removed = 0
            for line in self._read_lines():
                try:
                    drop = predicate(json.loads(line))
                except Exception:  # noqa: BLE001 - unreadable lines are kept as they are
                    drop = False
                if drop:
                    removed += 1
                else:
                    keep.append(line)
            if removed:
                self._rewrite(keep)
            return removed


# --------------------------------------------------------------------------- value helpers


def _verbatim(value: Any) -> str | None:
    """Store text as given; only what no database can hold (NUL, lone surrogates) is dropped."""
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    if "\x00" in text or any(0xD800 <= ord(ch) <= 0xDFFF for ch in text):
        text = "".join(ch for ch in text if ch != "\x00" and unicodedata.category(ch) != "Cs")
    return None if text.strip() in PLACEHOLDERS else text


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _reason_text(reason: Any) -> str:
    if isinstance(reason, str):
        return reason
    text = getattr(reason, "text", None)
    if isinstance(text, str) and text:
        return text
    if dataclasses.is_dataclass(reason) and not isinstance(reason, type):
        reason = dataclasses.asdict(reason)
    if isinstance(reason, Mapping):
        answer = reason.get("answer_text") or reason.get("text") or ""
        target = reason.get("points_to")
        labels = {"seminar": "Seminar", "workshop": "Workshop"}
        if target:
            return f"{answer} (spricht für: {labels.get(str(target), str(target))})".strip()
        return str(answer)
    return str(reason)


def parse_consent_at(value: Any) -> dt.datetime:
    """Consent timestamp as aware UTC datetime (datetime, ISO string or epoch seconds)."""
    if value is None or value is False or value == "":
        raise ValueError("consent_at is required: nothing personal is stored without consent")
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = dt.datetime.fromtimestamp(float(value), UTC)
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("consent_at is not an ISO timestamp") from None
    else:
        raise ValueError("consent_at must be a datetime")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


_CONTENT_FIELDS = (
    "channel", "name", "company", "email", "phone", "preferred_contact", "criteria",
    "recommendation", "phase", "reasons", "open_questions", "consent_version",
)


def content_hash(data: Mapping[str, Any]) -> str:
    """What the consultant receives; an unchanged hash means nothing new to send."""
    payload = {key: data.get(key) for key in _CONTENT_FIELDS}
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def dedup_key(kind: str, lead: Lead) -> str:
    """Unique per lead, kind and content version (no personal data: safe as a header)."""
    return f"{kind}:lead-{lead.id}:v{lead.version}:{(lead.content_hash or '')[:16]}"


def _to_spool(data: Mapping[str, Any], saved_at: dt.datetime) -> dict[str, Any]:
    fields = dict(data)
    fields["consent_at"] = data["consent_at"].isoformat()
    return {"format": SPOOL_FORMAT, "saved_at": saved_at.isoformat(), "lead": fields}


def _from_spool(entry: Mapping[str, Any]) -> tuple[dict[str, Any], dt.datetime]:
    if entry.get("format") != SPOOL_FORMAT:
        raise ValueError("unknown spool format")
    fields = dict(entry["lead"])
    fields["consent_at"] = parse_consent_at(fields["consent_at"])
    return fields, parse_consent_at(entry["saved_at"])


# --------------------------------------------------------------------------- repository


class LeadRepository:
    """Storage of leads, their outbox and erasure of conversations.

    ``url`` defaults to ``settings.leads_database_url``; ``tracker_store_url`` (Rasa's SQL
    tracker store, table ``events``) to ``settings.tracker_store_database_url``.
    Thread-safe; several processes may share one database.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        tracker_store_url: str | None = None,
        settings: Settings | None = None,
        spool_dir: Path | str | None = None,
        erasure_recheck_seconds: int = DEFAULT_ERASURE_RECHECK_SECONDS,
        claim_lease: dt.timedelta = DEFAULT_CLAIM_LEASE,
    ) -> None:
        self.settings = settings or get_settings()
        self.url = url or self.settings.leads_database_url
        self.tracker_store_url = tracker_store_url or self.settings.tracker_store_database_url
        self.spool = LeadSpool(spool_dir or self.settings.spool_dir)
        self.erasure_recheck = dt.timedelta(seconds=erasure_recheck_seconds)
        self.claim_lease = claim_lease
        self.engine = make_engine(self.url)
        self._tracker_engine: Engine | None = None
        self._schema_ready = False
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<LeadRepository {make_url(self.url).render_as_string(hide_password=True)}>"

    # ------------------------------------------------------------------ plumbing

    def close(self) -> None:
        self.engine.dispose()
        if self._tracker_engine is not None and self._tracker_engine is not self.engine:
            self._tracker_engine.dispose()

    def ensure_schema(self) -> None:
        """Run ``alembic upgrade head`` once per repository (idempotent, race-safe)."""
        if self._schema_ready:
            return
        with self._lock:
            if not self._schema_ready:
                upgrade_database(self.engine)
                self._schema_ready = True

    def session(self) -> Session:
        self.ensure_schema()
        return Session(self.engine, future=True, expire_on_commit=False)

    # ------------------------------------------------------------------ saving

    def save_lead(
        self,
        conversation_id: str,
        *,
        channel: str | None = None,
        contact: Mapping[str, Any],
        criteria: Mapping[str, Any] | None = None,
        recommendation: str | None = None,
        phase: str | None = None,
        reasons: Iterable[Any] = (),
        open_questions: Iterable[Any] = (),
        consent_at: dt.datetime | str | float | None,
        consent_version: str | None,
        consent_text: str | None = None,
    ) -> Lead:
        """Create or update the one lead of ``conversation_id`` and queue its notifications.

        ``contact`` keys: name (or contact_name), company, email, phone, preferred_contact;
        "–"/"-"/"" mean "none". The e-mail address and phone number are normalised
        (``validate_email``, ``normalize_phone`` to E.164); invalid values raise ``ValueError``,
        as does a missing ``consent_at``/``consent_version``.

        Returns the lead; ``lead.storage_status`` is ``"stored"``, or ``"pending"`` when the
        database was unreachable and the lead waits in the spool (``lead.id`` is then None).
        """
        data = self.prepare_lead(
            conversation_id,
            channel=channel,
            contact=contact,
            criteria=criteria,
            recommendation=recommendation,
            phase=phase,
            reasons=reasons,
            open_questions=open_questions,
            consent_at=consent_at,
            consent_version=consent_version,
            consent_text=consent_text,
        )
        as_of = utcnow()
        try:
            self.flush_spool()
            lead = self._upsert(data, as_of)
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            self.spool.append(_to_spool(data, as_of))
            log.warning(
                "lead_spooled conversation_id=%s reason=%s", data["conversation_id"], type(exc).__name__
            )
            lead = Lead(**data, content_hash=content_hash(data), version=None,
                        created_at=as_of, updated_at=as_of)
            lead.storage_status = PENDING
            return lead
        lead.storage_status = STORED
        return lead

    def prepare_lead(
        self,
        conversation_id: str,
        *,
        channel: str | None,
        contact: Mapping[str, Any],
        criteria: Mapping[str, Any] | None,
        recommendation: str | None,
        phase: str | None,
        reasons: Iterable[Any],
        open_questions: Iterable[Any],
        consent_at: Any,
        consent_version: str | None,
        consent_text: str | None = None,
    ) -> dict[str, Any]:
        """Validate and normalise a lead (no database access)."""
        consent = parse_consent_at(consent_at)
        if not consent_version or not str(consent_version).strip():
            raise ValueError("consent_version is required")
        if not isinstance(conversation_id, str) or not conversation_id.strip():
            raise ValueError("conversation_id is required")
        if len(conversation_id) > MAX_CONVERSATION_ID_LEN or "\x00" in conversation_id:
            raise ValueError("conversation_id is not a valid Rasa sender id")
        fields: dict[str, Any] = {}
        for key, value in dict(contact or {}).items():
            fields[CONTACT_ALIASES.get(key, key)] = value
        email = _verbatim(fields.get("email"))
        if email is not None:
            normalised = validate_email(email)
            if normalised is None:
                raise ValueError("contact email is not a valid e-mail address")
            email = normalised
        phone = _verbatim(fields.get("phone"))
        if phone is not None:
            normalised = normalize_phone(phone)
            if normalised is None:
                raise ValueError("contact phone is not a valid phone number")
            phone = normalised
        crit_in = dict(criteria or {})
        crit = {key: _jsonable(crit_in.get(key)) for key in CRITERIA_KEYS}
        for key, value in crit_in.items():
            if key not in crit:
                crit[str(key)] = _jsonable(value)
        return {
            "conversation_id": conversation_id,
            "channel": _verbatim(channel),
            "name": _verbatim(fields.get("name")),
            "company": _verbatim(fields.get("company")),
            "email": email,
            "phone": phone,
            "preferred_contact": _verbatim(fields.get("preferred_contact")),
            "criteria": crit,
            "recommendation": _verbatim(recommendation),
            "phase": _verbatim(phase),
            "reasons": [_reason_text(r) for r in (reasons or [])],
            "open_questions": [str(q) for q in (open_questions or [])],
            "consent_at": consent,
            "consent_version": str(consent_version),
            "consent_text_hash": (
                hashlib.sha256(consent_text.encode("utf-8")).hexdigest() if consent_text else None
            ),
        }

    def _upsert(self, data: Mapping[str, Any], as_of: dt.datetime) -> Lead:
        digest = content_hash(data)
        for attempt in range(3):
            try:
                with self.session() as s, s.begin():
                    lead = s.execute(
                        select(Lead).where(Lead.conversation_id == data["conversation_id"]).with_for_update()
                    ).scalar_one_or_none()
                    if lead is None:
                        lead = Lead(**data, content_hash=digest, version=1, created_at=as_of, updated_at=as_of)
                        s.add(lead)
                        s.flush()
                        self._enqueue(s, lead)
                    elif lead.updated_at > as_of:
                        pass  # a newer save already won (e.g. a late spool entry): keep it
                    elif lead.content_hash == digest:
                        lead.consent_at = data["consent_at"]
                        lead.consent_text_hash = data["consent_text_hash"]
                        lead.updated_at = as_of
                    else:
                        for key, value in data.items():
                            setattr(lead, key, value)
                        lead.content_hash = digest
                        lead.version = (lead.version or 0) + 1
                        lead.updated_at = as_of
                        s.flush()
                        self._enqueue(s, lead)
                return lead
            except IntegrityError:
                # two writers inserted the same conversation at once: the loser updates
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ outbox

    def enqueue_notifications(self, lead: Lead, *, session: Session | None = None) -> int:
        """Queue the brief e-mail (always) and the CRM webhook (when CRM_WEBHOOK_URL is set)
        for the lead's current version. Returns the number of new rows (0: already queued)."""
        if session is not None:
            return self._enqueue(session, lead)
        with self.session() as s, s.begin():
            current = s.get(Lead, lead.id)
            if current is None:
                raise LookupError("lead not found")
            return self._enqueue(s, current)

    def _enqueue(self, s: Session, lead: Lead) -> int:
        now = utcnow()
        subject, body = build_brief(lead)
        rows = [("email", {"subject": subject, "body": body})]
        if self.settings.crm_webhook_url:
            rows.append(("webhook", lead.to_dict()))
        keys = [dedup_key(kind, lead) for kind, _ in rows]
        # an older version that has not gone out yet is replaced by this one
        s.execute(
            update(OutboxItem)
            .where(OutboxItem.lead_id == lead.id, OutboxItem.status == "pending",
                   OutboxItem.dedup_key.notin_(keys))
            .values(status="superseded", payload={})
            .execution_options(synchronize_session=False)
        )
        created = 0
        for (kind, payload), key in zip(rows, keys, strict=True):
            values = {
                "lead_id": lead.id, "kind": kind, "payload": payload, "dedup_key": key,
                "status": "pending", "attempts": 0, "next_attempt_at": now, "created_at": now,
            }
            created += self._insert_ignore(s, values)
        return created

    @staticmethod
    def _insert_ignore(s: Session, values: dict[str, Any]) -> int:
        dialect = s.get_bind().dialect.name
        if dialect in ("postgresql", "sqlite"):
            if dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert
            else:
                from sqlalchemy.dialects.sqlite import insert
            stmt = insert(OutboxItem).values(**values).on_conflict_do_nothing(index_elements=["dedup_key"])
            return s.execute(stmt).rowcount or 0
        exists = s.execute(
            select(OutboxItem.id).where(OutboxItem.dedup_key == values["dedup_key"])
        ).first()
        if exists:
            return 0
        s.add(OutboxItem(**values))
        s.flush()
        return 1

    def _claimable(self, now: dt.datetime) -> Any:
        return or_(
            and_(OutboxItem.status == "pending", OutboxItem.next_attempt_at <= now),
            and_(OutboxItem.status == "sending", OutboxItem.claimed_at < now - self.claim_lease),
        )

    def due_outbox(self, now: dt.datetime | None = None, limit: int = 100) -> list[tuple[int, str]]:
        """``(id, kind)`` of rows that may be sent now (due, or with an expired claim)."""
        now = now or utcnow()
        with self.session() as s:
            rows = s.execute(
                select(OutboxItem.id, OutboxItem.kind)
                .where(self._claimable(now))
                .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
                .limit(limit)
            ).all()
        return [(row.id, row.kind) for row in rows]

    def claim_outbox(self, item_id: int, now: dt.datetime | None = None) -> OutboxItem | None:
        """Atomically take one row for sending; None if another worker has it (or it is done)."""
        now = now or utcnow()
        token = uuid.uuid4().hex
        with self.session() as s, s.begin():
            result = s.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item_id, self._claimable(now))
                .values(status="sending", claimed_at=now, claim_token=token,
                        attempts=OutboxItem.attempts + 1)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                return None
            return s.get(OutboxItem, item_id)

    def mark_sent(self, item: OutboxItem, now: dt.datetime | None = None) -> bool:
        """Mark a claimed row sent and drop its payload copy of the personal data."""
        with self.session() as s, s.begin():
            result = s.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item.id, OutboxItem.claim_token == item.claim_token)
                .values(status="sent", sent_at=now or utcnow(), payload={}, claim_token=None,
                        claimed_at=None, last_error=None)
                .execution_options(synchronize_session=False)
            )
            return result.rowcount == 1

    def mark_failed_attempt(
        self,
        item: OutboxItem,
        error: str,
        *,
        retry_at: dt.datetime | None,
    ) -> str:
        """Release a claimed row after a failed send: ``pending`` until ``retry_at``, or
        ``failed`` for good when ``retry_at`` is None."""
        status = "pending" if retry_at is not None else "failed"
        values: dict[str, Any] = {"status": status, "claim_token": None, "claimed_at": None,
                                  "last_error": error[:500]}
        if retry_at is not None:
            values["next_attempt_at"] = retry_at
        with self.session() as s, s.begin():
            s.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item.id, OutboxItem.claim_token == item.claim_token)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
        return status

    def retry_failed(self, now: dt.datetime | None = None) -> int:
        """Put rows that gave up (status failed) back into the queue, attempts reset."""
        with self.session() as s, s.begin():
            result = s.execute(
                update(OutboxItem)
                .where(OutboxItem.status == "failed")
                .values(status="pending", attempts=0, next_attempt_at=now or utcnow())
                .execution_options(synchronize_session=False)
            )
            return result.rowcount or 0

    def outbox_items(self, lead_id: int | None = None) -> list[OutboxItem]:
        with self.session() as s:
            stmt = select(OutboxItem).order_by(OutboxItem.id)
            if lead_id is not None:
                stmt = stmt.where(OutboxItem.lead_id == lead_id)
            return list(s.execute(stmt).scalars())

    # ------------------------------------------------------------------ spool

    def flush_spool(self) -> int:
        """Write spooled leads to the database (upsert, idempotent). Returns how many.

        Raises the database error if it is still unreachable (the rest stays spooled)."""
        if not self.spool.has_entries():
            return 0
        self.ensure_schema()

        def handle(entry: dict[str, Any]) -> None:
            data, saved_at = _from_spool(entry)
            self._upsert(data, saved_at)

        flushed = self.spool.drain(handle, is_transient=is_unavailable)
        if flushed:
            log.info("lead_spool_flushed count=%d", flushed)
        return flushed

    def spooled_count(self) -> int:
        return len(self.spool.entries())

    # ------------------------------------------------------------------ reading

    def get(self, lead_id: int) -> Lead | None:
        with self.session() as s:
            return s.get(Lead, lead_id)

    def get_by_conversation(self, conversation_id: str) -> Lead | None:
        with self.session() as s:
            return s.execute(
                select(Lead).where(Lead.conversation_id == conversation_id)
            ).scalar_one_or_none()

    def list_leads(self, limit: int | None = None) -> list[Lead]:
        with self.session() as s:
            stmt = select(Lead).order_by(Lead.created_at, Lead.id)
            if limit is not None:
                stmt = stmt.limit(limit)
            return list(s.execute(stmt).scalars())

    # ------------------------------------------------------------------ erasure

    def _delete_leads(self, s: Session, lead_ids: list[int]) -> None:
        if not lead_ids:
            return
        s.execute(delete(OutboxItem).where(OutboxItem.lead_id.in_(lead_ids))
                  .execution_options(synchronize_session=False))
        s.execute(delete(Lead).where(Lead.id.in_(lead_ids)).execution_options(synchronize_session=False))

    def delete_conversation(self, conversation_id: str, *, now: dt.datetime | None = None) -> bool:
        """Erase the conversation's lead, its outbox rows, spooled copies and Rasa's stored
        events. Events are deleted once more after ``erasure_recheck_seconds`` (Rasa re-writes
        the running session's events after an action). True if anything was found."""
        now = now or utcnow()
        spooled = self.spool.remove(lambda e: e.get("lead", {}).get("conversation_id") == conversation_id)
        with self.session() as s, s.begin():
            ids = list(s.execute(select(Lead.id).where(Lead.conversation_id == conversation_id)).scalars())
            self._delete_leads(s, ids)
            s.add(ErasureRequest(conversation_id=conversation_id, requested_at=now,
                                 due_at=now + self.erasure_recheck, attempts=0))
        events = self.delete_tracker_events([conversation_id])
        log.info("conversation_erased conversation_id=%s leads=%d spooled=%d events=%d",
                 conversation_id, len(ids), spooled, events)
        return bool(ids or spooled or events)

    def delete_by_email(self, email: str, *, now: dt.datetime | None = None) -> int:
        """Erase every lead with this e-mail address (and their conversations). Returns the
        number of conversations erased."""
        normalised = validate_email(email) or (email or "").strip()
        if not normalised:
            return 0
        key = normalised.lower()
        conversations = {
            e["lead"]["conversation_id"]
            for e in self.spool.entries()
            if isinstance(e.get("lead"), dict) and (e["lead"].get("email") or "").lower() == key
        }
        with self.session() as s:
            conversations.update(s.execute(
                select(Lead.conversation_id).where(or_(Lead.email == normalised, func.lower(Lead.email) == key))
            ).scalars())
        for conversation_id in sorted(conversations):
            self.delete_conversation(conversation_id, now=now)
        return len(conversations)

    def purge_older_than(self, days: float, *, now: dt.datetime | None = None) -> int:
        """Erase leads not updated for ``days`` days (with outbox rows, spooled copies and the
        conversations' tracker events). Returns the number of leads erased."""
        if days < 0:
            raise ValueError("days must not be negative")
        now = now or utcnow()
        cutoff = now - dt.timedelta(days=days)
        with self.session() as s, s.begin():
            rows = s.execute(select(Lead.id, Lead.conversation_id).where(Lead.updated_at < cutoff)).all()
            self._delete_leads(s, [row.id for row in rows])
            s.execute(delete(ErasureRequest).where(ErasureRequest.due_at < cutoff))
        conversations = [row.conversation_id for row in rows]

        def old(entry: dict[str, Any]) -> bool:
            return parse_consent_at(entry.get("saved_at")) < cutoff

        spooled = self.spool.remove(old)
        self.delete_tracker_events(conversations)
        log.info("leads_purged count=%d spooled=%d", len(rows), spooled)
        return len(rows) + spooled

    def _tracker(self) -> Engine | None:
        if self.tracker_store_url == self.url:
            return self.engine
        with self._lock:
            if self._tracker_engine is None:
                path = _sqlite_path(self.tracker_store_url)
                if path is not None and not path.exists():
                    return None  # no tracker store there (yet): nothing to delete, create nothing
                self._tracker_engine = make_engine(self.tracker_store_url, wal=False, create_dir=False)
            return self._tracker_engine

    def delete_tracker_events(
        self, conversation_ids: Iterable[str], *, until: dt.datetime | None = None
    ) -> int:
        """Delete Rasa's stored events (table ``events``) of these conversations; only those
        up to ``until`` if given. Quietly 0 when there is no such table."""
        ids = list(dict.fromkeys(conversation_ids))
        if not ids:
            return 0
        engine = self._tracker()
        if engine is None:
            return 0
        total = 0
        with engine.begin() as conn:
            if not inspect(conn).has_table("events"):
                return 0
            for start in range(0, len(ids), 500):
                stmt = delete(_EVENTS).where(_EVENTS.c.sender_id.in_(ids[start:start + 500]))
                if until is not None:
                    stmt = stmt.where(or_(_EVENTS.c.timestamp.is_(None),
                                          _EVENTS.c.timestamp <= until.timestamp()))
                total += conn.execute(stmt).rowcount or 0
        return total

    def process_erasures(self, now: dt.datetime | None = None) -> int:
        """Repeat due event deletions (see ``ErasureRequest``). Returns events deleted."""
        now = now or utcnow()
        with self.session() as s:
            due = list(s.execute(select(ErasureRequest).where(ErasureRequest.due_at <= now)
                                 .order_by(ErasureRequest.id)).scalars())
        total = 0
        for request in due:
            total += self.delete_tracker_events([request.conversation_id], until=request.requested_at)
            with self.session() as s, s.begin():
                s.execute(delete(ErasureRequest).where(ErasureRequest.id == request.id))
        return total
