"""Web chat sessions: the server issues every conversation a signed token, and only its holder talks in it.

A token is ``s1.<conversation id>.<signature>``: the conversation id is ``web-`` plus 128 random bits, the
signature an HMAC-SHA256 of ``s1.<id>`` with ``SESSION_SECRET`` (config.session_secret). The conversation id on
its own, as it appears in the consultant's e-mail, the CRM payload and the logs, opens nothing: sending it (or any
id a client makes up) as a session starts a new, empty conversation. Rasa, the tracker store and the leads
database only ever see the conversation id.

- socket.io (the widget): ``session_request`` with a valid token rejoins that conversation, anything else gets a
  fresh token in ``session_confirm`` (the widget keeps it in sessionStorage). A socket is bound to the
  conversation of its own ``session_request``; the ``session_id`` in later messages is not trusted.
- REST: ``POST /webhooks/rest/session`` returns ``{"session": token}``; ``/webhooks/rest/webhook`` takes that
  token as ``sender`` (401 with a JSON error otherwise).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

VERSION = "s1"
CONVERSATION_PREFIX = "web-"
_TOKEN = re.compile(r"^s1\.(web-[0-9a-f]{32})\.([A-Za-z0-9_-]{43})$")


class SessionSigner:
    """Issues and checks session tokens with one secret (the same on every Rasa replica)."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("a session secret is required")
        self._key = secret.encode()

    def _signature(self, conversation_id: str) -> str:
        digest = hmac.new(self._key, f"{VERSION}.{conversation_id}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self) -> str:
        """A token for a new conversation."""
        conversation_id = CONVERSATION_PREFIX + secrets.token_hex(16)
        return f"{VERSION}.{conversation_id}.{self._signature(conversation_id)}"

    def conversation_of(self, token: object) -> str | None:
        """The conversation id of a token this server issued, None for anything else."""
        if not isinstance(token, str):
            return None
        match = _TOKEN.match(token)
        if match is None:
            return None
        conversation_id, signature = match.groups()
        if not hmac.compare_digest(signature, self._signature(conversation_id)):
            return None
        return conversation_id


def conversation_id(token: str) -> str:
    """The conversation id a token names, without checking its signature (for tools and tests that look the
    conversation up in the databases)."""
    match = _TOKEN.match(token)
    if match is None:
        raise ValueError("not a session token")
    return match.group(1)
