"""Every German text the actions compose at run time (the fixed responses live in domain/)."""
from __future__ import annotations

FORMAT_HEADLINE = {
    "seminar": "Meine Empfehlung für Ihren Einstieg: ein Seminar.",
    "workshop": "Meine Empfehlung für Ihren Einstieg: ein Workshop.",
    "undecided": (
        "Ihre Antworten sprechen teils für ein Seminar, teils für einen Workshop. "
        "Welches Format besser passt, klärt der Berater am besten kurz persönlich mit Ihnen."
    ),
}

WHY_INTRO = "Die wichtigsten Gründe:"

PREREQUISITE_HEADLINE = (
    "Meine Empfehlung: zuerst ein Seminar als Vorbereitung – danach passt ein Workshop."
)

EARLY_STARTER = (
    "Sie haben schon erste Schritte gemacht. Der Tipp des Beraters für Frühstarter: Arbeiten Sie die "
    "3 Phasen parallel zu Ihren ersten Erfahrungen möglichst zeitnah ab."
)

PHASE = {
    "information": (
        "Im 3-Phasen-Modell stehen Sie in der Informationsphase: Es geht zuerst um einen Überblick über "
        "Chancen, Risiken, Tools und Methoden."
    ),
    "strategy": (
        "Im 3-Phasen-Modell sind Sie bereit für die Strategiephase: Eckpunkte festlegen – mit Business "
        "Integration, Zielen und Zielsystemen und den nötigen Ressourcen."
    ),
    "operations": (
        "Im 3-Phasen-Modell stehen Sie vor der operativen Phase: Enabling der Mitarbeitenden, "
        "organisatorische Einbindung und technische Umsetzung."
    ),
}

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
