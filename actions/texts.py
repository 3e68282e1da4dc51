"""Every German text the actions compose at run time (the fixed responses live in domain/)."""
from __future__ import annotations

from advisor.markup import escape_markdown

FORMAT_HEADLINE = {
    # keyed by advisor.recommendation.VARIANTS
    "open_seminar": "Meine Empfehlung für Ihren Einstieg: ein offenes Seminar.",
    "inhouse_seminar": "Meine Empfehlung für Ihren Einstieg: ein Inhouse-Seminar für Ihr Team.",
    "workshop": "Meine Empfehlung für Ihren Einstieg: ein Workshop, zugeschnitten auf Ihr Unternehmen.",
    "workshop_user_knowledge_first": (
        "Mein Ziel für Sie: ein Workshop. Vorher empfehle ich, Anwenderkenntnisse aufzubauen."
    ),
    "undecided": "Ein Format kann ich Ihnen noch nicht sicher empfehlen.",
}

WHY_INTRO = "Die wichtigsten Gründe:"

PREREQUISITE_HEADLINE = FORMAT_HEADLINE["workshop_user_knowledge_first"]

DECIDING_INTRO = "Entscheidend ist vor allem:"

NEXT_STEPS = (
    "Alle Gründe und Ihre Antworten bekommt {consultant} vor dem Gespräch – so ist alles gut vorbereitet. "
    "Wie möchten Sie weitermachen?"
)

BUTTON_CALLBACK = "Rückruf vereinbaren"
BUTTON_MORE = {"seminar": "Mehr zum Seminar", "workshop": "Mehr zum Workshop"}
BUTTON_QUESTION = "Frage stellen"

CRITERIA_NOTED = "Danke, das habe ich mir notiert."
CRITERIA_NOTED_OFFER = "Soll ich mit ein paar kurzen Fragen herausfinden, welches Format zu Ihnen passt?"
BUTTON_START_QUALIFICATION = "Ja, Format finden"

LEAD_REFUSED = (
    "Ihre Angaben konnte ich leider nicht speichern – es ist nichts gespeichert worden. Bitte bestätigen Sie "
    "Ihre Einwilligung noch einmal oder schreiben Sie {consultant} direkt {contact}."
)
DELETION_FAILED = (
    "Das Löschen hat gerade technisch nicht geklappt. Bitte versuchen Sie es gleich noch einmal "
    "oder schreiben Sie {consultant} direkt {contact} – Ihre Daten werden dann von Hand gelöscht."
)


DISCLOSURE = "Guten Tag! Ich bin der digitale Assistent von {name} – ein Chatbot, kein Mensch."
"""Sent with the first reply of every conversation, whatever the first message is and on every channel."""

def progress(remaining: int | None, *, impatient: bool = False) -> str:
    """The answer to "wie viele Fragen noch?" / "kommen Sie zum Punkt" (``remaining``: None outside a form)."""
    if remaining is None:
        return ("Ich stelle Ihnen gerade keine Fragen. Wenn Sie möchten, finde ich mit ein paar kurzen Fragen "
                "heraus, ob ein Seminar oder ein Workshop zu Ihnen passt – sagen Sie einfach „Empfehlung“.")
    count = "nur noch diese eine Frage" if remaining <= 1 else f"noch etwa {remaining} kurze Fragen"
    if impatient:
        return (f"Verstanden, ich halte es kurz: {count}, dann haben Sie Ihre Empfehlung. "
                "Wenn Sie eine Frage nicht beantworten möchten, schreiben Sie einfach „weiß nicht“.")
    return f"Es sind {count}, dann bekommen Sie Ihre Empfehlung."


ALREADY_KNOWN = "Das hatten Sie schon gesagt – ist notiert, danke."
CORRECTED_PREFIX = "Danke, korrigiert:"


def bullet_list(lines: list[str], limit: int = 4) -> str:
    return "\n".join(f"• {line}" for line in lines[:limit])


# -- what the form took from a message besides the answer ("Notiert: …") ---------------------------------------
_GOAL_WORDS = {
    "overview": "ein Überblick", "relevance": "die Relevanz prüfen", "next_steps": "konkrete nächste Schritte",
    "strategy": "eine Strategie entwickeln",
}
_PART_WORDS = {"business_integration": "Business Integration", "goals": "Ziele und Zielsysteme",
               "resources": "Ressourcen"}
_FACT_WORDS = {
    "specific_approach": ("ein branchen- und firmenspezifischer Einstieg", "firmenspezifisch noch kein Thema"),
    "broaden": ("soll jetzt breiter angegangen werden", "erst einmal nicht breiter"),
    "attitude_formed": ("eine Einschätzung zum Thema gibt es", "noch keine Einschätzung zum Thema"),
    "decision_made": ("die Nutzung ist entschieden", "noch nicht entschieden"),
    "need_recognised": ("die Notwendigkeit ist erkannt", "die Notwendigkeit ist noch nicht erkannt"),
    "cross_functional": ("soll funktionsübergreifend verankert werden", "nicht funktionsübergreifend"),
    "platform_knowledge": ("Anwenderkenntnisse sind da", "keine Anwenderkenntnisse"),
    "strategy_exists": ("eine Strategie gibt es", "noch keine Strategie"),
}
_EXPERIENCE_WORDS = {"none": "noch keine Erfahrung", "first_steps": "erste Schritte gemacht",
                     "basic": "Grundkenntnisse vorhanden"}
NOTED_PREFIX = "Notiert:"


def noted_facts(facts: dict) -> str:
    """"Notiert: 4 Personen aus Marketing und Vertrieb, erste Schritte gemacht." for facts the prospect
    stated besides the answer to the question (empty string when there are none)."""
    parts: list[str] = []
    count = facts.get("participants")
    departments = facts.get("departments") or []
    if isinstance(count, (int, float)) and not isinstance(count, bool):
        people = "1 Person" if count == 1 else f"{int(count)} Personen"
        parts.append(f"{people} aus {_and(departments)}" if departments else people)
    elif departments:
        parts.append(f"aus {_and(departments)}")
    if "multiple_functions" in facts and not departments and count != 1:
        parts.append("aus mehreren Funktionsbereichen" if facts["multiple_functions"]
                     else "aus einem Funktionsbereich")
    if facts.get("goals"):
        parts.append("Ziel: " + _and([_GOAL_WORDS.get(g, g) for g in facts["goals"]]))
    if facts.get("experience") in _EXPERIENCE_WORDS:
        parts.append(_EXPERIENCE_WORDS[facts["experience"]])
    for name, (yes, no) in _FACT_WORDS.items():
        if facts.get(name) is True:
            parts.append(yes)
        elif facts.get(name) is False:
            parts.append(no)
    if "strategy_parts" in facts:
        named = [_PART_WORDS.get(p, p) for p in facts["strategy_parts"] or []]
        parts.append("die Strategie legt " + _and(named) + " fest" if named
                     else "die Strategie legt Business Integration, Ziele und Ressourcen noch nicht fest")
    if not parts:
        return ""
    return f"{NOTED_PREFIX} " + ", ".join(parts) + "."


KEPT_ANSWER = "Gut, dann bleibt es bei Ihrer ersten Angabe."
NOT_TAKEN = "Danke, dann habe ich das falsch verstanden und notiere es nicht."


def confirm_change(new: dict, old: dict) -> str:
    """"Habe ich richtig verstanden: 5 Personen? Bisher hatte ich 4 Personen notiert." — a changed answer
    stated without a correction word is confirmed before it is stored."""
    now = noted_facts(new)[len(NOTED_PREFIX):].strip().rstrip(".")
    before = noted_facts(old)[len(NOTED_PREFIX):].strip().rstrip(".")
    question = f"Habe ich richtig verstanden: {now}?"
    return f"{question} Bisher hatte ich notiert: {before}." if before else question


def _and(items: list[str]) -> str:
    items = [escape_markdown(str(i)) for i in items]  # the widget renders Markdown: values never become markup
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " und " + items[-1]


def corrected_facts(facts: dict) -> str:
    """"Danke, korrigiert: 4 Personen." — says what changed, not only that something did."""
    summary = noted_facts(facts)
    return CORRECTED_PREFIX + summary[len(NOTED_PREFIX):] if summary else "Danke, das habe ich korrigiert."


# -- answers from the consultant's offer (offer.yml; values from the file, wording here) ---------------------
_WEEKDAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")
OFFER_ORDER = ("open_seminar", "in_house_seminar", "workshop")
# German articles depend on the format, not on the name the consultant gives it in the file
THE_FORMAT = {"open_seminar": "Das offene Seminar", "in_house_seminar": "Das Inhouse-Seminar",
              "workshop": "Der Workshop"}
YOUR_FORMAT = {"open_seminar": "Ihr Seminar", "in_house_seminar": "Ihr Inhouse-Seminar", "workshop": "Ihren Workshop"}


def euros(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " €"


def price_text(price) -> str:
    if price.amount_to:
        return f"{euros(price.amount_from)[:-2]}–{euros(price.amount_to)}"
    return f"ab {euros(price.amount_from)}"


def date_text(seminar_date) -> str:
    d = seminar_date.date
    text = f"{_WEEKDAYS[d.weekday()]} {d:%d.%m.%Y}"
    return f"{text}, {seminar_date.place}" if seminar_date.place else text


def delivery_text(fmt) -> str:
    if fmt.online and fmt.on_site:
        return "vor Ort oder online"
    return "online" if fmt.online else "vor Ort"


def _first_call_line(offer) -> str:
    if not offer.first_call_free:
        return ""
    minutes = f" ({offer.first_call_minutes} Minuten)" if offer.first_call_minutes else ""
    return f"Das Erstgespräch mit {offer.consultant.name} ist kostenlos{minutes}."


def _formats(offer, fmt_key):
    keys = (fmt_key,) if fmt_key else OFFER_ORDER
    return [offer.formats[k] for k in keys]


def offer_answer(offer, topic: str, fmt_key: str | None, today) -> str:
    """The full German answer to one offer topic (price, dates, duration, online, place, in_house, funding,
    first_call), optionally for one format."""
    name = offer.consultant.name
    if topic == "price":
        if fmt_key:
            f = offer.formats[fmt_key]
            text = f"{THE_FORMAT[fmt_key]} kostet {price_text(f.price)} ({f.price.unit})."
        else:
            lines = [f"{f.name[:1].upper() + f.name[1:]}: {price_text(f.price)} ({f.price.unit})"
                     for f in _formats(offer, None)]
            return f"Die Richtpreise:\n{bullet_list(lines)}\n{_first_call_line(offer)}".rstrip()
        tail = _first_call_line(offer)
        return f"{text}\nDas genaue Angebot richtet sich nach Umfang und Zuschnitt. {tail}".rstrip()
    if topic == "dates":
        seminar = offer.formats["open_seminar"]
        upcoming = seminar.upcoming_dates(today)
        if fmt_key in ("in_house_seminar", "workshop"):
            f = offer.formats[fmt_key]
            return (f"Den Termin für {YOUR_FORMAT[fmt_key]} legen Sie mit {name} gemeinsam fest – "
                    f"nach Ihrem Kalender, {delivery_text(f)}.")
        if not upcoming:
            return ("Für das offene Seminar stehen gerade keine neuen Termine fest. Inhouse-Seminar und Workshop "
                    f"stimmen Sie individuell mit {name} ab.")
        lines = [date_text(d) for d in upcoming[:3]]
        return ("Die nächsten Termine des offenen Seminars:\n" + bullet_list(lines)
                + "\nInhouse-Seminar und Workshop: Termin nach Absprache.")
    if topic == "duration":
        if fmt_key:
            f = offer.formats[fmt_key]
            return f"{THE_FORMAT[fmt_key]} dauert {f.duration}."
        lines = [f"{f.name[:1].upper() + f.name[1:]}: {f.duration}" for f in _formats(offer, None)]
        return "So lange dauern die Formate:\n" + bullet_list(lines)
    if topic == "online":
        lines = [f"{f.name[:1].upper() + f.name[1:]}: {delivery_text(f)} ({f.place})" for f in _formats(offer, fmt_key)]
        if fmt_key:
            return f"Ja, das geht – {lines[0]}." if offer.formats[fmt_key].online else f"{lines[0]}."
        return "Online oder vor Ort:\n" + bullet_list(lines)
    if topic == "place":
        lines = [f"{f.name[:1].upper() + f.name[1:]}: {f.place}" for f in _formats(offer, fmt_key)]
        return f"Region: {offer.region}.\n" + bullet_list(lines)
    if topic == "in_house":
        inside = [f.name for f in _formats(offer, None) if f.in_house]
        if not inside:
            return f"Inhouse-Veranstaltungen bietet {name} derzeit nicht an – gern aber das offene Seminar."
        return (f"Ja: {' und '.join(inside)} finden bei Ihnen im Haus statt oder online, zugeschnitten auf Ihr "
                f"Team. Region: {offer.region}.")
    if topic == "funding":
        if offer.funding.strip().lower() in ("in absprache", "nach absprache"):
            return f"Förderung: in Absprache – ob ein Programm für Sie in Frage kommt, klärt {name} gern mit Ihnen."
        return f"Zur Förderung: {offer.funding}"
    if topic == "first_call":
        if offer.first_call_free:
            return f"{_first_call_line(offer)} Es ist unverbindlich – Sie klären dort Ihren Bedarf und das passende Format."
        return f"Die Konditionen für ein Erstgespräch nennt {name} Ihnen gern vorab."
    raise ValueError(f"unknown offer topic {topic}")


def offer_short_answer(offer, topic: str, fmt_key: str | None, today, repeat: int, lead_saved: bool) -> str:
    """The answer when the topic comes again: the core fact in one line, then a next step. ``repeat`` 1, 2,
    ... alternates the wording so that no text comes twice in a row."""
    name = offer.consultant.name
    formats = _formats(offer, fmt_key)
    if topic == "price":
        core = "; ".join(f"{f.name} {price_text(f.price)}" for f in formats)
    elif topic == "dates":
        upcoming = offer.formats["open_seminar"].upcoming_dates(today)
        core = (f"nächstes offenes Seminar am {date_text(upcoming[0])}" if upcoming and fmt_key in (None, "open_seminar")
                else "Termine nach Absprache")
    elif topic == "duration":
        core = "; ".join(f"{f.name} {f.duration}" for f in formats)
    elif topic == "online":
        core = "; ".join(f"{f.name} {delivery_text(f)}" for f in formats)
    elif topic == "place":
        core = offer.region
    elif topic == "in_house":
        core = "Inhouse ist möglich" if any(f.in_house for f in formats) else "kein Inhouse-Angebot"
    elif topic == "funding":
        core = "Förderung " + ("in Absprache" if offer.funding.lower().startswith(("in absprache", "nach absprache"))
                               else "je nach Programm möglich")
    else:
        core = "Erstgespräch kostenlos" if offer.first_call_free else "Erstgespräch nach Absprache"
    if lead_saved:
        step = f"Notieren Sie Detailfragen gern für das Gespräch mit {name}."
    elif repeat % 2 == 1:
        step = f"Alles Weitere klärt {name} am besten persönlich – soll ich einen Rückruf vereinbaren?"
    else:
        step = f"Möchten Sie das direkt mit {name} besprechen? Ein Rückruf ist schnell vereinbart."
    lead = "Kurz gesagt" if repeat % 2 == 1 else "Noch einmal in Kürze"
    return f"{lead}: {core}. {step}"
