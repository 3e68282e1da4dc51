"""The proposed agenda of the first seminar or workshop, for the consultant's brief (German, third person).

``agenda(result, criteria)`` turns a ``Recommendation`` into the steps the consultant would propose, worked
bottom-up as the method says: the prospect's phase first (information → strategy → operations), the
strategy's missing parts before the ones already there, the phases after it only as an outlook. The format
frames it: an open seminar covers the content in general form, an in-house seminar or a workshop for the
prospect's own company and people; a workshop whose prerequisite (user knowledge of the platforms) is missing
starts with getting that knowledge. Early starters work the process alongside their first experiences.

Pure Python: no Rasa import. The texts are consultant-facing (the brief), not shown to the prospect.
"""
from __future__ import annotations

from advisor.recommendation import (
    INFORMATION,
    INHOUSE_SEMINAR,
    INHOUSE_WORKSHOP,
    OPEN_SEMINAR,
    OPERATIONS,
    PHASES,
    STRATEGY,
    STRATEGY_PART_SHORT,
    UNDECIDED,
    WORKSHOP_AFTER_USER_KNOWLEDGE,
    Criteria,
    Recommendation,
)

__all__ = ["agenda"]

FRAME = {
    OPEN_SEMINAR: "Offenes Seminar: die folgenden Inhalte in allgemeiner Form, mit Beispielen aus mehreren Branchen; "
                  "Termin und Anmeldung klären.",
    INHOUSE_SEMINAR: "Inhouse-Seminar für {people}: die folgenden Inhalte mit Beispielen aus der Branche des "
                     "Unternehmens.",
    INHOUSE_WORKSHOP: "Workshop im Unternehmen für {people}: die folgenden Inhalte firmenspezifisch erarbeiten, "
                      "mit Ergebnissen, die danach im Unternehmen weitergeführt werden.",
    WORKSHOP_AFTER_USER_KNOWLEDGE: "Workshop als Ziel; vorab Anwenderkenntnisse der Plattformen aufbauen "
                                   "(z. B. offenes Seminar oder eine Einführung in die Plattformen), dann der "
                                   "Workshop für {people}.",
    UNDECIDED: "Format noch offen: zuerst im Gespräch klären, was offen ist; die folgenden Inhalte gelten für "
               "Seminar und Workshop.",
}

PHASE_STEPS = {
    INFORMATION: (
        "Informationsphase: Chancen und Risiken von Social Media für das Unternehmen",
        "Informationsphase: Plattformen, Tools und Methoden im Überblick",
    ),
    STRATEGY: (
        "Strategiephase: Eckpunkte der Strategie mit der POST-Methode (Zielgruppen, Ziele, Strategie, "
        "Technologie)",
    ),
    OPERATIONS: (
        "Operative Phase: Enabling der Mitarbeiter (Kompetenzen, Richtlinien)",
        "Operative Phase: organisatorische Einbindung (Zuständigkeiten, Abläufe)",
        "Operative Phase: technische Umsetzung",
    ),
}
DECISION_STEP = "Informationsphase: Einschätzung bilden und die Entscheidung über die Nutzung vorbereiten"
STRATEGY_PART_STEP = "Strategiephase: {part}"
STRATEGY_PART_CHECK = "Strategiephase: vorhandene Bausteine prüfen ({parts})"
OUTLOOK = "Ausblick: {phases}"
OUTLOOK_PHASE = {INFORMATION: "Informationsphase", STRATEGY: "Strategiephase", OPERATIONS: "operative Phase"}
NO_PHASE = "Phase im Gespräch klären: Grundlagen, Strategie und Umsetzung werden in dieser Reihenfolge " \
           "(bottom-up) aufgebaut."
EARLY_STARTER = "Parallel zu den laufenden ersten Aktivitäten: den Prozess zeitnah abarbeiten, damit die " \
                "Praxis ein Fundament bekommt."


def _people(criteria: Criteria) -> str:
    if not criteria.participants:
        return "die Teilnehmenden"
    count = int(criteria.participants)
    return "eine Person" if count == 1 else f"{count} Personen"


def _phase_steps(phase: str, result: Recommendation, criteria: Criteria) -> list[str]:
    steps = list(PHASE_STEPS[phase])
    if phase == INFORMATION and criteria.decision_made is not True:
        steps.append(DECISION_STEP)
    if phase == STRATEGY:
        missing = list(result.missing_strategy_parts) or [
            p for p in STRATEGY_PART_SHORT if not criteria.strategy_parts or p not in criteria.strategy_parts]
        steps += [STRATEGY_PART_STEP.format(part=STRATEGY_PART_SHORT[p]) for p in missing]
        present = [p for p in STRATEGY_PART_SHORT if criteria.strategy_parts and p in criteria.strategy_parts]
        if present:
            steps.append(STRATEGY_PART_CHECK.format(parts=", ".join(STRATEGY_PART_SHORT[p] for p in present)))
    return steps


def agenda(result: Recommendation, criteria: Criteria) -> tuple[str, list[str]]:
    """``(frame, steps)``: how the format frames the first meeting, and its steps (see module docstring)."""
    frame = FRAME[result.variant].format(people=_people(criteria))
    steps: list[str] = []
    if result.phase is None:
        steps.append(NO_PHASE)
    else:
        start = PHASES.index(result.phase)
        steps += _phase_steps(result.phase, result, criteria)
        later = PHASES[start + 1:]
        if later:
            steps.append(OUTLOOK.format(phases=", dann ".join(OUTLOOK_PHASE[p] for p in later)))
    if result.early_starter:
        steps.append(EARLY_STARTER)
    return frame, steps
