"""Typed persona conversations against the real servers (REST), checked where the prospect and the
consultant see them: the bot's replies and the stored lead.

Table-driven: each ``Persona`` is an opening (typed messages with the phrases the replies must and must not
show), the typed answer it gives to each question the form asks (keyed by criterion), the messages after the
recommendation (objections, questions, the contact form) and the lead it must leave (``None``: no lead).

The driver answers whatever the form asks, so a persona does not break when the order of the questions
changes. It checks for every question that

* the fact was not stated before (``stated``: "a question already answered is not asked again"),
* it is not asked twice, and no reply says "nicht verstanden" to a clear answer,

and that the recommendation shows the expected headline and phase words.

Personas that expose a real bug are marked ``xfail(strict=True)``: they fail loudly once the bug is fixed.
All personas share one stack (``tests/integration/conftest.py``) and run one after the other.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from tests.support.chat import RestChat, lead_rows

# -- what the prospect sees -------------------------------------------------------------------------------------
ASKS = {
    # a phrase of each question's text (domain/qualification.yml, utter_ask_<criterion>)
    "participants": "Wie viele Personen",
    "multiple_functions": "verschiedenen Funktionsbereichen",
    "goals": "Was soll der Einstieg",
    "specific_approach": "Branche und Ihr Unternehmen zugeschnitten ist",
    "experience": "Welche Erfahrungen mit Social Networks",
    "broaden": "jetzt breiter angegangen werden?",
    "attitude_formed": "Haltung oder Einschätzung",
    "decision_made": "schon entschieden, ob",
    "need_recognised": "unabhängig von einer Entscheidung",
    "cross_functional": "funktionsübergreifend im Unternehmen verankert",
    "platform_knowledge": "Anwenderkenntnisse auf Plattformen",
    "strategy_exists": "schon eine Social-Media-Strategie?",
    "strategy_parts": "Was legt Ihre Strategie",
}
CONTINUE = "weitermachen?"
CONFIRM = "Habe ich richtig verstanden:"
NOT_UNDERSTOOD = "nicht verstanden"
HEADLINES = {
    "open_seminar": "ein offenes Seminar",
    "inhouse_seminar": "ein Inhouse-Seminar",
    "workshop": "ein Workshop, zugeschnitten auf Ihr Unternehmen",
    "workshop_user_knowledge_first": "Mein Ziel für Sie: ein Workshop. Vorher empfehle ich, Anwenderkenntnisse",
    "undecided": "noch nicht sicher empfehlen",
}
PHASE_WORDS = {
    "information": "Informationsphase",
    "strategy": "Strategiephase",
    "operations": "operativen Phase",
    "unknown": "kann ich noch nicht sagen",
}
EARLY_STARTER = "learning by doing"


@dataclass
class Step:
    """One typed message and what the replies to it must (``shows``) and must not (``hides``) contain."""

    text: str
    shows: tuple[str, ...] = ()
    hides: tuple[str, ...] = ()


@dataclass
class Persona:
    name: str
    opening: list[Step]
    answers: dict[str, str] = field(default_factory=dict)
    """The typed answer to each question the form may ask."""
    stated: frozenset[str] = frozenset()
    """Criteria the opening states: asking one of them is asking again."""
    variant: str | None = None
    """The expected headline (``HEADLINES``); None: the opening alone must not reach a recommendation."""
    phase: str | None = None
    early_starter: bool = False
    after: list[Step] = field(default_factory=list)
    lead: dict[str, Any] | None = None
    """Expected columns and ``criteria`` values of the stored lead; None: no lead must be stored."""
    xfail: str | None = None
    confirm: tuple[str, ...] = ()
    """The typed answers to "Habe ich richtig verstanden …?" in order; every such question must be expected."""


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def asked(reply: str) -> str | None:
    """The criterion the reply asks for (the last question in it), or None."""
    found = [(reply.rfind(phrase), name) for name, phrase in ASKS.items() if phrase in reply]
    return max(found)[1] if found else None


def check(step: Step, reply: str, where: str) -> None:
    for phrase in step.shows:
        assert phrase in reply, f"{where}: {step.text!r} -> reply lacks {phrase!r}:\n{reply}"
    for phrase in step.hides:
        assert phrase not in reply, f"{where}: {step.text!r} -> reply shows {phrase!r}:\n{reply}"


def converse(chat: RestChat, persona: Persona) -> list[tuple[str, str]]:
    """Play the persona; returns the transcript (message, reply)."""
    transcript: list[tuple[str, str]] = []

    def say(text: str) -> str:
        reply = texts(chat.say(text))
        transcript.append((text, reply))
        return reply

    reply = ""
    for step in persona.opening:
        reply = say(step.text)
        check(step, reply, "opening")
    if persona.variant is None:
        return transcript
    seen: dict[str, int] = {}
    confirms = list(persona.confirm)
    for _ in range(len(ASKS) + 4 + len(confirms)):
        if HEADLINES[persona.variant] in reply:
            break
        if CONFIRM in reply:
            assert confirms, f"an unexpected confirmation question:\n{_show(transcript)}"
            assert asked(reply.split(CONFIRM)[-1]) is None, f"a question besides the confirmation:\n{_show(transcript)}"
            reply = say(confirms.pop(0))
            continue
        if CONTINUE in reply and asked(reply.split(CONTINUE)[-1]) is None:
            reply = say("ja")
            continue
        criterion = asked(reply)
        assert criterion is not None, f"neither a question nor the expected recommendation:\n{_show(transcript)}"
        assert criterion not in persona.stated, f"asked again for {criterion} (stated before):\n{_show(transcript)}"
        seen[criterion] = seen.get(criterion, 0) + 1
        assert seen[criterion] == 1, f"{criterion} asked twice:\n{_show(transcript)}"
        assert criterion in persona.answers, f"unexpected question {criterion}:\n{_show(transcript)}"
        reply = say(persona.answers[criterion])
        assert NOT_UNDERSTOOD not in reply, f"a clear answer was not understood:\n{_show(transcript)}"
    assert HEADLINES[persona.variant] in reply, f"no {persona.variant} recommendation:\n{_show(transcript)}"
    assert not confirms, f"expected confirmation questions were not asked: {confirms}\n{_show(transcript)}"
    if persona.phase:
        assert PHASE_WORDS[persona.phase] in reply, f"phase {persona.phase} not said:\n{_show(transcript)}"
    assert (EARLY_STARTER in reply) == persona.early_starter, f"early-starter advice:\n{_show(transcript)}"
    for step in persona.after:
        reply = say(step.text)
        check(step, reply, "after the recommendation")
    return transcript


def _show(transcript: list[tuple[str, str]]) -> str:
    return "\n".join(f">>> {m}\n{r}" for m, r in transcript)


# -- the contact form, typed ------------------------------------------------------------------------------------
def contact(name: str, company: str, email: str, phone: str, when: str) -> list[Step]:
    return [
        Step("Rückruf vereinbaren", shows=("einverstanden", "datenschutz")),
        Step("Ja, einverstanden", shows=("heißen",)),
        Step(name, shows=("Unternehmen",)),
        Step(company, shows=("E-Mail",)),
        Step(email, shows=("Telefonnummer",)),
        Step(phone, shows=("Wann oder wie",)),
        Step(when, shows=("Stimmt alles?",)),
        Step("ja", shows=("Vielen Dank",)),
    ]


REFUSED = [
    Step("Ich möchte einen Rückruf", shows=("einverstanden",)),
    Step("nein", shows=("ohne Ihre Einwilligung speichere ich keine",)),
    Step("Max Muster, max@example.org", hides=("Stimmt alles?",)),
]

# Answers a prospect of each kind types; personas override what differs.
NO_EXPERIENCE = {
    "experience": "noch keine", "attitude_formed": "nee, noch keine Meinung dazu",
    "decision_made": "nein, entschieden ist nichts", "need_recognised": "nee, eher nicht",
    "cross_functional": "weiß ich nicht", "platform_knowledge": "privat kennen wir Facebook",
    "strategy_exists": "nein, noch keine", "specific_approach": "nein, firmenspezifisch ist noch kein Thema",
}

PERSONAS: list[Persona] = [
    Persona(
        "a head count changed in passing without a correction word is confirmed, then stored",
        opening=[Step("Welches Format passt zu uns?", shows=("Wie viele Personen",)),
                 Step("Wir sind zu dritt.", shows=("verschiedenen Funktionsbereichen",))],
        stated=frozenset({"participants"}),
        answers={**NO_EXPERIENCE, "multiple_functions": "ja, Vertrieb und Einkauf",
                 "goals": "Wir wären dann übrigens fünf Personen. Wir möchten einen Überblick.",
                 "platform_knowledge": "ja, Facebook privat"},
        confirm=("ja, genau",),
        variant="inhouse_seminar", phase="information",
        after=contact("Jana Vogt", "Vogt Metallbau GmbH", "j.vogt@vogt-metallbau.de", "0911 334455",
                      "vormittags"),
        lead={"name": "Jana Vogt", "company": "Vogt Metallbau GmbH", "email": "j.vogt@vogt-metallbau.de",
              "phone": "+49911334455", "recommendation": "seminar", "phase": "information",
              "criteria": {"participants": 5, "multiple_functions": True, "goals": ["overview"],
                           "departments": ["Vertrieb", "Einkauf"]}},
    ),
    Persona(
        "a contradicting fact the prospect does not confirm keeps the first answer",
        opening=[Step("Hallo, wir sind vier Leute aus dem Vertrieb und suchen das passende Format.",
                      shows=("Notiert: 4 Personen aus Vertrieb",))],
        stated=frozenset({"participants", "multiple_functions"}),
        answers={**NO_EXPERIENCE, "goals": "Einen Überblick. Wir vier kommen übrigens aus verschiedenen Bereichen.",
                 "platform_knowledge": "ja, Facebook privat"},
        confirm=("nein, doch alle aus dem Vertrieb",),
        variant="inhouse_seminar", phase="information",
        after=contact("Ole Brandt", "Brandt Logistik KG", "ole@brandt-logistik.de", "keine", "nachmittags"),
        lead={"name": "Ole Brandt", "recommendation": "seminar",
              "criteria": {"participants": 4, "multiple_functions": False, "goals": ["overview"],
                           "departments": ["Vertrieb"]}},
    ),
    Persona(
        "group of seven checks relevance: in-house seminar",
        opening=[Step("Guten Tag, wir sind zu siebt aus Marketing, Vertrieb und Personal und wollen erstmal "
                      "prüfen, ob Social Media für uns überhaupt relevant ist, entschieden ist nichts. Wir "
                      "suchen das passende Format.",
                      shows=("Notiert: 7 Personen aus Marketing, Vertrieb und Personal", "Relevanz",
                             "noch nicht entschieden"))],
        stated=frozenset({"participants", "multiple_functions", "goals", "decision_made"}),
        answers=NO_EXPERIENCE,
        variant="inhouse_seminar", phase="information",
        after=contact("Petra Lange", "Stadtwerke Beispielstadt", "p.lange@stadtwerke-beispiel.de",
                      "keine", "nachmittags"),
        lead={"name": "Petra Lange", "company": "Stadtwerke Beispielstadt",
              "email": "p.lange@stadtwerke-beispiel.de", "phone": None, "preferred_contact": "nachmittags",
              "recommendation": "seminar", "phase": "information",
              "criteria": {"participants": 7, "multiple_functions": True, "goals": ["relevance"],
                           "decision_made": False, "experience": "none", "attitude_formed": False,
                           "specific_approach": False, "strategy_exists": False,
                           "departments": ["Marketing", "Vertrieb", "Personal"]}},
    ),
    Persona(
        "single person via 'nur ich': open seminar, consent refused",
        opening=[Step("Welches Format passt zu mir?", shows=("Wie viele Personen",)),
                 Step("nur ich", shows=("Was soll der Einstieg",))],
        stated=frozenset({"participants", "multiple_functions"}),
        answers={**NO_EXPERIENCE, "goals": "einen Überblick über Chancen und Risiken",
                 "platform_knowledge": "ja, Facebook privat", "specific_approach": "nee"},
        variant="open_seminar", phase="information",
        after=REFUSED, lead=None,
    ),
    Persona(
        "five people from three areas want a strategy (no question mark): workshop, strategy phase",
        opening=[Step("Hallo zusammen, wir sind 5 Leute aus Marketing, Vertrieb und HR und wollen eine "
                      "Social-Media-Strategie entwickeln, zugeschnitten auf unsere Branche. Wir suchen das "
                      "passende Format.", shows=("Notiert: 5 Personen aus Marketing, Vertrieb und",
                                                  "Strategie"))],
        stated=frozenset({"participants", "multiple_functions", "goals", "specific_approach"}),
        answers={"experience": "Grundkenntnisse haben wir", "attitude_formed": "ja", "decision_made":
                 "ja, ist beschlossen", "need_recognised": "ja klar", "cross_functional":
                 "ja, soll in alle Abteilungen", "platform_knowledge": "ja, kennen alle Facebook und LinkedIn",
                 "strategy_exists": "nein, noch keine Strategie"},
        variant="workshop", phase="strategy",
        after=[Step("Wir haben doch noch gar keine Strategie", hides=(NOT_UNDERSTOOD,)),
               *contact("Jana Roth", "Roth Haustechnik GmbH", "jana.roth@roth-haustechnik.de", "0911 334455",
                        "vormittags")],
        lead={"name": "Jana Roth", "company": "Roth Haustechnik GmbH", "email": "jana.roth@roth-haustechnik.de",
              "phone": "+49911334455", "recommendation": "workshop", "phase": "strategy",
              "criteria": {"participants": 5, "multiple_functions": True, "goals": ["strategy"],
                           "specific_approach": True, "experience": "basic",
                           "departments": ["Marketing", "Vertrieb", "Personal"],
                           "platform_knowledge": True, "strategy_exists": False}},
    ),
    Persona(
        "objection 'Wir haben doch noch gar keine Strategie' after the recommendation is answered",
        opening=[Step("Hallo zusammen, wir sind 5 Leute aus Marketing, Vertrieb und HR und wollen eine "
                      "Social-Media-Strategie entwickeln, zugeschnitten auf unsere Branche. Wir suchen das "
                      "passende Format.")],
        stated=frozenset({"participants", "multiple_functions", "goals", "specific_approach"}),
        answers={"experience": "Grundkenntnisse haben wir", "attitude_formed": "ja",
                 "platform_knowledge": "ja", "strategy_exists": "nein, noch keine Strategie"},
        variant="workshop", phase="strategy",
        after=[Step("Wir haben doch noch gar keine Strategie", shows=("Strategie",),
                    hides=("Womit kann ich Ihnen helfen?",))],
    ),
    Persona(
        "typed button text 'Lieber keine Nummer' is the button",
        opening=[Step("Rückruf vereinbaren", shows=("einverstanden",)), Step("Ja, einverstanden", shows=("heißen",)),
                 Step("Tom Berger", shows=("Unternehmen",)), Step("Berger Bau", shows=("E-Mail",)),
                 Step("tom@berger-bau.de", shows=("Telefonnummer",)),
                 Step("Lieber keine Nummer", shows=("Wann oder wie",), hides=("nicht lesen",))],
    ),
    Persona(
        "opening that ends in 'Welches Format passt?': its facts are noted",
        opening=[Step("Hallo zusammen, wir sind 5 Leute aus Marketing, Vertrieb und HR, wollen eine "
                      "Social-Media-Strategie entwickeln, zugeschnitten auf unsere Branche. Welches Format passt?",
                      shows=("Notiert",), hides=("Wie viele Personen",))],
    ),
    Persona(
        "du-form opening that ends in a question: its facts are noted",
        opening=[Step("Hi! Ich will mir erstmal einen Überblick verschaffen, wir sind zu dritt aus dem Vertrieb. "
                      "Was würdest du empfehlen?", shows=("Notiert: 3 Personen",), hides=("Wie viele Personen",))],
    ),
    Persona(
        "eight people with a complete strategy: workshop, operative phase",
        opening=[Step("Moin, wir sind acht Leute aus Marketing, Vertrieb, IT und Geschäftsführung. Unsere "
                      "Social-Media-Strategie ist verabschiedet, mit Zielen, Ressourcen und Business Integration. "
                      "Jetzt wollen wir die Mitarbeitenden befähigen und das in der Organisation verankern",
                      shows=("Notiert: 8 Personen", "eine Strategie gibt es"))],
        stated=frozenset({"participants", "multiple_functions", "strategy_exists", "strategy_parts"}),
        answers={"goals": "konkrete nächste Schritte", "specific_approach": "ja, auf uns zugeschnitten",
                 "experience": "Grundkenntnisse", "attitude_formed": "ja", "decision_made": "ja",
                 "need_recognised": "ja", "cross_functional": "ja", "platform_knowledge": "ja"},
        variant="workshop", phase="operations",
        after=contact("Karl Weber", "Weber Logistik AG", "k.weber@weber-logistik.de", "+49 30 1234567",
                      "per E-Mail"),
        lead={"name": "Karl Weber", "company": "Weber Logistik AG", "email": "k.weber@weber-logistik.de",
              "phone": "+49301234567", "recommendation": "workshop", "phase": "operations",
              "criteria": {"participants": 8, "strategy_exists": True,
                           "strategy_parts": ["business_integration", "goals", "resources"],
                           "goals": ["next_steps"]}},
    ),
    Persona(
        "early starters on Instagram, correction to four: workshop with early-starter advice",
        opening=[Step("Wir sind zu dritt aus dem Vertrieb und wollen Social Media breiter angehen.",
                      shows=("Notiert: 3 Personen aus Vertrieb",)),
                 Step("ach nee, wir sind doch zu viert", shows=("korrigiert",))],
        stated=frozenset({"participants", "multiple_functions", "broaden"}),
        answers={"goals": "konkrete nächste Schritte", "specific_approach": "ja, gerne auf unsere Branche",
                 "experience": "wir posten seit nem halben Jahr auf Instagram, learning by doing",
                 "attitude_formed": "ja", "decision_made": "ja", "need_recognised": "ja",
                 "cross_functional": "nein", "platform_knowledge": "ja",
                 "strategy_exists": "nein, gibt es nicht", "strategy_parts": "nichts davon"},
        variant="workshop", phase="strategy", early_starter=True,
        after=contact("Lena Vogel", "Vogel Mode KG", "lena@vogel-mode.de", "0171 2345678", "egal"),
        lead={"recommendation": "workshop", "phase": "strategy", "phone": "+491712345678",
              "criteria": {"participants": 4, "multiple_functions": False, "experience": "first_steps",
                           "broaden": True, "strategy_exists": False, "goals": ["next_steps"]}},
    ),
    Persona(
        "a correction names what changed",
        opening=[Step("Wir sind zu dritt aus dem Vertrieb und wollen Social Media breiter angehen."),
                 Step("ach nee, wir sind doch zu viert", shows=("4",))],
    ),
    Persona(
        "team of four, nobody knows Facebook or Xing: workshop as goal, user knowledge first",
        opening=[Step("Wir sind ein Team von vier Leuten und wollen eine Social-Media-Strategie entwickeln. "
                      "Ehrlich gesagt kennt sich bei uns niemand mit Facebook oder Xing aus.",
                      shows=("Notiert: 4 Personen", "keine Anwenderkenntnisse"))],
        stated=frozenset({"participants", "goals", "platform_knowledge"}),
        answers={"multiple_functions": "aus Marketing und Vertrieb", "specific_approach": "ja, firmenspezifisch",
                 "experience": "noch keine", "attitude_formed": "ja", "decision_made": "ja",
                 "need_recognised": "ja", "strategy_exists": "nein"},
        variant="workshop_user_knowledge_first", phase="information",
        after=[Step("Rückruf vereinbaren", shows=("einverstanden",)), Step("nein", shows=("ohne Ihre",))],
        lead=None,
    ),
    Persona(
        "objection after the recommendation: 'Die Anwenderkenntnisse haben wir aber nicht'",
        opening=[Step("Wir sind ein Team von vier Leuten und wollen eine Social-Media-Strategie entwickeln. "
                      "Ehrlich gesagt kennt sich bei uns niemand mit Facebook oder Xing aus.")],
        stated=frozenset({"participants", "goals", "platform_knowledge"}),
        answers={"multiple_functions": "aus Marketing und Vertrieb", "specific_approach": "ja, firmenspezifisch",
                 "experience": "noch keine", "attitude_formed": "ja", "decision_made": "ja",
                 "need_recognised": "ja", "strategy_exists": "nein"},
        variant="workshop_user_knowledge_first", phase="information",
        after=[Step("Die Anwenderkenntnisse haben wir aber nicht. Passt dann nicht eher ein Seminar?",
                    hides=("Womit kann ich Ihnen helfen?",), shows=("Seminar",))],
    ),
    Persona(
        "early callback request with contact data up front: nothing asked twice",
        opening=[Step("Ich bin Jana Roth von der Roth Haustechnik GmbH, jana.roth@roth-haustechnik.de, "
                      "0911 334455. Wir sind zu viert und wollen eine Strategie.",
                      shows=("Notiert: 4 Personen", "Strategie"))],
        stated=frozenset({"participants", "goals"}),
        answers={"multiple_functions": "ja, aus mehreren", "specific_approach": "ja",
                 "experience": "Grundkenntnisse", "attitude_formed": "ja", "decision_made": "ja",
                 "need_recognised": "ja", "cross_functional": "ja", "platform_knowledge": "ja",
                 "strategy_exists": "nein, noch nicht"},
        variant="workshop", phase="strategy",
        after=[Step("Ich möchte jetzt einfach einen Rückruf", shows=("einverstanden",)),
               Step("ja", shows=("Wann oder wie",), hides=("heißen", "E-Mail-Adresse")),
               Step("vormittags", shows=("Jana Roth", "•••4455", "Stimmt alles?"), hides=("+49911334455",)),
               Step("ja", shows=("Vielen Dank",))],
        lead={"name": "Jana Roth", "company": "Roth Haustechnik GmbH", "email": "jana.roth@roth-haustechnik.de",
              "phone": "+49911334455", "recommendation": "workshop", "phase": "strategy",
              "criteria": {"participants": 4, "goals": ["strategy"], "strategy_exists": False}},
    ),
    Persona(
        "'Rufen Sie mich bitte zurück' in the opening is a callback request",
        opening=[Step("Ich bin Jana Roth, 0911 334455. Wir sind zu viert. Rufen Sie mich bitte zurück.",
                      shows=("einverstanden",))],
    ),
    Persona(
        "single person says 'alleine'",
        opening=[Step("hallo, bin selbststaendig und alleine, kenne mich null aus mit social media und will "
                      "nen ueberblick. hab noch nix entschieden", shows=("Notiert",),
                      hides=("Wie viele Personen",))],
    ),
    Persona(
        "no umlauts, 'nee' everywhere, single person: open seminar",
        opening=[Step("hallo, ich bin selbststaendig, nur ich wuerde teilnehmen und will nen ueberblick. hab noch "
                      "nix entschieden", shows=("Notiert",))],
        stated=frozenset({"goals", "decision_made"}),
        answers={"participants": "nur ich", "specific_approach": "nee", "experience": "nee, noch gar nix",
                 "attitude_formed": "nee", "need_recognised": "nee", "platform_knowledge": "nee",
                 "strategy_exists": "nee", "multiple_functions": "nee", "cross_functional": "nee"},
        variant="open_seminar", phase="information",
        after=[Step("nee", hides=(NOT_UNDERSTOOD,))],
        lead=None,
    ),
    Persona(
        "'Meine Kollegin und ich' are two people",
        opening=[Step("Meine Kollegin und ich fragen uns, ob Social Media für unsere Kanzlei überhaupt relevant ist.",
                      shows=("Notiert",), hides=("Wie viele Personen",))],
    ),
    Persona(
        "'nicht so recht' is no legal department",
        opening=[Step("hey, kannst du mir helfen? wir sind 3 leute und wissen nich so recht wo wir anfangen solln",
                      hides=("Recht",))],
    ),
    Persona(
        "nine times 'weiß nicht': undecided, honest",
        opening=[Step("Welches Format passt zu uns?"), Step("wir sind 3 Leute", shows=("Funktionsbereichen",))],
        stated=frozenset({"participants"}),
        answers={**{name: "weiß nicht" for name in ASKS}, "experience": "Weiß ich noch nicht"},
        variant="undecided", phase="unknown",
        after=[Step("Rückruf vereinbaren", shows=("einverstanden",)),
               Step("Ja, einverstanden", shows=("heißen",)),
               Step("Ole Hansen, ole@hansen-bau.de", hides=("heißen",)),
               ],
    ),
    Persona(
        "'keine Ahnung' is a don't-know",
        opening=[Step("Welches Format passt zu uns?"), Step("zu dritt", shows=("Funktionsbereichen",)),
                 Step("ja, aus mehreren", shows=("Was soll der Einstieg",)),
                 Step("keine ahnung", hides=(NOT_UNDERSTOOD,))],
    ),
    Persona(
        "impatient prospect asks how many questions are left",
        opening=[Step("Welches Format passt zu uns?"), Step("zu sechst", shows=("Funktionsbereichen",)),
                 Step("wie viele fragen kommen denn noch??", shows=("noch etwa", "Funktionsbereichen"),
                      hides=("Inhouse", NOT_UNDERSTOOD)),
                 Step("jetzt komm mal zum punkt", shows=("halte es kurz", "Funktionsbereichen"),
                      hides=(NOT_UNDERSTOOD,))],
    ),
    Persona(
        "impatient 'komm zum punkt bitte' inside the questions",
        opening=[Step("Welches Format passt zu uns?"), Step("zu sechst", shows=("Funktionsbereichen",)),
                 Step("komm zum punkt bitte", hides=("Strategiephase",))],
    ),
    Persona(
        "two managing directors: one functional area is not asked",
        opening=[Step("Hallo! Wir möchten Social Media in unserem Unternehmen breiter angehen und suchen das "
                      "passende Format.", shows=("Wie viele Personen",)),
                 Step("wir sind zu zweit, beide geschäftsführung", hides=("Funktionsbereichen",))],
    ),
    Persona(
        "restating a decision already noted is not 'nicht verstanden'",
        opening=[Step("Meine Kollegin und ich fragen uns, ob Social Media für unsere Kanzlei überhaupt relevant "
                      "ist."),
                 Step("nee, entschieden ist nichts", shows=("Notiert: noch nicht entschieden",)),
                 Step("Nein, entschieden ist noch nichts.", hides=(NOT_UNDERSTOOD,))],
    ),
    Persona(
        "practical questions: price, dates, online",
        opening=[Step("Was kostet ein Seminar bei Ihnen?", shows=("kostet",)),
                 Step("Und wann ist der nächste Termin?", shows=("Termine",)),
                 Step("Geht das auch online?", shows=("online",)),
                 Step("ok, dann lass uns schauen was passt", shows=("Wie viele Personen",))],
    ),
    Persona(
        "the same practical question twice gets a different, shorter answer",
        opening=[Step("Wann ist der nächste Termin für ein offenes Seminar?"),
                 Step("Geht das auch online?", hides=("Termine, Ort, Dauer und ob online oder vor Ort",))],
    ),
    Persona(
        "AI disclosure in the first reply of a conversation that starts with a need",
        opening=[Step("Wir sind zu dritt und suchen das passende Format.", shows=("Chatbot",))],
    ),
]


PERSONAS.append(replace(
    next(p for p in PERSONAS if p.name.startswith("group of seven")), name="'niemand von uns hat da Erfahrung' is no experience",
    answers={**NO_EXPERIENCE, "experience": "niemand von uns hat da Erfahrung"},
    after=contact("Petra Lange", "Stadtwerke Beispielstadt", "p.lange2@stadtwerke-beispiel.de", "keine",
                  "nachmittags"),
    lead={"email": "p.lange2@stadtwerke-beispiel.de", "criteria": {"experience": "none"}},
))


@pytest.mark.parametrize(
    "persona",
    [pytest.param(p, id=p.name, marks=[pytest.mark.xfail(strict=True, reason=p.xfail)] if p.xfail else [])
     for p in PERSONAS],
)
def test_persona(stack, persona: Persona):
    chat = RestChat(stack.rasa_url)
    converse(chat, persona)
    rows = lead_rows(stack, chat.sender)
    if persona.lead is None:
        if persona.variant is not None or persona.after:
            assert rows == [], "no consent, yet a lead was stored"
        return
    assert len(rows) == 1, f"expected exactly one lead, found {len(rows)}"
    lead = rows[0]
    expected = dict(persona.lead)
    criteria_expected = expected.pop("criteria", {})
    assert {k: lead[k] for k in expected} == expected, "lead columns"
    stored = json.loads(lead["criteria"])
    assert {k: _norm(stored.get(k)) for k in criteria_expected} == {
        k: _norm(v) for k, v in criteria_expected.items()}, f"stored criteria: {stored}"
    assert lead["consent_at"] and lead["consent_version"]


def _norm(value: Any) -> Any:
    if isinstance(value, list):
        return sorted(value)
    return value


def test_persona_table_is_large_enough():
    assert len(PERSONAS) >= 20
    assert sum(1 for p in PERSONAS if p.lead) >= 4
    assert any(p.lead is None and p.after for p in PERSONAS), "a persona that refuses consent"
