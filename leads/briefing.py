"""The German call-preparation brief the consultant receives by e-mail (plain Python).

``build_brief(lead)`` accepts a ``Lead`` or a mapping with the same keys (``Lead.to_dict()``).
Everything the consultant reads is German; slot names never appear.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import phonenumbers

from advisor.criteria import BRIEF_ORDER, BY_NAME

try:  # Debian ships tzdata; fall back to UTC if it is missing
    from zoneinfo import ZoneInfo

    _BERLIN: dt.tzinfo | None = ZoneInfo("Europe/Berlin")
except Exception:  # pragma: no cover - depends on the system's time zone data
    _BERLIN = None

UTC = dt.timezone.utc
NONE_TEXT = "–"
UNANSWERED = "nicht beantwortet / offen"
SUBJECT_NAME_MAX = 60

RECOMMENDATION_DE = {
    "seminar": "Seminar (externes Social-Network-Seminar)",
    "workshop": "Workshop (firmenspezifischer Inhouse-Workshop)",
    "undecided": "Noch offen – im Gespräch klären",
}
RECOMMENDATION_SHORT_DE = {"seminar": "Seminar", "workshop": "Workshop", "undecided": "offen"}
PHASE_DE = {
    "information": "Informationsphase (Überblick über Chancen, Risiken, Tools und Methoden)",
    "strategy": "Strategiephase (POST-Methode, Business Integration, Ziele und Zielsysteme, Ressourcen)",
    "operations": "Operative Phase (Enabling der Mitarbeiter, Organisation, technische Umsetzung)",
}
FOCUS_DE = dict(BY_NAME["focus"].value_labels)
EXPERIENCE_DE = dict(BY_NAME["experience"].value_labels)
CHANNEL_DE = {
    "socketio": "Website-Chat",
    "rest": "REST-Schnittstelle",
    "facebook": "Facebook Messenger",
    "telegram": "Telegram",
    "cmdline": "Kommandozeile (Test)",
}
# (slot, German label) in the order of the criteria table, each criterion followed by its details
CRITERIA_QUESTIONS_DE: tuple[tuple[str, str], ...] = tuple((row.name, row.label) for row in BRIEF_ORDER)


def _get(lead: Any, key: str) -> Any:
    if isinstance(lead, Mapping):
        return lead.get(key)
    return getattr(lead, key, None)


def _text(value: Any) -> str:
    if value is None:
        return NONE_TEXT
    text = str(value)
    return text if text.strip() else NONE_TEXT


def _one_line(value: Any, max_len: int) -> str:
    text = " ".join(_text(value).split())
    return text if len(text) <= max_len else text[: max_len - 1].rstrip() + "…"


def format_phone(value: Any) -> str:
    """E.164 shown readably ("+49 171 1234567"); anything else as it is."""
    if not value:
        return NONE_TEXT
    try:
        number = phonenumbers.parse(str(value), None)
    except phonenumbers.NumberParseException:
        return _text(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _yes_no(value: Any) -> str:
    if value is True:
        return "Ja"
    if value is False:
        return "Nein"
    return UNANSWERED


def _number(value: Any) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return UNANSWERED
    count = int(number) if number.is_integer() else number
    if count == 1:
        return "1 Person (Einzelperson)"
    return f"{count} Personen".replace(".", ",")


def criterion_text(key: str, value: Any) -> str:
    """One qualification answer in German words."""
    if value is None or value == "" or value == []:
        return UNANSWERED
    if key == "participants":
        return _number(value)
    if key == "focus":
        return FOCUS_DE.get(str(value), str(value))
    if key == "experience":
        return EXPERIENCE_DE.get(str(value), str(value))
    if key == "departments":
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value) or UNANSWERED
        return str(value)
    if isinstance(value, bool):
        return _yes_no(value)
    return str(value)


def _datetime(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str) and value:
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def format_timestamp(value: Any) -> str:
    moment = _datetime(value)
    if moment is None:
        return NONE_TEXT
    utc = moment.astimezone(UTC)
    text = f"{utc:%d.%m.%Y, %H:%M} Uhr UTC"
    if _BERLIN is not None:
        local = moment.astimezone(_BERLIN)
        text = f"{local:%d.%m.%Y, %H:%M} Uhr ({local.tzname()}) = {text}"
    return text


def _reason_text(reason: Any) -> str:
    if isinstance(reason, Mapping):
        answer = reason.get("answer_text") or reason.get("text") or ""
        target = reason.get("points_to")
        target_de = RECOMMENDATION_SHORT_DE.get(str(target), target) if target else None
        return f"{answer} → spricht für: {target_de}" if target_de else str(answer)
    return str(reason)


def _wish(lead: Any, criteria: Mapping[str, Any]) -> list[str]:
    lines = []
    focus = criteria.get("focus")
    if focus:
        lines.append(FOCUS_DE.get(str(focus), str(focus)))
    if criteria.get("specific_approach") is True:
        lines.append("Ein konkreter, branchen- und firmenspezifischer Einstieg ist gewünscht.")
    if criteria.get("cross_functional") is True:
        lines.append("Social Media soll funktionsübergreifend im Unternehmen verankert werden.")
    if not lines:
        lines.append("Einstieg in Social Media; Beratung zum passenden Format gewünscht.")
    return lines


def build_subject(lead: Any) -> str:
    name = _one_line(_get(lead, "name"), SUBJECT_NAME_MAX)
    company = _get(lead, "company")
    who = name
    if company and _text(company) != NONE_TEXT:
        who = f"{name} ({_one_line(company, SUBJECT_NAME_MAX)})"
    recommendation = RECOMMENDATION_SHORT_DE.get(_get(lead, "recommendation") or "", "offen")
    prefix = "Aktualisiert: " if (_get(lead, "version") or 1) > 1 else ""
    return f"{prefix}Gesprächsvorbereitung: {who} – Empfehlung: {recommendation}"


def build_brief(lead: Any) -> tuple[str, str]:
    """Return ``(subject, text)`` of the German call-preparation e-mail for one lead."""
    criteria: Mapping[str, Any] = _get(lead, "criteria") or {}
    channel = _get(lead, "channel")
    recommendation = _get(lead, "recommendation")
    phase = _get(lead, "phase")
    reasons = _get(lead, "reasons") or []
    open_questions = _get(lead, "open_questions") or []

    out: list[str] = []
    out.append("Guten Tag,")
    out.append("")
    out.append(
        "der Assistent hat ein Gespräch mit einem Interessenten geführt. "
        "Hier ist die Vorbereitung für Ihr Gespräch."
    )
    if (_get(lead, "version") or 1) > 1:
        out.append(f"(Aktualisierte Fassung Nr. {_get(lead, 'version')} – ersetzt frühere Zusendungen.)")
    out.append("")
    out.append("WER")
    who = (
        ("Name", _text(_get(lead, "name"))),
        ("Unternehmen", _text(_get(lead, "company"))),
        ("E-Mail", _text(_get(lead, "email"))),
        ("Telefon", format_phone(_get(lead, "phone"))),
        ("Erreichbarkeit", _text(_get(lead, "preferred_contact"))),
        ("Chat über", CHANNEL_DE.get(channel or "", _text(channel))),
        ("Gesprächs-ID", _text(_get(lead, "conversation_id"))),
    )
    out.extend(f"  {label + ':':<16}{value}" for label, value in who)
    out.append("")
    out.append("WAS GEWÜNSCHT IST")
    out.extend(f"  - {line}" for line in _wish(lead, criteria))
    out.append("")
    out.append("ANTWORTEN ZUR EINSCHÄTZUNG")
    for key, question in CRITERIA_QUESTIONS_DE:
        if key == "departments" and not criteria.get(key):
            continue
        out.append(f"  - {question}")
        out.append(f"    {criterion_text(key, criteria.get(key))}")
    out.append("")
    out.append("EMPFEHLUNG")
    out.append(f"  Format: {RECOMMENDATION_DE.get(recommendation or '', _text(recommendation))}")
    out.append(f"  Phase:  {PHASE_DE.get(phase or '', _text(phase))}")
    if reasons:
        out.append("  Begründung:")
        out.extend(f"  - {_reason_text(reason)}" for reason in reasons)
    if criteria.get("platform_knowledge") is False and recommendation == "workshop":
        out.append(
            "  Hinweis: Für einen Workshop sind Anwenderkenntnisse (z. B. Facebook, Xing) "
            "Voraussetzung – bitte im Gespräch klären."
        )
    out.append("")
    out.append("IM GESPRÄCH ZU KLÄREN")
    unanswered = [q for key, q in CRITERIA_QUESTIONS_DE if key != "departments" and criteria.get(key) is None]
    items = [str(q) for q in open_questions] + [q for q in unanswered if q not in open_questions]
    if items:
        out.extend(f"  - {item}" for item in items)
    else:
        out.append("  - Keine offenen Fragen aus dem Chat; Termin, Umfang und Ablauf abstimmen.")
    out.append("")
    out.append("EINWILLIGUNG")
    out.append(f"  Einwilligung zur Kontaktaufnahme erteilt am {format_timestamp(_get(lead, 'consent_at'))}")
    out.append(f"  Version des Einwilligungstextes: {_text(_get(lead, 'consent_version'))}")
    out.append("")
    out.append("Diese Nachricht wurde automatisch vom Chat-Assistenten erstellt.")
    return build_subject(lead), "\n".join(out) + "\n"
