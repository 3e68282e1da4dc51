"""Rate limits (rasa_addons/limits.py RateLimiter): the bucket arithmetic with a clock of its own, and a real
stack with low limits behind a trusted proxy (TRUSTED_PROXIES=1, so X-Forwarded-For names the client and each
test part is a client of its own).
"""
from __future__ import annotations

import json

import pytest

from rasa_addons import texts
from rasa_addons.limits import RateLimiter
from tests.support import ROOT
from tests.support.chat import RestChat
from tests.support.reliability import post, tracker_events
from tooling.stack import Stack, free_ports_env


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize("per_minute, capacity", [(30, 7), (120, 30), (6, 5), (1, 5)])
def test_a_bucket_lets_its_burst_pass_then_tells_once_then_drops(per_minute, capacity):
    clock = Clock()
    limiter = RateLimiter(per_minute, clock)
    assert [limiter.check("a") for _ in range(capacity)] == ["ok"] * capacity
    assert [limiter.check("a") for _ in range(3)] == ["notify", "drop", "drop"]
    assert limiter.check("b") == "ok"  # others are not affected
    clock.now += 60 / per_minute  # one message's worth refilled
    assert limiter.check("a") == "ok"
    assert limiter.check("a") == "notify"  # told again after it had passed once more


def test_a_rate_of_zero_is_off():
    limiter = RateLimiter(0, Clock())
    assert all(limiter.check("a") == "ok" for _ in range(1000))


def test_idle_clients_are_forgotten(monkeypatch):
    clock = Clock()
    limiter = RateLimiter(60, clock)
    monkeypatch.setattr(RateLimiter, "MAX_KEYS", 100)
    for i in range(100):
        limiter.check(f"client-{i}")
    clock.now += 60
    limiter.check("late")
    limiter.check("later")
    assert len(limiter._buckets) <= 2


def test_the_notice_is_german_and_formal():
    assert "warten Sie kurz" in texts.RATE_LIMITED and len(texts.RATE_LIMITED) <= 200


# -- the real stack -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    env = {**free_ports_env(tmp_path_factory.mktemp("rate")), "MODEL_PATH": str(ROOT / "models"),
           "RATE_LIMIT_PER_CONVERSATION": "6",  # 5 at once, then one every 10 s
           "RATE_LIMIT_PER_IP": "40",  # 10 at once, then one every 1.5 s
           "TRUSTED_PROXIES": "1"}
    with Stack(env=env, with_web=False) as stack:
        yield stack


def say(stack, token: str, text: str, client: str):
    return post(f"{stack.rasa_url}/webhooks/rest/webhook", json.dumps({"sender": token, "message": text}).encode(),
                {"X-Forwarded-For": client})


def new_session(stack, client: str) -> str:
    status, answer, _ = post(f"{stack.rasa_url}/webhooks/rest/session", b"", {"X-Forwarded-For": client})
    assert status == 200, answer
    return answer["session"]


def test_a_conversation_over_its_limit_is_asked_to_wait_and_others_go_on(limited):
    token = new_session(limited, "198.51.100.1")
    replies = [say(limited, token, "Hallo", "198.51.100.1") for _ in range(7)]
    assert [status for status, _, _ in replies] == [200] * 7
    answered = [RestChat.texts(body) for _, body, _ in replies]
    assert all("Assistent" in text or "Seminar" in text for text in answered[:5]), answered
    assert answered[5] == texts.RATE_LIMITED  # told once
    assert answered[6] == ""  # then dropped quietly
    users = [d for k, d in tracker_events(limited.settings.var_dir, RestChat(limited.rasa_url, token).sender)
             if k == "user"]
    assert len(users) == 5  # the refused messages never reached NLU
    # another prospect (another address) is served as usual
    other = new_session(limited, "198.51.100.2")
    status, body, _ = say(limited, other, "Hallo", "198.51.100.2")
    assert status == 200 and "Assistent" in RestChat.texts(body)


def test_one_address_over_its_limit_gets_429_with_the_german_notice(limited):
    client = "203.0.113.9"
    statuses = []
    for _ in range(12):
        status, answer, _ = post(f"{limited.rasa_url}/webhooks/rest/session", b"", {"X-Forwarded-For": client})
        statuses.append(status)
    assert statuses[:10] == [200] * 10 and 429 in statuses[10:], statuses
    assert answer == {"error": "rate_limited", "message": texts.RATE_LIMITED}
    # a different address is not affected
    assert new_session(limited, "203.0.113.10")
