"""rasa-sdk plugin hook (rasa_sdk imports a top-level package of this name when the action server starts).

Requires Rasa's shared secret on every call (``auth``: 401 otherwise), checks the consultant's offer file
(``OFFER_FILE``, default ``offer.yml``) before the server starts (a broken file stops the start with one error
line naming the file and the field, exit code 1), and starts the lead outbox worker together with the action
server, so briefs that are still pending (SMTP was
down, the server restarted) and spooled leads go out without waiting for the next new lead.
"""
from __future__ import annotations

import logging
import sys

import pluggy
from sanic import Sanic

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")


class AuthPlugin:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        from rasa_sdk_plugins import auth

        auth.attach(app)


def check_offer_or_exit() -> None:
    """The start check: load the offer file; on an error print it and stop the action server."""
    from advisor.offer import OfferError, load_offer
    from config import get_settings

    path = get_settings().offer_file
    try:
        load_offer(path)
    except OfferError as exc:
        message = f"The offer file is invalid, the action server does not start: {exc}"
        logger.error(message)
        print(message, file=sys.stderr, flush=True)
        raise SystemExit(1) from None


class OutboxPlugin:
    @hookimpl
    def attach_sanic_app_extensions(self, app: Sanic) -> None:
        check_offer_or_exit()

        @app.after_server_start
        async def start_outbox(app_, loop):  # noqa: ARG001
            from actions.leads_service import LeadService

            try:
                LeadService.instance().start_worker()
            except Exception:  # noqa: BLE001 - the action server must start anyway; the worker retries later
                logger.exception("the lead outbox worker could not be started")

        @app.before_server_stop
        async def stop_outbox(app_, loop):  # noqa: ARG001
            from actions.leads_service import LeadService

            LeadService.reset()


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(AuthPlugin())
    manager.register(OutboxPlugin())
