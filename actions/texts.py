"""Every German text the actions compose at run time (the fixed responses live in domain/)."""
from __future__ import annotations

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
    "Alle Gründe und Ihre Antworten bekommt der Berater vor dem Gespräch, so kann er sich vorbereiten. "
    "Wie möchten Sie weitermachen?"
)

BUTTON_CALLBACK = "Rückruf vereinbaren"
BUTTON_MORE = {"seminar": "Mehr zum Seminar", "workshop": "Mehr zum Workshop"}
BUTTON_QUESTION = "Frage stellen"

CRITERIA_NOTED = "Danke, das habe ich mir notiert."
CRITERIA_NOTED_OFFER = "Soll ich mit ein paar kurzen Fragen herausfinden, welches Format zu Ihnen passt?"
BUTTON_START_QUALIFICATION = "Ja, Format finden"

DELETION_FAILED = (
    "Das Löschen hat gerade technisch nicht geklappt. Bitte versuchen Sie es gleich noch einmal "
    "oder schreiben Sie dem Berater direkt {contact} – er löscht Ihre Daten dann von Hand."
)


DISCLOSURE = ("Guten Tag! Ich bin der digitale Assistent von Ihrem Social-Media-Berater – ein Chatbot, "
              "kein Mensch.")
"""Sent with the first reply of every conversation, whatever the first message is and on every channel."""

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


def _and(items: list[str]) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " und " + items[-1]


def corrected_facts(facts: dict) -> str:
    """"Danke, korrigiert: 4 Personen." — says what changed, not only that something did."""
    summary = noted_facts(facts)
    return CORRECTED_PREFIX + summary[len(NOTED_PREFIX):] if summary else "Danke, das habe ich korrigiert."
