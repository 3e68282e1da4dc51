"""The outbox queue in the lead database: enqueue a lead version's notifications, claim, mark sent or failed.

Functions work inside the caller's session and transaction (``LeadRepository`` opens them);
sending is ``leads.notify``'s job.
"""
from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from leads import contacts
from leads.briefing import build_brief
from leads.models import Lead, OutboxItem, utcnow


def dedup_key(kind: str, lead: Lead) -> str:
    """Unique per lead, kind and content version (no personal data: safe as a header)."""
    return f"{kind}:lead-{lead.id}:v{lead.version}:{(lead.content_hash or '')[:16]}"


def enqueue(s: Session, lead: Lead, *, webhook: bool) -> int:
    """Queue the brief e-mail (always; listing the person's earlier conversations) and the CRM
    webhook (when ``webhook``) for the lead's current version; an older version not sent yet is superseded. Returns the new rows."""
    now = utcnow()
    subject, body = build_brief(lead, earlier=contacts.earlier(s, lead))
    rows = [("email", {"subject": subject, "body": body})]
    if webhook:
        rows.append(("webhook", lead.to_dict()))
    keys = [dedup_key(kind, lead) for kind, _ in rows]
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
        created += _insert_ignore(s, values)
    return created


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


def _claimable(now: dt.datetime, lease: dt.timedelta) -> Any:
    return or_(
        and_(OutboxItem.status == "pending", OutboxItem.next_attempt_at <= now),
        and_(OutboxItem.status == "sending", OutboxItem.claimed_at < now - lease),
    )


def due(s: Session, now: dt.datetime, lease: dt.timedelta, limit: int) -> list[tuple[int, str]]:
    """``(id, kind)`` of rows that may be sent now (due, or with a claim older than ``lease``)."""
    rows = s.execute(
        select(OutboxItem.id, OutboxItem.kind)
        .where(_claimable(now, lease))
        .order_by(OutboxItem.next_attempt_at, OutboxItem.id)
        .limit(limit)
    ).all()
    return [(row.id, row.kind) for row in rows]


def claim(s: Session, item_id: int, now: dt.datetime, lease: dt.timedelta) -> OutboxItem | None:
    """Atomically take one row for sending; None if another worker has it (or it is done)."""
    result = s.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item_id, _claimable(now, lease))
        .values(status="sending", claimed_at=now, claim_token=uuid.uuid4().hex,
                attempts=OutboxItem.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return s.get(OutboxItem, item_id)


def _release(s: Session, item: OutboxItem, values: dict[str, Any]) -> int:
    """Update a row only while ``item``'s claim on it still holds; returns the rows changed."""
    result = s.execute(
        update(OutboxItem)
        .where(OutboxItem.id == item.id, OutboxItem.claim_token == item.claim_token)
        .values(claim_token=None, claimed_at=None, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def mark_sent(s: Session, item: OutboxItem, now: dt.datetime) -> bool:
    """Mark a claimed row sent and drop its payload copy of the personal data."""
    return _release(s, item, {"status": "sent", "sent_at": now, "payload": {}, "last_error": None}) == 1


def mark_failed_attempt(s: Session, item: OutboxItem, error: str, *, retry_at: dt.datetime | None) -> str:
    """Release a claimed row after a failed send: ``pending`` until ``retry_at``, or
    ``failed`` for good when ``retry_at`` is None. Returns the new status."""
    status = "pending" if retry_at is not None else "failed"
    values: dict[str, Any] = {"status": status, "last_error": error[:500]}
    if retry_at is not None:
        values["next_attempt_at"] = retry_at
    _release(s, item, values)
    return status


def retry_failed(s: Session, now: dt.datetime) -> int:
    """Put rows that gave up (status failed) back into the queue, attempts reset."""
    result = s.execute(
        update(OutboxItem)
        .where(OutboxItem.status == "failed")
        .values(status="pending", attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def items(s: Session, lead_id: int | None = None) -> list[OutboxItem]:
    """All rows (of one lead), oldest first."""
    stmt = select(OutboxItem).order_by(OutboxItem.id)
    if lead_id is not None:
        stmt = stmt.where(OutboxItem.lead_id == lead_id)
    return list(s.execute(stmt).scalars())

