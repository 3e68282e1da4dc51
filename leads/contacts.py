"""One contact per person: the leads of one e-mail address (any case) share a ``Contact``.

Functions work inside the caller's session and transaction (``LeadRepository`` and ``leads.erasure``
open them). The contact is derived data: ``refresh`` recomputes it from its leads in the order they were
stored, so that a later conversation's answers win and an answer it left open keeps the earlier one;
without leads it is deleted (no personal data outlives its conversations).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from leads.models import Contact, Lead, utcnow

CONTACT_FIELDS = ("name", "company", "phone", "preferred_contact")


def email_key(email: str | None) -> str | None:
    """The key of a contact: the (already validated) e-mail address in lower case; None without one."""
    if not email or not email.strip():
        return None
    return email.strip().lower()


def conversations(s: Session, contact_id: int) -> list[Lead]:
    """The contact's leads in the order they were first stored (lead id)."""
    return list(s.execute(select(Lead).where(Lead.contact_id == contact_id).order_by(Lead.id)).scalars())


def earlier(s: Session, lead: Lead) -> list[Lead]:
    """The contact's conversations stored before ``lead``'s, oldest first ([] without contact).

    "Before" is the lead id: saves of one person take the contact's row lock before they write their
    lead (``lock``), so of two conversations saved at once exactly one is the other's earlier one."""
    if lead.contact_id is None:
        return []
    return list(s.execute(
        select(Lead).where(Lead.contact_id == lead.contact_id, Lead.id < lead.id).order_by(Lead.id)
    ).scalars())


def lock(s: Session, email: str | None, created_at: dt.datetime) -> Contact | None:
    """The contact of ``email``, created if new, locked for this transaction (PostgreSQL: row lock;
    SQLite: writers are serialised anyway). Call before writing the lead. A concurrent insert of the
    same address raises ``IntegrityError``: the caller retries and then finds it."""
    key = email_key(email)
    if key is None:
        return None
    contact = s.execute(select(Contact).where(Contact.email_key == key).with_for_update()).scalar_one_or_none()
    if contact is None:
        contact = Contact(email_key=key, email=email, criteria={}, created_at=created_at, updated_at=created_at)
        s.add(contact)
        s.flush()
    return contact


def merged(leads: Iterable[Any]) -> dict[str, Any]:
    """The current values of a person from their leads, oldest first: the newest given value wins."""
    values: dict[str, Any] = {"criteria": {}}
    for lead in leads:
        for field in (*CONTACT_FIELDS, "email", "recommendation", "phase"):
            value = getattr(lead, field, None)
            if value not in (None, ""):
                values[field] = value
        for key, answer in (lead.criteria or {}).items():
            if answer not in (None, "", []) or key not in values["criteria"]:
                values["criteria"][key] = answer
    return values


def refresh(s: Session, contact_id: int | None) -> Contact | None:
    """Recompute the contact from its leads; delete it when it has none left. Returns it (or None)."""
    if contact_id is None:
        return None
    contact = s.execute(select(Contact).where(Contact.id == contact_id).with_for_update()).scalar_one_or_none()
    if contact is None:
        return None
    leads = conversations(s, contact_id)
    if not leads:
        s.execute(delete(Contact).where(Contact.id == contact_id).execution_options(synchronize_session=False))
        s.expunge(contact)
        return None
    values = merged(leads)
    for field in (*CONTACT_FIELDS, "recommendation", "phase"):
        setattr(contact, field, values.get(field))
    contact.email = values.get("email") or contact.email
    contact.criteria = values["criteria"]
    contact.updated_at = max(lead.updated_at for lead in leads)
    s.flush()
    return contact


def link(s: Session, lead: Lead) -> Contact | None:
    """Attach ``lead`` to the contact of its e-mail address (created if new) and recompute that
    contact; a contact the lead leaves (changed address) is recomputed or deleted too."""
    previous = lead.contact_id
    contact = lock(s, lead.email, lead.created_at or utcnow())
    lead.contact_id = contact.id if contact is not None else None
    s.flush()
    if previous is not None and previous != lead.contact_id:
        refresh(s, previous)
    return refresh(s, lead.contact_id)


def forget(s: Session, contact_ids: Iterable[int | None]) -> int:
    """After leads were erased: recompute their contacts, deleting those left without leads.
    Returns the number of contacts deleted."""
    deleted = 0
    for contact_id in sorted({c for c in contact_ids if c is not None}):
        if s.get(Contact, contact_id) is not None and refresh(s, contact_id) is None:
            deleted += 1
    return deleted


def find(s: Session, ident: str) -> Contact | None:
    """A contact by numeric id or e-mail address (any case)."""
    if ident.isdigit():
        contact = s.get(Contact, int(ident))
        if contact is not None:
            return contact
    key = email_key(ident)
    if key is None:
        return None
    return s.execute(select(Contact).where(Contact.email_key == key)).scalar_one_or_none()
