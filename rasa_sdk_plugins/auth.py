"""The action server accepts calls from Rasa only: every request but ``GET /health`` must carry
``Authorization: Bearer <ACTION_SERVER_TOKEN>`` (Rasa sends it from endpoints.yml, rendered by
tooling/runtime_config.py), else 401 before any action runs. Without it anyone who reaches the port could
run ``action_submit_lead`` with a forged tracker (any consent, any data) or ``action_delete_data`` for any
conversation.

Also makes loopback (``HOST``, default 127.0.0.1) the bind address: rasa-sdk listens on 0.0.0.0 unless
``SANIC_HOST`` says otherwise, and it reads that variable only after the plugins are attached.
"""
from __future__ import annotations

import hmac
import logging
import os

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from config import action_server_token, get_settings

logger = logging.getLogger(__name__)

OPEN_PATHS = {"/health"}  # the readiness check of the run command, systemd and nginx


def bearer_token(header: str | None) -> str | None:
    scheme, _, token = (header or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authorized(header: str | None, token: str) -> bool:
    given = bearer_token(header)
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def attach(app: Sanic) -> None:
    settings = get_settings()
    token = action_server_token(settings)
    os.environ["SANIC_HOST"] = os.environ.get("SANIC_HOST") or settings.host

    @app.middleware("request")
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        if not authorized(request.headers.get("Authorization"), token):
            logger.warning("action server: %s %s without a valid token refused (from %s)",
                           request.method, request.path, request.ip)
            return response.json({"error": "unauthorized"}, status=401,
                                 headers={"WWW-Authenticate": "Bearer"})
        return None
