"""Rasa -> action server authentication (rasa_sdk_plugins/auth.py), against the real servers.

A forged ``POST /webhook`` used to store a lead with any consent date and queue its brief, or erase any
conversation. Now every call but ``GET /health`` needs ``Authorization: Bearer <ACTION_SERVER_TOKEN>`` (401
otherwise), Rasa sends it on every action call, and the action server listens on loopback only.
"""
from __future__ import annotations

import json
import os
import stat
import uuid
from pathlib import Path

import pytest
import yaml

from config import ConfigurationError, Settings, action_server_token
from rasa_sdk_plugins.auth import authorized, bearer_token
from tests.support.chat import RestChat
from tests.support.reliability import lead_count, post

ROOT = Path(__file__).resolve().parents[2]


def forged_call(action: str, sender: str) -> dict:
    """What an attacker would post: a complete contact form with consent, as Rasa would send it."""
    slots = {"consent": True, "consent_at": "2020-01-01T00:00:00+00:00", "contact_name": "\x1b[31mMallory",
             "company": "Forged GmbH", "email": "mallory@example.com", "phone": "+491711234567",
             "preferred_contact": "vormittags", "contact_confirmed": True, "participants": 3.0}
    return {"next_action": action, "sender_id": sender, "version": "3.6.21",
            "tracker": {"sender_id": sender, "slots": slots, "latest_message": {"text": "ja", "intent": {}},
                        "events": [], "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen", "latest_input_channel": "rest"},
            "domain": {}}


def action_url(assistant) -> str:
    return f"{assistant.stack.action_url}/webhook"


def the_token(assistant) -> str:
    return action_server_token(assistant.stack.settings)


# -- the plain functions -------------------------------------------------------------------------------------
def test_bearer_header_parsing():
    assert bearer_token("Bearer abc") == bearer_token("bearer  abc ") == "abc"
    assert bearer_token(None) is bearer_token("") is bearer_token("Bearer ") is bearer_token("Basic abc") is None
    assert authorized("Bearer " + "t" * 40, "t" * 40)
    assert not authorized("Bearer " + "t" * 39, "t" * 40) and not authorized(None, "t" * 40)


def test_token_from_the_environment_or_generated_once(tmp_path, monkeypatch):
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "x" * 32)
    assert action_server_token(Settings()) == "x" * 32
    assert not (tmp_path / "secrets").exists()
    monkeypatch.setenv("ACTION_SERVER_TOKEN", "too short")
    with pytest.raises(ConfigurationError, match="ACTION_SERVER_TOKEN"):
        action_server_token(Settings())

    monkeypatch.delenv("ACTION_SERVER_TOKEN")
    first = action_server_token(Settings())
    assert len(first) >= 32 and action_server_token(Settings()) == first  # generated once, then read
    path = tmp_path / "secrets" / "action_server_token"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["action_server_token"]  # no temporary files left
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "other"))
    assert action_server_token(Settings()) != first  # another embedded installation, another secret


def test_the_committed_files_hold_no_secret():
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["headers"] == {"Authorization": "Bearer ${ACTION_SERVER_TOKEN}"}
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "var/" in ignored or "/var/" in ignored


# -- the running servers -------------------------------------------------------------------------------------
def test_rasa_sends_the_token_it_was_configured_with(assistant):
    rendered = yaml.safe_load((assistant.stack.run_dir / "endpoints.yml").read_text())
    assert rendered["action_endpoint"]["headers"] == {"Authorization": f"Bearer {the_token(assistant)}"}
    assert stat.S_IMODE(os.stat(assistant.stack.run_dir / "endpoints.yml").st_mode) == 0o600


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong-token-wrong-token-wrong-token"}, {"Authorization": "Bearer "},
    {"Authorization": "Basic dXNlcjpwYXNz"}, {"X-Action-Token": "whatever"},
], ids=["none", "wrong", "empty", "basic", "other-header"])
@pytest.mark.parametrize("action", ["action_submit_lead", "action_delete_data"])
def test_forged_action_calls_are_refused_and_store_nothing(assistant, headers, action):
    sender = f"forged-{uuid.uuid4().hex[:10]}"
    before = lead_count(assistant.var_dir)
    status, answer, _ = post(action_url(assistant), json.dumps(forged_call(action, sender)).encode(), headers)
    assert status == 401 and answer == {"error": "unauthorized"}
    assert lead_count(assistant.var_dir, sender) == 0 and lead_count(assistant.var_dir) == before
    spool = assistant.var_dir / "spool"
    assert not any(sender in p.read_text(errors="replace") for p in spool.rglob("*") if p.is_file())
    log = (assistant.stack.log_dir / "actions.log").read_text(errors="replace")
    assert "POST /webhook without a valid token refused" in log and sender not in log


def test_a_token_for_the_other_case_or_with_a_suffix_is_refused(assistant):
    token = the_token(assistant)
    for wrong in (token.swapcase(), token + "x", token[:-1]):
        status, _, _ = post(action_url(assistant), b"{}", {"Authorization": f"Bearer {wrong}"})
        assert status == 401


def test_every_route_but_health_needs_the_token(assistant):
    import urllib.error
    import urllib.request

    def get(path: str, headers: dict | None = None) -> int:
        req = urllib.request.Request(f"{assistant.stack.action_url}{path}", headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert get("/health") == 200
    assert get("/actions") == 401
    assert get("/actions", {"Authorization": f"Bearer {the_token(assistant)}"}) == 200
    # with the token the webhook is reached (an unknown action: 404 from rasa-sdk, not 401)
    status, _, _ = post(action_url(assistant), json.dumps(forged_call("action_does_not_exist", "x")).encode(),
                        {"Authorization": f"Bearer {the_token(assistant)}"})
    assert status == 404


def test_a_conversation_through_rasa_still_runs_its_actions(assistant):
    rasa_log_before = len(assistant.rasa_log())
    chat = RestChat(assistant.rasa_url)
    chat.say("Hallo")
    assert "Wie viele Personen" in chat.texts(chat.say("Welches Format passt zu uns?"))
    # validate_qualification_form runs on the action server: the typed answer is understood
    assert "Funktionsbereichen" in chat.texts(chat.say("wir sind zu dritt"))
    assert "Failed to execute custom action" not in assistant.rasa_log()[rasa_log_before:]


def _listening_addresses(port: int) -> set[str]:
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            cols = line.split()
            address, hex_port = cols[1].rsplit(":", 1)
            if int(hex_port, 16) == port and cols[3] == "0A":  # LISTEN
                found.add(address)
    return found


def test_the_action_server_listens_on_loopback_only(assistant):
    assert _listening_addresses(assistant.stack.settings.action_port) == {"0100007F"}  # 127.0.0.1
