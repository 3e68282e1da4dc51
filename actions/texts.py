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


def bullet_list(lines: list[str], limit: int = 4) -> str:
    return "\n".join(f"• {line}" for line in lines[:limit])
