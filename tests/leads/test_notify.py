"""Outbox delivery against a real SMTP server (aiosmtpd) and a real HTTP server for the CRM webhook."""
from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest

from leads import LeadRepository, build_brief
from leads.notify import OutboxWorker, backoff_delay, process_outbox
from tests.support.sinks import SmtpSink
from tooling.net import wait_for

UTC = dt.timezone.utc
SECRETS = ("Erika", "Mustermann", "erika@muster.de", "1234567", "Muster GmbH")


SEMINAR_ONE = {"participants": 1, "goals": ["overview"], "specific_approach": False, "experience": "none",
               "attitude_formed": False, "decision_made": False, "cross_functional": False,
               "platform_knowledge": True, "departments": []}


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'leads.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'leads.db'}"


@pytest.fixture
def smtp_settings(make_settings, smtp_sink):
    return make_settings(smtp_host="127.0.0.1", smtp_port=smtp_sink.port)


def _repo(url, settings):
    return LeadRepository(url, tracker_store_url=url, settings=settings)


@pytest.fixture
def repo(sqlite_url, smtp_settings):
    repository = _repo(sqlite_url, smtp_settings)
    yield repository
    repository.close()


def later(minutes: float) -> dt.datetime:
    return dt.datetime.now(UTC) + dt.timedelta(minutes=minutes)


# --------------------------------------------------------------------------- e-mail


def test_brief_arrives_exactly_once(repo, smtp_settings, smtp_sink, lead_kwargs):
    lead = repo.save_lead("conv-1", **lead_kwargs())
    assert process_outbox(repo, smtp_settings)["sent"] == 1
    assert process_outbox(repo, smtp_settings)["sent"] == 0
    assert process_outbox(repo, smtp_settings, now=later(600))["sent"] == 0
    assert len(smtp_sink.messages) == 1
    message = smtp_sink.parsed()[0]
    assert smtp_sink.messages[0]["to"] == ["berater@example.com"]
    assert message["From"] == "assistent@example.com"
    assert message["Subject"] == "Gesprächsvorbereitung: Erika Mustermann (Muster GmbH) – Empfehlung: Workshop"
    body = message.get_content().replace("\r\n", "\n")
    assert body == build_brief(repo.get(lead.id))[1]
    assert "+49 171 1234567" in body and "erika@muster.de" in body
    item = repo.outbox_items(lead.id)[0]
    assert message["X-Lead-Dedup-Key"] == item.dedup_key
    assert item.status == "sent" and item.attempts == 1 and item.payload == {}


def test_two_workers_racing_send_each_brief_once(db_url, make_settings, smtp_sink, lead_kwargs):
    settings = make_settings(smtp_host="127.0.0.1", smtp_port=smtp_sink.port)
    repos = [_repo(db_url, settings) for _ in range(2)]
    try:
        for n in range(6):
            repos[0].save_lead(f"conv-{n}", **lead_kwargs(contact={"email": f"p{n}@firma.de"}))
        barrier = threading.Barrier(4)
        results: list[dict] = []

        def worker(n: int) -> None:
            barrier.wait()
            results.append(process_outbox(repos[n % 2], settings))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sum(r["sent"] for r in results) == 6
        keys = [m["X-Lead-Dedup-Key"] for m in smtp_sink.parsed()]
        assert len(keys) == 6 and len(set(keys)) == 6
        assert {i.status for i in repos[0].outbox_items()} == {"sent"}
    finally:
        for r in repos:
            r.close()


def test_smtp_down_is_retried_later_and_arrives_once(repo, make_settings, lead_kwargs):
    sink = SmtpSink()  # not started: nothing listens on its port yet
    settings = make_settings(smtp_host="127.0.0.1", smtp_port=sink.port)
    lead = repo.save_lead("conv-1", **lead_kwargs())
    now = dt.datetime.now(UTC)
    assert process_outbox(repo, settings, now=now) == {"sent": 0, "retry": 1, "failed": 0, "skipped": 0,
                                                       "unconfigured": 0}
    item = repo.outbox_items(lead.id)[0]
    assert item.status == "pending" and item.attempts == 1
    assert item.next_attempt_at == now + backoff_delay(1)
    assert item.last_error.startswith("ConnectionRefusedError")
    assert not any(secret in item.last_error for secret in SECRETS)
    sink.start()
    try:
        assert process_outbox(repo, settings, now=now + dt.timedelta(seconds=5))["sent"] == 0  # not due yet
        assert process_outbox(repo, settings, now=now + backoff_delay(1))["sent"] == 1
        assert process_outbox(repo, settings, now=now + dt.timedelta(days=2))["sent"] == 0
        assert len(sink.messages) == 1
        assert repo.outbox_items(lead.id)[0].attempts == 2
    finally:
        sink.stop()


def test_gives_up_after_max_attempts_and_can_be_requeued(repo, make_settings, lead_kwargs):
    sink = SmtpSink()
    settings = make_settings(smtp_host="127.0.0.1", smtp_port=sink.port, outbox_max_attempts=3)
    lead = repo.save_lead("conv-1", **lead_kwargs())
    now = dt.datetime.now(UTC)
    statuses = []
    for hours in (0, 1, 2, 3):
        counts = process_outbox(repo, settings, now=now + dt.timedelta(hours=hours))
        statuses.append((counts["retry"], counts["failed"]))
    assert statuses == [(1, 0), (1, 0), (0, 1), (0, 0)]
    item = repo.outbox_items(lead.id)[0]
    assert item.status == "failed" and item.attempts == 3
    sink.start()
    try:
        assert repo.retry_failed() == 1
        assert process_outbox(repo, settings)["sent"] == 1
        assert len(sink.messages) == 1
    finally:
        sink.stop()


def test_backoff_grows_exponentially_with_a_cap():
    delays = [backoff_delay(n).total_seconds() for n in (1, 2, 3, 4, 30)]
    assert delays == [30, 60, 120, 240, 6 * 3600]


def test_updated_lead_is_sent_again_unchanged_is_not(repo, smtp_settings, smtp_sink, lead_kwargs):
    repo.save_lead("conv-1", **lead_kwargs())
    process_outbox(repo, smtp_settings)
    repo.save_lead("conv-1", **lead_kwargs())
    process_outbox(repo, smtp_settings)
    assert len(smtp_sink.messages) == 1
    # the answers change (the brief is computed from them), and with them the recommendation
    repo.save_lead("conv-1", **lead_kwargs(criteria=SEMINAR_ONE, recommendation="seminar", phase="information"))
    process_outbox(repo, smtp_settings)
    subjects = [m["Subject"] for m in smtp_sink.parsed()]
    assert len(subjects) == 2 and subjects[1].startswith("Aktualisiert: ")
    assert "Seminar" in subjects[1]


def test_superseded_version_is_not_sent(repo, smtp_settings, smtp_sink, lead_kwargs):
    repo.save_lead("conv-1", **lead_kwargs())
    operations = {**lead_kwargs()["criteria"], "experience": "basic", "strategy_exists": True,
                  "strategy_parts": ["business_integration", "goals", "resources"]}
    repo.save_lead("conv-1", **lead_kwargs(criteria=operations, phase="operations"))
    assert process_outbox(repo, smtp_settings)["sent"] == 1
    assert "Operative Phase" in smtp_sink.parsed()[0].get_content()


def test_expired_claim_of_a_crashed_worker_is_taken_over(repo, smtp_settings, smtp_sink, lead_kwargs):
    lead = repo.save_lead("conv-1", **lead_kwargs())
    now = dt.datetime.now(UTC)
    assert repo.claim_outbox(repo.outbox_items(lead.id)[0].id, now) is not None  # then "crashes"
    assert process_outbox(repo, smtp_settings, now=now + dt.timedelta(minutes=1))["sent"] == 0
    assert process_outbox(repo, smtp_settings, now=now + dt.timedelta(minutes=11))["sent"] == 1
    assert len(smtp_sink.messages) == 1


def test_without_smtp_host_rows_wait(repo, make_settings, lead_kwargs):
    settings = make_settings(smtp_host="")
    lead = repo.save_lead("conv-1", **lead_kwargs())
    assert process_outbox(repo, settings)["unconfigured"] == 1
    item = repo.outbox_items(lead.id)[0]
    assert item.status == "pending" and item.attempts == 0


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login(sqlite_url, make_settings, lead_kwargs):
    sink = SmtpSink(auth=("assistent", "geheim")).start()
    try:
        settings = make_settings(smtp_host="127.0.0.1", smtp_port=sink.port, smtp_user="assistent",
                                 smtp_password="geheim")
        repo = _repo(sqlite_url, settings)
        repo.save_lead("conv-1", **lead_kwargs())
        wrong = make_settings(smtp_host="127.0.0.1", smtp_port=sink.port, smtp_user="assistent",
                              smtp_password="falsch")
        assert process_outbox(repo, wrong)["retry"] == 1
        error = repo.outbox_items()[0].last_error
        assert error == "SMTPAuthenticationError: SMTP 535" and "falsch" not in error
        assert process_outbox(repo, settings, now=later(10))["sent"] == 1
        assert len(sink.messages) == 1
        repo.close()
    finally:
        sink.stop()


def test_no_personal_data_in_logs(repo, make_settings, smtp_settings, lead_kwargs, caplog):
    down = make_settings(smtp_host="127.0.0.1", smtp_port=SmtpSink().port)
    with caplog.at_level(logging.INFO):
        repo.save_lead("conv-log", **lead_kwargs())
        process_outbox(repo, down)
        process_outbox(repo, smtp_settings, now=later(5))
    assert "outbox_retry" in caplog.text and "outbox_sent" in caplog.text
    for secret in SECRETS:
        assert secret not in caplog.text


# --------------------------------------------------------------------------- CRM webhook


def test_webhook_receives_lead_json_with_idempotency_key(sqlite_url, make_settings, smtp_sink, webhook_sink,
                                                         lead_kwargs):
    settings = make_settings(smtp_host="127.0.0.1", smtp_port=smtp_sink.port, crm_webhook_url=webhook_sink.url,
                             crm_webhook_token="t0ken")
    repo = _repo(sqlite_url, settings)
    try:
        lead = repo.save_lead("conv-w", **lead_kwargs())
        assert process_outbox(repo, settings)["sent"] == 2
        assert process_outbox(repo, settings, now=later(60))["sent"] == 0
        assert len(webhook_sink.requests) == 1 and len(smtp_sink.messages) == 1
        request = webhook_sink.requests[0]
        webhook_item = next(i for i in repo.outbox_items(lead.id) if i.kind == "webhook")
        assert request["headers"]["Idempotency-Key"] == webhook_item.dedup_key
        assert request["headers"]["Authorization"] == "Bearer t0ken"
        assert request["headers"]["Content-Type"].startswith("application/json")
        body = request["json"]
        for key in ("conversation_id", "name", "company", "email", "phone", "recommendation", "phase", "reasons",
                    "criteria", "consent_at", "channel", "created_at", "updated_at"):
            assert key in body
        assert body["conversation_id"] == "conv-w" and body["phone"] == "+491711234567"
        assert body["consent_at"] == "2026-11-20T09:30:00+00:00"
        assert body["criteria"]["departments"] == ["Marketing", "Vertrieb"]
    finally:
        repo.close()


def test_webhook_error_is_retried_then_delivered_once(sqlite_url, make_settings, webhook_sink, lead_kwargs):
    settings = make_settings(crm_webhook_url=webhook_sink.url)  # e-mail unconfigured here
    repo = _repo(sqlite_url, settings)
    try:
        repo.save_lead("conv-w", **lead_kwargs())
        webhook_sink.status = 503
        assert process_outbox(repo, settings)["retry"] == 1
        webhook = next(i for i in repo.outbox_items() if i.kind == "webhook")
        assert webhook.last_error == "HTTPError: HTTP 503"
        webhook_sink.status = 200
        assert process_outbox(repo, settings, now=later(1))["sent"] == 1
        assert process_outbox(repo, settings, now=later(120))["sent"] == 0
        assert len(webhook_sink.requests) == 1
    finally:
        repo.close()


# --------------------------------------------------------------------------- worker


def test_outbox_worker_thread_delivers_and_flushes(repo, smtp_settings, smtp_sink, lead_kwargs):
    worker = OutboxWorker(repo, smtp_settings, interval=30).start()
    try:
        repo.save_lead("conv-1", **lead_kwargs())
        worker.wake()
        assert wait_for(lambda: len(smtp_sink.messages) == 1)
        rounds = worker.rounds
        worker.wake()
        assert wait_for(lambda: worker.rounds > rounds)
        assert len(smtp_sink.messages) == 1
    finally:
        worker.stop()


def test_outbox_worker_survives_a_broken_round(tmp_path, make_settings, smtp_sink):
    blocked = tmp_path / "blocked.db"
    blocked.mkdir()
    settings = make_settings(smtp_host="127.0.0.1", smtp_port=smtp_sink.port)
    repo = _repo(f"sqlite:///{blocked}", settings)
    worker = OutboxWorker(repo, settings, interval=0.05).start()
    try:
        assert wait_for(lambda: worker.rounds >= 3)
        assert worker.run_once() == {"error": 1}
    finally:
        worker.stop()
        repo.close()


async def test_outbox_worker_async_loop(repo, smtp_settings, smtp_sink, lead_kwargs):
    import asyncio

    repo.save_lead("conv-1", **lead_kwargs())
    worker = OutboxWorker(repo, smtp_settings, interval=0.05)
    task = asyncio.create_task(worker.run_async())
    try:
        for _ in range(200):
            if smtp_sink.messages:
                break
            await asyncio.sleep(0.02)
    finally:
        task.cancel()
    assert len(smtp_sink.messages) == 1


# --------------------------------------------------------------------------- brief


def brief_sections(body: str) -> dict[str, list[str]]:
    """The brief's sections (upper-case headings) with their lines, indentation stripped."""
    sections: dict[str, list[str]] = {"": []}
    current = ""
    for line in body.splitlines():
        if line and line == line.upper() and not line.startswith(" ") and any(ch.isalpha() for ch in line):
            current = line
            sections[current] = []
        elif line.strip():
            sections[current].append(line.strip())
    return sections


def test_brief_one_person_open_seminar_field_by_field(repo, lead_kwargs):
    lead = repo.save_lead("conv-b", **lead_kwargs(criteria=SEMINAR_ONE, recommendation="seminar",
                                                  phase="information", open_questions=[]))
    subject, body = build_brief(lead)
    assert subject == "Gesprächsvorbereitung: Erika Mustermann (Muster GmbH) – Empfehlung: offenes Seminar"
    s = brief_sections(body)
    assert s["KURZ"] == [
        "Wer:       Erika Mustermann, Muster GmbH – 1 Person (Einzelperson)",
        "Was:       Offenes Seminar (extern, für Einzelpersonen); Punkte Seminar : Workshop = 12 : 0",
        "Phase:     Informationsphase – Grundlagen (Chancen und Risiken, Tools und Methoden) fehlen noch.",
        "Interesse: niedrig – Format klar; noch nichts entschieden",
    ]
    assert s["KONTAKT"][:4] == ["Name:           Erika Mustermann", "Unternehmen:    Muster GmbH",
                                "E-Mail:         erika@muster.de", "Telefon:        +49 171 1234567"]
    assert "Chat über:      Website-Chat" in s["KONTAKT"]
    assert s["WAS GEWÜNSCHT IST"] == ["- Überblick über Chancen, Risiken, Tools und Methoden"]
    assert s["EMPFEHLUNG"] == [
        "Format:   Seminar",
        "Variante: Offenes Seminar (extern, für Einzelpersonen)",
        "Punkte:   Seminar 12 : Workshop 0",
        "Phase:    Informationsphase (Überblick über Chancen, Risiken, Tools und Methoden)",
        "Warum:    Informationsphase: Grundlagen (Chancen und Risiken, Tools und Methoden) fehlen noch.",
    ]
    reasons = s["GRÜNDE (STÄRKSTE ZUERST)"]
    assert reasons[0] == "1. Im Unternehmen gibt es weder Kompetenz noch eine Einstellung/Einschätzung des Themas. → Seminar"
    assert reasons[1].startswith("S5, Gewicht 3; Methode: „im Unternehmen noch keine Kompetenz und keine Einstellung")
    assert reasons[2] == "2. Interessent steigt als Einzelperson ein. → Seminar"
    assert [line.split(".")[0] for line in reasons[::2]] == ["1", "2", "3", "4", "5"]
    assert s["ANTWORTEN IM CHAT"][:3] == [
        "- Wie viele Personen sollen teilnehmen? 1 Person (Einzelperson)",
        "- Was soll der Einstieg leisten? Überblick über Chancen, Risiken, Tools und Methoden",
        "- Branchen- oder firmenspezifischer Einstieg gewünscht? Nein",
    ]
    assert "- Vorhandene Erfahrung mit Social Media: Noch keine Kompetenz im Unternehmen" in s["ANTWORTEN IM CHAT"]
    # unknowns once, for the consultant (no "Sie"); the question for several functions does not apply
    assert s["IM GESPRÄCH ZU KLÄREN"] == [
        "- Offen: Ist erkannt, dass man Social Media nutzen oder sich fundiert damit befassen muss?",
        "- Offen: Gibt es schon eine Social-Media-Strategie?",
    ]
    assert s["EINWILLIGUNG"][1] == "Version des Einwilligungstextes: 2026-11-v1"
    assert "20.11.2026" in s["EINWILLIGUNG"][0]
    for word in ("participants", "goals", "overview", "None", "True", "False", " Sie ", "Ihre", "Wünschen"):
        assert word not in body, word


def test_brief_team_workshop_user_knowledge_first_early_starter(repo, lead_kwargs):
    criteria = {"participants": 4, "multiple_functions": True, "goals": ["strategy", "next_steps"],
                "specific_approach": True, "experience": "first_steps", "broaden": True, "platform_knowledge": False,
                "strategy_exists": True, "strategy_parts": ["goals"], "departments": ["Marketing", "Vertrieb"]}
    lead = repo.save_lead("conv-w", **lead_kwargs(criteria=criteria))
    subject, body = build_brief(lead)
    assert subject.endswith("– Empfehlung: Workshop (Anwenderkenntnisse zuerst)")
    s = brief_sections(body)
    assert s["KURZ"][0] == "Wer:       Erika Mustermann, Muster GmbH – 4 Personen aus mehreren Funktionsbereichen " \
                           "(Marketing, Vertrieb)"
    assert s["KURZ"][1] == "Was:       Workshop als Ziel – vorher Anwenderkenntnisse aufbauen; Punkte Seminar : " \
                           "Workshop = 0 : 11"
    assert s["EMPFEHLUNG"][:2] == ["Format:   Workshop", "Variante: Workshop als Ziel – vorher Anwenderkenntnisse aufbauen"]
    assert "Fehlende Strategie-Bausteine: Business Integration, Ressourcen" in s["EMPFEHLUNG"]
    assert ("Voraussetzung: Anwenderkenntnisse fehlen: vor dem Workshop ein Inhouse-Seminar oder eigene Nutzung "
            "der Plattformen durch das Team.") in s["EMPFEHLUNG"]
    assert any(line.startswith("Frühstarter (learning by doing): Rat der Methode") for line in s["EMPFEHLUNG"])
    reasons = s["GRÜNDE (STÄRKSTE ZUERST)"]
    assert reasons[0] == "1. Eine Social-Media-Strategie soll entwickelt werden. → Workshop"
    assert reasons[2] == "2. Interessent steigt zu viert aus mehreren Funktionsbereichen ein. → Workshop"
    assert "- Was soll der Einstieg leisten? Der Einstieg soll direkt zu konkreten nächsten Schritten führen; " \
           "Eine Social-Media-Strategie entwickeln" in s["ANTWORTEN IM CHAT"]
    assert "- Welche Funktionsbereiche? Marketing, Vertrieb" in s["ANTWORTEN IM CHAT"]
    assert "- Was die bestehende Strategie schon festlegt: Ziele und Zielsysteme zur Erfolgsmessung" \
        in s["ANTWORTEN IM CHAT"]
    call = s["IM GESPRÄCH ZU KLÄREN"]
    assert "- Anwenderkenntnisse vor dem Workshop aufbauen: per Seminar oder durch eigene Nutzung der Plattformen?" \
        in call
    assert call[-1] == "- Wunschtermin und Ort abstimmen"
    assert len(call) == len(set(call))


def test_brief_in_house_seminar_for_a_group(repo, lead_kwargs):
    criteria = {"participants": 7, "multiple_functions": True, "goals": ["relevance"], "decision_made": False,
                "experience": "none", "attitude_formed": False, "platform_knowledge": True,
                "departments": ["Vertrieb", "Personal"]}
    lead = repo.save_lead("conv-i", **lead_kwargs(criteria=criteria, recommendation="seminar", phase="information"))
    s = brief_sections(build_brief(lead)[1])
    assert s["EMPFEHLUNG"][:3] == ["Format:   Seminar", "Variante: Inhouse-Seminar für die Gruppe",
                                   "Punkte:   Seminar 7 : Workshop 2"]
    assert s["GRÜNDE (STÄRKSTE ZUERST)"][0] == ("1. Im Unternehmen gibt es weder Kompetenz noch eine "
                                                 "Einstellung/Einschätzung des Themas. → Seminar")
    assert "2. Interessent steigt zu siebt aus mehreren Funktionsbereichen ein. → Workshop" \
        in s["GRÜNDE (STÄRKSTE ZUERST)"]


def test_brief_undecided_names_what_decides_and_no_phase(repo, lead_kwargs):
    lead = repo.save_lead("conv-u", **lead_kwargs(criteria={}, recommendation="undecided", phase=None,
                                                  open_questions=[]))
    subject, body = build_brief(lead)
    assert subject.endswith("– Empfehlung: offen")
    s = brief_sections(body)
    assert s["KURZ"][1:] == [
        "Was:       Noch offen – im Gespräch klären; Punkte Seminar : Workshop = 0 : 0",
        "Phase:     Nicht bewertet – ob die Grundlagen (Chancen und Risiken, Tools und Methoden) da sind, ist offen.",
        "Interesse: niedrig – keine Signale",
    ]
    assert "Phase:    nicht bewertet" in s["EMPFEHLUNG"]
    assert "Informationsphase" not in body
    assert s["GRÜNDE (STÄRKSTE ZUERST)"] == ["- Keine: Die Antworten sprechen noch für kein Format."]
    assert s["ANTWORTEN IM CHAT"] == ["- Keine Frage beantwortet."]
    call = s["IM GESPRÄCH ZU KLÄREN"]
    assert call[0] == "- Entscheidet das Format: Was soll der Einstieg leisten?"
    assert "- Offen: Gibt es schon eine Social-Media-Strategie?" in call
    assert not any("Was soll der Einstieg leisten" in line for line in call[1:])
    assert "teils" not in body


def test_brief_subject_is_one_short_line_for_hostile_names(repo, lead_kwargs):
    lead = repo.save_lead("conv-h", **lead_kwargs(contact={"name": "Evil\r\nBcc: x@y.de " + "A" * 5000}))
    subject, body = build_brief(lead)
    assert "\n" not in subject and "\r" not in subject and len(subject) < 200
    assert "A" * 5000 in body
