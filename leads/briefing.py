"""The German call-preparation brief the consultant receives by e-mail (plain Python).

``build_brief(lead)`` accepts a ``Lead`` or a mapping with the same keys (``Lead.to_dict()``).
Everything the consultant reads is German and about the prospect in the third person; slot names never
appear. Labels and value words come from the criteria table (``advisor.criteria``), the recommendation from
``advisor.recommendation``.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import phonenumbers

from advisor.agenda import agenda
from advisor.criteria import BRIEF_ORDER, BY_NAME, Kind
from advisor.interest import Facts, asked_buying_topics, assess
from advisor.recommendation import (
    EARLY_STARTER_BRIEF,
    STRATEGY_PART_SHORT,
    Criteria,
    Recommendation,
    prerequisite_brief,
    recommend,
)

try:  # Debian ships tzdata; fall back to UTC if it is missing
    from zoneinfo import ZoneInfo

    _BERLIN: dt.tzinfo | None = ZoneInfo("Europe/Berlin")
except Exception:  # pragma: no cover - depends on the system's time zone data
    _BERLIN = None

UTC = dt.timezone.utc
NONE_TEXT = "–"
UNANSWERED = "nicht beantwortet / offen"
SUBJECT_NAME_MAX = 60

FORMAT_DE = {
    "seminar": "Seminar",
    "workshop": "Workshop",
    "undecided": "Noch offen – im Gespräch klären",
}
VARIANT_DE = {
    "open_seminar": "Offenes Seminar (extern, für Einzelpersonen)",
    "inhouse_seminar": "Inhouse-Seminar für die Gruppe",
    "workshop": "Workshop (firmenspezifisch, inhouse)",
    "workshop_user_knowledge_first": "Workshop als Ziel – vorher Anwenderkenntnisse aufbauen",
    "undecided": "Noch offen – im Gespräch klären",
}
VARIANT_SHORT_DE = {
    "open_seminar": "offenes Seminar",
    "inhouse_seminar": "Inhouse-Seminar",
    "workshop": "Workshop",
    "workshop_user_knowledge_first": "Workshop (Anwenderkenntnisse zuerst)",
    "undecided": "offen",
}
SIDE_DE = {"seminar": "Seminar", "workshop": "Workshop"}
PHASE_DE = {
    "information": "Informationsphase (Überblick über Chancen, Risiken, Tools und Methoden)",
    "strategy": "Strategiephase (POST-Methode, Business Integration, Ziele und Zielsysteme, Ressourcen)",
    "operations": "Operative Phase (Enabling der Mitarbeiter, Organisation, technische Umsetzung)",
}
PHASE_SHORT_DE = {"information": "Informationsphase", "strategy": "Strategiephase", "operations": "Operative Phase"}
NOT_ASSESSED = "nicht bewertet"
VALUE_LABELS_DE: dict[str, dict[str, str]] = {
    row.name: dict(row.value_labels) for row in BRIEF_ORDER if row.value_labels
}
"""German words for the values of the CHOICE and MULTI criteria, from the criteria table."""
CHANNEL_DE = {
    "socketio": "Website-Chat",
    "rest": "REST-Schnittstelle",
    "facebook": "Facebook Messenger",
    "telegram": "Telegram",
    "cmdline": "Kommandozeile (Test)",
}
# (slot, German label) in the order of the criteria table, each criterion followed by its details
CRITERIA_QUESTIONS_DE: tuple[tuple[str, str], ...] = tuple((row.name, row.label) for row in BRIEF_ORDER)


# the topics of the prospect's questions (offer topics from advisor.offer, intents, faq retrieval keys)
QUESTION_TOPIC_DE = {
    "price": "Preis", "first_call": "Erstgespräch kostenlos?", "funding": "Förderung", "dates": "Termine",
    "duration": "Dauer", "online": "online oder vor Ort", "place": "Ort / Region", "in_house": "Inhouse",
    "ask_phase_model": "3-Phasen-Modell", "ask_phase_information": "Informationsphase",
    "ask_phase_strategy": "Strategiephase", "ask_phase_operations": "operative Phase",
    "ask_bottom_up": "bottom-up", "ask_dive_in": "einfach loslegen (dive-in)", "ask_early_starter": "Frühstarter",
    "ask_seminar_workshop_difference": "Unterschied Seminar/Workshop", "ask_seminar": "Seminar",
    "ask_workshop": "Workshop", "ask_consultant": "wer dahintersteht", "ask_privacy": "Datenschutz",
    "faq/post_method": "POST-Methode", "faq/business_integration": "Business Integration",
    "faq/goals": "Ziele und Erfolgsmessung", "faq/resources": "Ressourcen / Aufwand", "faq/enabling": "Enabling",
    "faq/learn_yourself": "selbst lernen?", "faq/industries": "Branche / Unternehmensgröße",
    "faq/platforms": "Plattformen",
}
OFFER_FORMAT_DE = {"open_seminar": "offenes Seminar", "in_house_seminar": "Inhouse-Seminar", "workshop": "Workshop"}
QUESTION_TEXT_MAX = 160


def prospect_question_lines(entries: Any) -> list[str]:
    """The prospect's own questions and objections, in the order asked (repeats counted, not repeated)."""
    lines: list[str] = []
    counts: dict[str, int] = {}
    order: list[str] = []
    for entry in entries or []:
        if not isinstance(entry, Mapping):
            continue
        quoted = f" {_quote(_one_line(entry['text'], QUESTION_TEXT_MAX))}" if entry.get("text") else ""
        if entry.get("kind") == "objection":
            against = VARIANT_SHORT_DE.get(str(entry.get("against")), FORMAT_DE.get(str(entry.get("against")), ""))
            line = f"Einwand nach der Empfehlung{f' ({against})' if against else ''}:{quoted or ' (Angabe geändert)'}"
        else:
            topics = ", ".join(QUESTION_TOPIC_DE.get(str(t), str(t)) for t in entry.get("topics") or [])
            fmt = OFFER_FORMAT_DE.get(str(entry.get("format")))
            line = f"{topics or 'Frage'}{f' ({fmt})' if fmt else ''}:{quoted or ' (per Button)'}"
        if line not in counts:
            order.append(line)
        counts[line] = counts.get(line, 0) + 1
    for line in order:
        lines.append(line if counts[line] == 1 else f"{line} – {counts[line]}× gefragt")
    return lines


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
    """One qualification answer in German words (labels from the criteria table; several values joined)."""
    if value is None or value == "":
        return UNANSWERED
    row = BY_NAME.get(key)
    kind = row.kind if row is not None else None
    if kind is Kind.COUNT:
        return _number(value)
    if kind in (Kind.MULTI, Kind.LIST):
        items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        labels = VALUE_LABELS_DE.get(key, {})
        ordered = [v for v in (row.values or ()) if v in items] + [v for v in items if v not in (row.values or ())]
        words = [labels.get(str(v), str(v)) for v in ordered]
        if words:
            return ("; " if kind is Kind.MULTI else ", ").join(words)
        return "keine davon" if kind is Kind.MULTI else NONE_TEXT
    if isinstance(value, bool):
        return _yes_no(value)
    if kind is Kind.CHOICE:
        return VALUE_LABELS_DE.get(key, {}).get(str(value), str(value))
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


def _wish(criteria: Criteria) -> list[str]:
    labels = VALUE_LABELS_DE["goals"]
    lines = [labels[goal] for goal in BY_NAME["goals"].values if criteria.goals and goal in criteria.goals]
    if criteria.specific_approach is True:
        lines.append("Ein konkreter, branchen- und firmenspezifischer Einstieg ist gewünscht.")
    if criteria.cross_functional is True:
        lines.append("Social Media soll funktionsübergreifend im Unternehmen verankert werden.")
    if not lines:
        lines.append("Einstieg in Social Media; Ziel im Chat nicht genannt.")
    return lines


def _who(lead: Any, criteria: Criteria, departments: Any) -> str:
    who = _one_line(_get(lead, "name"), SUBJECT_NAME_MAX)
    company = _get(lead, "company")
    if company and _text(company) != NONE_TEXT:
        who += f", {_one_line(company, SUBJECT_NAME_MAX)}"
    if criteria.participants is not None:
        who += f" – {_number(criteria.participants)}"
    if criteria.multiple_functions is True:
        who += " aus mehreren Funktionsbereichen"
        if departments:
            who += f" ({criterion_text('departments', departments)})"
    return who


def _phase_text(result: Recommendation) -> str:
    name = PHASE_SHORT_DE.get(result.phase or "", NOT_ASSESSED.capitalize())
    reason = result.phase_assessment.brief_reason.split(": ", 1)[-1]
    return f"{name} – {reason}"


def _quote(text: str) -> str:
    return f"„{text.rstrip(' .,')}“"


def _call_items(result: Recommendation, stored: list[Any]) -> list[str]:
    """What to settle in the call, each once, for the consultant."""
    items: list[str] = []
    if result.deciding:
        deciding = " / ".join(BY_NAME[name].label for name in result.deciding)
        items.append(f"Entscheidet das Format: {deciding}")
    items += [f"Offen: {BY_NAME[name].label}" for name in result.open_criteria if name not in result.deciding]
    items += [q for q in result.open_questions if q not in {BY_NAME[n].label for n in result.open_criteria}]
    for question in stored:
        text = str(question)
        if text not in result.open_questions and text not in items:
            items.append(text)
    return items


def build_subject(lead: Any, *, update: bool = False) -> str:
    name = _one_line(_get(lead, "name"), SUBJECT_NAME_MAX)
    company = _get(lead, "company")
    who = name
    if company and _text(company) != NONE_TEXT:
        who = f"{name} ({_one_line(company, SUBJECT_NAME_MAX)})"
    result = recommend(Criteria.from_slots(_get(lead, "criteria") or {}))
    prefix = "Aktualisiert: " if (_get(lead, "version") or 1) > 1 else ""
    if update:
        prefix = "Aktualisierung: "
    return f"{prefix}Gesprächsvorbereitung: {who} – Empfehlung: {VARIANT_SHORT_DE[result.variant]}"


def _date(value: Any) -> str:
    moment = _datetime(value)
    if moment is None:
        return NONE_TEXT
    return f"{moment.astimezone(_BERLIN or UTC):%d.%m.%Y}"


def earlier_conversations_block(earlier: Sequence[Any]) -> list[str]:
    """The "Aktualisierung" header lines and the list of the person's earlier conversations
    (date, recommended format, consent), oldest first; [] for a person's first conversation."""
    if not earlier:
        return []
    count = len(earlier)
    out = [f"Aktualisierung: Diese Person hat schon {count} {'Gespräch' if count == 1 else 'Gespräche'} "
           "mit dem Chat-Assistenten geführt (gleiche E-Mail-Adresse). Die Angaben unten stammen aus dem neuesten Gespräch.",
           "", "FRÜHERE GESPRÄCHE"]
    for item in earlier:
        variant = recommend(Criteria.from_slots(_get(item, "criteria") or {})).variant
        out.append(f"  - {_date(_get(item, 'created_at'))}: Empfehlung {VARIANT_SHORT_DE[variant]}; "
                   f"Gesprächs-ID {_text(_get(item, 'conversation_id'))}; Einwilligung "
                   f"{_date(_get(item, 'consent_at'))} (Version {_text(_get(item, 'consent_version'))})")
    out.append("")
    return out


def build_brief(lead: Any, *, earlier: Sequence[Any] = ()) -> tuple[str, str]:
    """Return ``(subject, text)`` of the German call-preparation e-mail for one lead.

    ``earlier``: the same person's earlier conversations (leads or mappings, oldest first); when
    given, the brief starts with "Aktualisierung" and lists them.

    The recommendation is recomputed from the stored answers with ``advisor.recommendation`` (the same code
    the chat used), so that variant, ranked reasons, phase and open points are typed, not parsed from text.
    The brief speaks about the prospect in the third person."""
    answers: Mapping[str, Any] = _get(lead, "criteria") or {}
    criteria = Criteria.from_slots(answers)
    result = recommend(criteria)
    channel = _get(lead, "channel")
    told = _get(lead, "recommendation")

    out: list[str] = earlier_conversations_block(earlier)
    out.append("Gesprächsvorbereitung aus dem Chat-Assistenten.")
    if (_get(lead, "version") or 1) > 1:
        out.append(f"(Aktualisierte Fassung Nr. {_get(lead, 'version')} – ersetzt frühere Zusendungen.)")
    out.append("")
    out.append("KURZ")
    interest = assess(Facts(criteria.decision_made, criteria.need_recognised, result.format != "undecided",
                            asked_buying_topics(answers.get("prospect_questions"))))
    out.append(f"  Wer:       {_who(lead, criteria, answers.get('departments'))}")
    out.append(f"  Was:       {VARIANT_DE[result.variant]}; Punkte Seminar : Workshop = {result.score}")
    out.append(f"  Phase:     {_phase_text(result)}")
    out.append(f"  Interesse: {interest.text()}")
    out.append("")
    out.append("KONTAKT")
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
    out.extend(f"  - {line}" for line in _wish(criteria))
    out.append("")
    out.append("EMPFEHLUNG")
    out.append(f"  Format:   {FORMAT_DE[result.format]}")
    out.append(f"  Variante: {VARIANT_DE[result.variant]}")
    if told and told != result.format:
        out.append(f"  Im Chat genannt: {FORMAT_DE.get(str(told), _text(told))}")
    out.append(f"  Punkte:   Seminar {result.score.seminar} : Workshop {result.score.workshop}")
    out.append(f"  Phase:    {PHASE_DE.get(result.phase or '', NOT_ASSESSED)}")
    out.append(f"  Warum:    {result.phase_assessment.brief_reason}")
    if result.missing_strategy_parts:
        missing = ", ".join(STRATEGY_PART_SHORT[part] for part in result.missing_strategy_parts)
        out.append(f"  Fehlende Strategie-Bausteine: {missing}")
    if result.prerequisite_missing:
        out.append(f"  Voraussetzung: {prerequisite_brief(criteria)}")
    if result.early_starter:
        out.append(f"  {EARLY_STARTER_BRIEF}")
    out.append("")
    out.append("VORSCHLAG FÜR DEN ABLAUF (BOTTOM-UP)")
    frame, steps = agenda(result, criteria)
    out.append(f"  Rahmen: {frame}")
    out.extend(f"  {number}. {step}" for number, step in enumerate(steps, start=1))
    out.append("")
    out.append("GRÜNDE (STÄRKSTE ZUERST)")
    if result.reasons:
        for number, reason in enumerate(result.reasons, start=1):
            out.append(f"  {number}. {reason.brief_text} → {SIDE_DE[reason.points_to]}")
            out.append(f"     {reason.rule}, Gewicht {reason.weight}; Methode: {_quote(reason.quote)}")
    else:
        out.append("  - Keine: Die Antworten sprechen noch für kein Format.")
    out.append("")
    out.append("ANTWORTEN IM CHAT")
    answered = [(key, label) for key, label in CRITERIA_QUESTIONS_DE if answers.get(key) not in (None, "", [])]
    if answered:
        out.extend(f"  - {label} {criterion_text(key, answers.get(key))}" if label.endswith("?")
                   else f"  - {label}: {criterion_text(key, answers.get(key))}" for key, label in answered)
    else:
        out.append("  - Keine Frage beantwortet.")
    out.append("")
    out.append("FRAGEN UND EINWÄNDE IM CHAT")
    asked = prospect_question_lines(answers.get("prospect_questions"))
    if asked:
        out.extend(f"  - {line}" for line in asked)
    else:
        out.append("  - Keine.")
    out.append("")
    out.append("IM GESPRÄCH ZU KLÄREN")
    items = _call_items(result, list(_get(lead, "open_questions") or []))
    if items:
        out.extend(f"  - {item}" for item in items)
    else:
        out.append("  - Keine offenen Punkte aus dem Chat; Termin, Umfang und Ablauf abstimmen.")
    out.append("")
    out.append("EINWILLIGUNG")
    out.append(f"  Einwilligung zur Kontaktaufnahme erteilt am {format_timestamp(_get(lead, 'consent_at'))}")
    out.append(f"  Version des Einwilligungstextes: {_text(_get(lead, 'consent_version'))}")
    out.append("")
    out.append("Diese Nachricht wurde automatisch vom Chat-Assistenten erstellt.")
    return build_subject(lead, update=bool(earlier)), "\n".join(out) + "\n"
