"""The failures the leads package reports: each is a type, never a status string to compare."""
from __future__ import annotations


class LeadStorageError(Exception):
    """Base of every failure the leads package raises on purpose."""


class StorageUnavailable(LeadStorageError):
    """The database cannot be reached right now. Nothing is lost: a lead being saved waits in the
    spool, and the caller may retry later. ``reason`` is the underlying error class (no data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"database unreachable ({reason})")
        self.reason = reason


class LeadRejected(LeadStorageError, ValueError):
    """The lead cannot be stored as given (invalid e-mail address, phone number, conversation id
    or spool entry); retrying does not help. A ``ValueError``, as before the redesign."""


class ConsentMissing(LeadRejected):
    """No consent timestamp or consent version: nothing personal is stored without consent."""


class ConsentInvalid(LeadRejected):
    """The consent time cannot be true: in the future, or before the conversation began (a forged or
    corrupted call). Nothing is stored."""


class LeadNotFound(LeadStorageError, LookupError):
    """The lead asked for is not (or no longer) stored."""


class NotConfigured(LeadStorageError):
    """The notification channel of an outbox row is not configured (no SMTP host / webhook URL)."""
