"""The production profile (deploy/README.md) for real: two Rasa replicas share a PostgreSQL tracker store and a
Redis lock store, one action server writes leads to PostgreSQL and mails the brief by SMTP.

* One German conversation whose turns alternate between replica A and replica B (same sender id) goes from
  the greeting through the qualification form (typed answers and button payloads) to the recommendation and a
  confirmed lead: every reply is checked, so the form state must travel through the shared tracker store.
* Ten conversations run at the same time against both replicas and each ends in its own lead, with its own
  answers (no cross-talk).
* The Redis lock store is used by both replicas (MONITOR: lock keys of the conversation, mapped to each
  replica's own connections).
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.chat import RestChat
from tests.support.production import (
    LEADS_DB,
    TRACKER_DB,
    Production,
    local_ports_to,
    pg_query,
)
from tests.support.redis import lock_keys
from tooling import runtime_config

pytestmark = pytest.mark.integration

CRITERIA = ("participants", "multiple_functions", "goals", "specific_approach", "experience",
            "attitude_formed", "platform_knowledge", "strategy_exists")


def inform(choice: str) -> str:
    """What a button of a closed question sends."""
    return "/inform" + json.dumps({"choice": choice})


def buttons(messages: list[dict]) -> list[str]:
    return [b["title"] for m in messages for b in m.get("buttons") or []]


def leads_of(production: Production, conversation_id: str) -> list[dict]:
    # the schema is created on first use (Alembic): before the first lead there is no table yet
    if not pg_query(production.postgres, LEADS_DB, "SELECT to_regclass('leads') IS NOT NULL AS ok")[0]["ok"]:
        return []
    return pg_query(production.postgres, LEADS_DB, "SELECT * FROM leads WHERE conversation_id = %s",
                    (conversation_id,))


def as_json(value):
    return json.loads(value) if isinstance(value, str) else value


def briefs_for(production: Production, name: str, wait: float = 30.0) -> list:
    return production.mailbox.wait_for(lambda m: name in m.get_content(), timeout=wait)


# --------------------------------------------------------------------------- one conversation, two replicas

# (message, texts the reply must contain); turn i goes to replica A when i is even, to B when odd
ALTERNATING = [
    ("Hallo", ["Assistent"]),
    ("Welches Format passt zu uns?", ["Wie viele Personen"]),
    ("wir sind zu dritt", ["Funktionsbereichen"]),
    ("aus Marketing und Vertrieb", ["leisten"]),
    (inform("strategy"), ["zugeschnitten"]),
    (inform("yes"), ["eindeutig", "Erfahrungen"]),
    ("haben schon ein bisschen auf Facebook gepostet", ["Notiert", "Haltung"]),
    (inform("yes"), ["Strategie"]),
    ("nein, noch keine", ["Workshop", "Gründe", "Strategiephase"]),
    ("/request_callback", ["einverstanden", "datenschutz"]),
    (inform("yes"), ["heißen"]),
    ("Ich heiße Jana Krüger", ["Unternehmen"]),
    ("Krüger Werbetechnik GmbH", ["E-Mail"]),
    ("Jana.Krueger@Krueger-Werbetechnik.de", ["Telefonnummer"]),
    ("0171 2345678", ["Wann oder wie"]),
    (inform("vormittags"), ["Jana Krüger", "•••5678", "Stimmt alles?"]),
    (inform("yes"), ["Vielen Dank!"]),
]


def test_conversation_alternating_between_replicas_ends_in_one_lead(production, redis_monitor):
    first = RestChat(production.replica_a.rasa_url)  # a session issued by A is valid on B (one SESSION_SECRET)
    chats = [first, RestChat(production.replica_b.rasa_url, first.token)]
    sender = first.sender
    before_callback = ALTERNATING.index(("/request_callback", ["einverstanden", "datenschutz"]))

    for turn, (message, expected) in enumerate(ALTERNATING):
        replica = "AB"[turn % 2]
        reply = chats[turn % 2].say(message)
        text = RestChat.texts(reply)
        for part in expected:
            assert part in text, (f"turn {turn} on replica {replica}: {message!r} -> {text!r} "
                                  f"(expected {part!r})\n{production.logs()}")
        if message == "Welches Format passt zu uns?":
            assert "Nur ich" in buttons(reply)
        if turn == before_callback - 1:
            assert {"Rückruf vereinbaren", "Mehr zum Workshop"} <= set(buttons(reply))
        if turn == before_callback:
            assert leads_of(production, sender) == [], "nothing is stored before consent"

    # the conversation lives in PostgreSQL (one user event per turn), not in a replica's own SQLite file
    events = pg_query(production.postgres, TRACKER_DB,
                      "SELECT type_name FROM events WHERE sender_id = %s ORDER BY id", (sender,))
    assert sum(1 for e in events if e["type_name"] == "user") == len(ALTERNATING)
    for stack in production.replicas:
        assert not (stack.settings.var_dir / "rasa.db").exists()
        assert not (stack.settings.var_dir / "leads.db").exists()

    # the lead: one row in PostgreSQL with the criteria of the form
    rows = leads_of(production, sender)
    assert len(rows) == 1
    lead = rows[0]
    assert (lead["name"], lead["company"], lead["email"], lead["phone"]) == (
        "Jana Krüger", "Krüger Werbetechnik GmbH", "Jana.Krueger@krueger-werbetechnik.de", "+491712345678")
    assert (lead["recommendation"], lead["phase"], lead["channel"]) == ("workshop", "strategy", "rest")
    criteria = as_json(lead["criteria"])
    assert {k: criteria[k] for k in CRITERIA} == {
        "participants": 3.0, "multiple_functions": True, "goals": ["strategy"], "specific_approach": True,
        "experience": "first_steps", "attitude_formed": True, "platform_knowledge": True,
        "strategy_exists": False}
    assert {"Marketing", "Vertrieb"} <= set(criteria["departments"])
    assert lead["consent_at"] is not None and lead["consent_version"]

    # the brief arrives once by SMTP
    briefs = briefs_for(production, "Jana Krüger")
    assert len(briefs) == 1, "the brief must arrive exactly once"
    assert briefs[0]["To"] == "berater@example.com"
    assert "Workshop" in briefs[0].get_content()

    # the Redis lock store was used by both replicas for this conversation
    used = lock_keys(redis_monitor.snapshot(), sender)
    assert used, "no lock key of the conversation in Redis: the replicas do not use the Redis lock store"
    assert sum(1 for _, verb, _ in used if verb == "SET") >= len(ALTERNATING)
    redis_port = production.redis.port
    ports_a = local_ports_to(production.rasa_pids(production.replica_a), redis_port)
    ports_b = local_ports_to(production.rasa_pids(production.replica_b), redis_port)
    assert ports_a, "replica A holds no connection to Redis"
    assert ports_b, "replica B holds no connection to Redis"
    assert not ports_a & ports_b
    clients = {port for port, _, _ in used}
    assert clients & ports_a, "replica A never touched the conversation's lock in Redis"
    assert clients & ports_b, "replica B never touched the conversation's lock in Redis"
    # a lock is deleted when its last ticket is served: nothing is left behind
    assert production.redis.client().keys(f"*lock:{sender}") == []


def test_lock_keys_carry_the_configured_prefix(production, redis_monitor):
    prefix = runtime_config.lock_store_config(production.env["LOCK_STORE_URL"])["key_prefix"]
    chat = RestChat(production.replica_a.rasa_url)
    chat.say("Hallo")
    sender = chat.sender
    keys = {key for _, _, key in lock_keys(redis_monitor.snapshot(), sender)}
    assert keys == {f"{prefix}:lock:{sender}"}


# --------------------------------------------------------------------------- concurrent conversations

NAMES = ["Lena Vogel", "Tim Berger", "Sara Lang", "Jonas Hahn", "Mia Roth",
         "Paul Seidel", "Lea Kraus", "Finn Brandt", "Emma Jung", "Noah Wolf"]

SEMINAR_FORM = [  # "nur ich" implies one functional area: that question is skipped
    (inform("1"), "leisten"), (inform("overview"), "zugeschnitten"), (inform("no"), "Erfahrungen"),
    (inform("none"), "Haltung"), (inform("no"), "Anwenderkenntnisse"), (inform("no"), "Strategie"),
    (inform("no"), "Seminar"),
]


def workshop_form(participants: str) -> list[tuple[str, str]]:
    return [
        (inform(participants), "Funktionsbereichen"), (inform("yes"), "leisten"),
        (inform("strategy"), "zugeschnitten"), (inform("yes"), "Erfahrungen"),
        (inform("first_steps"), "Haltung"), (inform("yes"), "Anwenderkenntnisse"),
        (inform("yes"), "Strategie"), (inform("no"), "Workshop"),
    ]


def profile(i: int) -> dict:
    name = NAMES[i]
    first, last = name.lower().split()
    workshop = i % 2 == 1
    participants = ["2", "4", "8", "12", "3"][i // 2] if workshop else "1"
    return {
        "name": name,
        "company": f"{name.split()[1]} & Partner GmbH",
        "email": f"{first}.{last}@firma-{i}.example.org",
        "participants": float(participants),
        "recommendation": "workshop" if workshop else "seminar",
        "form": workshop_form(participants) if workshop else SEMINAR_FORM,
    }


def converse(production: Production, i: int) -> dict:
    p = profile(i)
    first = RestChat(production.replicas[i % 2].rasa_url)
    chats = [first, RestChat(production.replicas[(i + 1) % 2].rasa_url, first.token)]
    if i % 2:
        chats.reverse()
    p["sender"] = first.sender
    script = [("/request_recommendation", "Wie viele Personen"), *p["form"],
              ("/request_callback", "einverstanden"), (inform("yes"), "heißen"), (p["name"], "Unternehmen"),
              (p["company"], "E-Mail"), (p["email"], "Telefonnummer"), (inform("none"), "Wann oder wie"),
              (inform("nachmittags"), "Stimmt alles?"), (inform("yes"), "Vielen Dank!")]
    others = [n for n in NAMES if n != p["name"]]
    for turn, (message, expected) in enumerate(script):
        text = RestChat.texts(chats[(turn + i) % 2].say(message))  # start on A or B, then alternate
        assert expected in text, f"{p['name']}, turn {turn}: {message!r} -> {text!r} (expected {expected!r})"
        assert not [n for n in others if n in text], f"{p['name']} got another conversation's reply: {text!r}"
    return p


def test_concurrent_conversations_on_both_replicas_without_cross_talk(production):
    with ThreadPoolExecutor(max_workers=len(NAMES)) as pool:
        profiles = list(pool.map(lambda i: converse(production, i), range(len(NAMES))))

    for p in profiles:
        rows = leads_of(production, p["sender"])
        assert len(rows) == 1, p["name"]
        lead = rows[0]
        assert (lead["name"], lead["company"], lead["email"]) == (p["name"], p["company"], p["email"])
        assert lead["recommendation"] == p["recommendation"], p["name"]
        assert lead["preferred_contact"] == "nachmittags"
        assert as_json(lead["criteria"])["participants"] == p["participants"], p["name"]
    senders = [p["sender"] for p in profiles]
    owners = pg_query(production.postgres, LEADS_DB,
                      "SELECT conversation_id, name FROM leads WHERE conversation_id = ANY(%s)", (senders,))
    assert sorted((r["conversation_id"], r["name"]) for r in owners) == sorted(
        (p["sender"], p["name"]) for p in profiles)
    # one brief per lead (wait for all of them, then a moment longer for any duplicate)
    names = {p["name"] for p in profiles}
    production.mailbox.wait_for(
        lambda m: names <= {n for n in names for msg in production.mailbox.messages if n in msg.get_content()})
    for p in profiles:
        count = sum(1 for m in production.mailbox.messages if p["name"] in m.get_content())
        assert count == 1, f"{count} briefs for {p['name']}"
