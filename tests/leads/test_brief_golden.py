"""Golden texts of the consultant's brief for three profiles: the whole e-mail text as the consultant gets it,
with the prospect's own questions and objections. Change a text on purpose, then update the expected text."""
from __future__ import annotations

import datetime as dt

import pytest

from leads.briefing import build_brief

UTC = dt.timezone.utc
BASE = {"channel": "socketio", "consent_at": dt.datetime(2027, 1, 14, 9, 30, tzinfo=UTC),
        "consent_version": "2026-11-v1", "version": 1, "open_questions": []}
PROFILES = {
 "open_seminar_single": {**BASE, "conversation_id": "gold-1", "name": "Erika Beispiel", "company": "Muster GmbH",
   "email": "erika@muster.example", "phone": "+491711234567", "preferred_contact": "vormittags",
   "recommendation": "seminar", "phase": "information",
   "criteria": {"participants": 1, "goals": ["overview"], "specific_approach": False, "experience": "none",
                "attitude_formed": False, "decision_made": False, "need_recognised": False,
                "cross_functional": False, "platform_knowledge": True, "strategy_exists": False,
                "departments": [],
                "prospect_questions": [
                    {"kind": "question", "topics": ["price"], "format": "open_seminar", "text": "Was kostet das offene Seminar?"},
                    {"kind": "question", "topics": ["dates"], "format": "open_seminar", "text": "Wann ist das nächste offene Seminar?"},
                    {"kind": "question", "topics": ["first_call"], "text": "Ist das Erstgespräch kostenlos?"}]}},
 "workshop_group_strategy": {**BASE, "conversation_id": "gold-2", "name": "Jonas Probe", "company": "Probe & Söhne KG",
   "email": "jonas@probe.example", "phone": None, "preferred_contact": "per E-Mail",
   "recommendation": "workshop", "phase": "strategy",
   "criteria": {"participants": 5, "multiple_functions": True, "departments": ["Marketing", "Vertrieb", "Personal"],
                "goals": ["strategy"], "specific_approach": True, "experience": "basic",
                "attitude_formed": True, "decision_made": True, "need_recognised": True,
                "cross_functional": True, "platform_knowledge": True, "strategy_exists": False,
                "prospect_questions": [
                    {"kind": "question", "topics": ["price"], "format": "workshop", "text": "Was kostet ein Workshop?"},
                    {"kind": "question", "topics": ["price"], "format": "workshop", "text": "Was kostet ein Workshop?"},
                    {"kind": "question", "topics": ["online"], "text": "Geht das auch online?"},
                    {"kind": "question", "topics": ["faq/business_integration"], "text": "Was heißt Business Integration?"},
                    {"kind": "objection", "against": "workshop", "text": "Wir haben doch noch gar keine Strategie"}]}},
 "workshop_user_knowledge_first": {**BASE, "conversation_id": "gold-3", "name": "Mia Test", "company": "–",
   "email": "mia@test.example", "phone": "+4930123456", "preferred_contact": None,
   "recommendation": "workshop", "phase": "information",
   "criteria": {"participants": 4, "multiple_functions": False, "departments": [],
                "goals": ["strategy"], "specific_approach": True, "experience": "none",
                "attitude_formed": True, "decision_made": True, "need_recognised": True,
                "cross_functional": True, "platform_knowledge": False, "strategy_exists": False,
                "prospect_questions": [
                    {"kind": "question", "topics": ["funding"], "text": "Gibt es dafür Fördermittel?"},
                    {"kind": "question", "topics": ["in_house"], "text": ""}]}},
}
EXPECTED = {
    'open_seminar_single': (
        'Gesprächsvorbereitung: Erika Beispiel (Muster GmbH) – Empfehlung: offenes Seminar',
        '''\
Gesprächsvorbereitung aus dem Chat-Assistenten.

KURZ
  Wer:       Erika Beispiel, Muster GmbH – 1 Person (Einzelperson)
  Was:       Offenes Seminar (extern, für Einzelpersonen); Punkte Seminar : Workshop = 12 : 0
  Phase:     Informationsphase – Grundlagen (Chancen und Risiken, Tools und Methoden) fehlen noch.
  Interesse: mittel – fragt nach Preis, Termine, Erstgespräch; Format klar; noch nichts entschieden

KONTAKT
  Name:           Erika Beispiel
  Unternehmen:    Muster GmbH
  E-Mail:         erika@muster.example
  Telefon:        +49 171 1234567
  Erreichbarkeit: vormittags
  Chat über:      Website-Chat
  Gesprächs-ID:   gold-1

WAS GEWÜNSCHT IST
  - Überblick über Chancen, Risiken, Tools und Methoden

EMPFEHLUNG
  Format:   Seminar
  Variante: Offenes Seminar (extern, für Einzelpersonen)
  Punkte:   Seminar 12 : Workshop 0
  Phase:    Informationsphase (Überblick über Chancen, Risiken, Tools und Methoden)
  Warum:    Informationsphase: Grundlagen (Chancen und Risiken, Tools und Methoden) fehlen noch.

VORSCHLAG FÜR DEN ABLAUF (BOTTOM-UP)
  Rahmen: Offenes Seminar: die folgenden Inhalte in allgemeiner Form, mit Beispielen aus mehreren Branchen; Termin und Anmeldung klären.
  1. Informationsphase: Chancen und Risiken von Social Media für das Unternehmen
  2. Informationsphase: Plattformen, Tools und Methoden im Überblick
  3. Informationsphase: Einschätzung bilden und die Entscheidung über die Nutzung vorbereiten
  4. Ausblick: Strategiephase, dann operative Phase

GRÜNDE (STÄRKSTE ZUERST)
  1. Im Unternehmen gibt es weder Kompetenz noch eine Einstellung/Einschätzung des Themas. → Seminar
     S5, Gewicht 3; Methode: „im Unternehmen noch keine Kompetenz und keine Einstellung / Einschätzung des Themas vorhanden ist“
  2. Interessent steigt als Einzelperson ein. → Seminar
     S1, Gewicht 3; Methode: „eine Einzelperson ins Thema einsteigen soll“
  3. Branchen- oder firmenspezifische Ansätze sind noch kein Thema. → Seminar
     S2, Gewicht 2; Methode: „branchen- oder firmenspezifische Ansätze noch kein Thema sind“
  4. Interessent sucht zuerst den Überblick über Chancen, Risiken, Tools und Methoden. → Seminar
     S3, Gewicht 2; Methode: „der Überblick über Chancen, Risiken, Tools und Methoden im Vordergrund steht“
  5. Über eine Nutzung von Social Media ist noch nicht entschieden. → Seminar
     S6, Gewicht 2; Methode: „noch keine Entscheidung über eine Nutzung gefallen ist“

ANTWORTEN IM CHAT
  - Wie viele Personen sollen teilnehmen? 1 Person (Einzelperson)
  - Was soll der Einstieg leisten? Überblick über Chancen, Risiken, Tools und Methoden
  - Branchen- oder firmenspezifischer Einstieg gewünscht? Nein
  - Vorhandene Erfahrung mit Social Media: Noch keine Kompetenz im Unternehmen
  - Gibt es im Unternehmen schon eine Einstellung/Einschätzung zum Thema? Nein
  - Ist die Entscheidung über eine Nutzung von Social Media gefallen? Nein
  - Ist erkannt, dass man Social Media nutzen oder sich fundiert damit befassen muss? Nein
  - Soll Social Media funktionsübergreifend im Unternehmen installiert werden? Nein
  - Anwenderkenntnisse von Plattformen (z. B. Facebook, Xing) vorhanden? Ja
  - Gibt es schon eine Social-Media-Strategie? Nein

FRAGEN UND EINWÄNDE IM CHAT
  - Preis (offenes Seminar): „Was kostet das offene Seminar?“
  - Termine (offenes Seminar): „Wann ist das nächste offene Seminar?“
  - Erstgespräch kostenlos?: „Ist das Erstgespräch kostenlos?“

IM GESPRÄCH ZU KLÄREN
  - Keine offenen Punkte aus dem Chat; Termin, Umfang und Ablauf abstimmen.

EINWILLIGUNG
  Einwilligung zur Kontaktaufnahme erteilt am 14.01.2027, 10:30 Uhr (CET) = 14.01.2027, 09:30 Uhr UTC
  Version des Einwilligungstextes: 2026-11-v1

Diese Nachricht wurde automatisch vom Chat-Assistenten erstellt.
'''),
    'workshop_group_strategy': (
        'Gesprächsvorbereitung: Jonas Probe (Probe & Söhne KG) – Empfehlung: Workshop',
        '''\
Gesprächsvorbereitung aus dem Chat-Assistenten.

KURZ
  Wer:       Jonas Probe, Probe & Söhne KG – 5 Personen aus mehreren Funktionsbereichen (Marketing, Vertrieb, Personal)
  Was:       Workshop (firmenspezifisch, inhouse); Punkte Seminar : Workshop = 0 : 12
  Phase:     Strategiephase – Grundlagen da, aber noch keine Strategie.
  Interesse: hoch – Entscheidung für Social Media gefallen; fragt nach Preis, online/vor Ort; Bedarf erkannt; Format klar

KONTAKT
  Name:           Jonas Probe
  Unternehmen:    Probe & Söhne KG
  E-Mail:         jonas@probe.example
  Telefon:        –
  Erreichbarkeit: per E-Mail
  Chat über:      Website-Chat
  Gesprächs-ID:   gold-2

WAS GEWÜNSCHT IST
  - Eine Social-Media-Strategie entwickeln
  - Ein konkreter, branchen- und firmenspezifischer Einstieg ist gewünscht.
  - Social Media soll funktionsübergreifend im Unternehmen verankert werden.

EMPFEHLUNG
  Format:   Workshop
  Variante: Workshop (firmenspezifisch, inhouse)
  Punkte:   Seminar 0 : Workshop 12
  Phase:    Strategiephase (POST-Methode, Business Integration, Ziele und Zielsysteme, Ressourcen)
  Warum:    Strategiephase: Grundlagen da, aber noch keine Strategie.

VORSCHLAG FÜR DEN ABLAUF (BOTTOM-UP)
  Rahmen: Workshop im Unternehmen für 5 Personen: die folgenden Inhalte firmenspezifisch erarbeiten, mit Ergebnissen, die danach im Unternehmen weitergeführt werden.
  1. Strategiephase: Eckpunkte der Strategie mit der POST-Methode (Zielgruppen, Ziele, Strategie, Technologie)
  2. Strategiephase: Business Integration
  3. Strategiephase: Ziele und Zielsysteme
  4. Strategiephase: Ressourcen
  5. Ausblick: operative Phase

GRÜNDE (STÄRKSTE ZUERST)
  1. Eine Social-Media-Strategie soll entwickelt werden. → Workshop
     W7, Gewicht 3; Methode: „eine Social Media / Social Network Strategie entwickelt werden soll“
  2. Interessent steigt zu fünft aus mehreren Funktionsbereichen ein. → Workshop
     W1, Gewicht 2; Methode: „mehrere Personen, möglicherweise aus verschiedenen Funktionsbereichen mit dem Thema vertraut gemacht werden sollen“
  3. Gewünscht ist ein konkreter, branchen- und firmenspezifischer Einstieg. → Workshop
     W2, Gewicht 2; Methode: „ein möglichst konkreter, branchen- und firmenspezifischer Einstieg gewünscht ist“
  4. Erste Grundkompetenzen und Erfahrungen sind vorhanden. → Workshop
     W4, Gewicht 2; Methode: „erste Grundkompetenzen und Erfahrungen mit Social Network Marketing vorhanden sind“
  5. Social Media soll funktionsübergreifend im Unternehmen installiert werden. → Workshop
     W8, Gewicht 2; Methode: „Social Network funktionsübergreifend im Unternehmen installiert werden soll“
  6. Die Notwendigkeit, Social Media zu nutzen oder sich fundiert damit zu befassen, ist erkannt. → Workshop
     W5, Gewicht 1; Methode: „die Notwendigkeit Social Networks zu nutzen oder sich zumindest fundiert damit zu befassen erkannt ist“

ANTWORTEN IM CHAT
  - Wie viele Personen sollen teilnehmen? 5 Personen
  - Kommen die Teilnehmenden aus verschiedenen Funktionsbereichen? Ja
  - Welche Funktionsbereiche? Marketing, Vertrieb, Personal
  - Was soll der Einstieg leisten? Eine Social-Media-Strategie entwickeln
  - Branchen- oder firmenspezifischer Einstieg gewünscht? Ja
  - Vorhandene Erfahrung mit Social Media: Erste Grundkompetenzen und Erfahrungen vorhanden
  - Gibt es im Unternehmen schon eine Einstellung/Einschätzung zum Thema? Ja
  - Ist die Entscheidung über eine Nutzung von Social Media gefallen? Ja
  - Ist erkannt, dass man Social Media nutzen oder sich fundiert damit befassen muss? Ja
  - Soll Social Media funktionsübergreifend im Unternehmen installiert werden? Ja
  - Anwenderkenntnisse von Plattformen (z. B. Facebook, Xing) vorhanden? Ja
  - Gibt es schon eine Social-Media-Strategie? Nein

FRAGEN UND EINWÄNDE IM CHAT
  - Preis (Workshop): „Was kostet ein Workshop?“ – 2× gefragt
  - online oder vor Ort: „Geht das auch online?“
  - Business Integration: „Was heißt Business Integration?“
  - Einwand nach der Empfehlung (Workshop): „Wir haben doch noch gar keine Strategie“

IM GESPRÄCH ZU KLÄREN
  - Keine offenen Punkte aus dem Chat; Termin, Umfang und Ablauf abstimmen.

EINWILLIGUNG
  Einwilligung zur Kontaktaufnahme erteilt am 14.01.2027, 10:30 Uhr (CET) = 14.01.2027, 09:30 Uhr UTC
  Version des Einwilligungstextes: 2026-11-v1

Diese Nachricht wurde automatisch vom Chat-Assistenten erstellt.
'''),
    'workshop_user_knowledge_first': (
        'Gesprächsvorbereitung: Mia Test – Empfehlung: Workshop (Anwenderkenntnisse zuerst)',
        '''\
Gesprächsvorbereitung aus dem Chat-Assistenten.

KURZ
  Wer:       Mia Test – 4 Personen
  Was:       Workshop als Ziel – vorher Anwenderkenntnisse aufbauen; Punkte Seminar : Workshop = 0 : 10
  Phase:     Informationsphase – Grundlagen (Chancen und Risiken, Tools und Methoden) fehlen noch.
  Interesse: hoch – Entscheidung für Social Media gefallen; fragt nach Förderung, Inhouse; Bedarf erkannt; Format klar

KONTAKT
  Name:           Mia Test
  Unternehmen:    –
  E-Mail:         mia@test.example
  Telefon:        +49 30 123456
  Erreichbarkeit: –
  Chat über:      Website-Chat
  Gesprächs-ID:   gold-3

WAS GEWÜNSCHT IST
  - Eine Social-Media-Strategie entwickeln
  - Ein konkreter, branchen- und firmenspezifischer Einstieg ist gewünscht.
  - Social Media soll funktionsübergreifend im Unternehmen verankert werden.

EMPFEHLUNG
  Format:   Workshop
  Variante: Workshop als Ziel – vorher Anwenderkenntnisse aufbauen
  Punkte:   Seminar 0 : Workshop 10
  Phase:    Informationsphase (Überblick über Chancen, Risiken, Tools und Methoden)
  Warum:    Informationsphase: Grundlagen (Chancen und Risiken, Tools und Methoden) fehlen noch.
  Voraussetzung: Anwenderkenntnisse fehlen: vor dem Workshop ein Inhouse-Seminar oder eigene Nutzung der Plattformen durch das Team.

VORSCHLAG FÜR DEN ABLAUF (BOTTOM-UP)
  Rahmen: Workshop als Ziel; vorab Anwenderkenntnisse der Plattformen aufbauen (z. B. offenes Seminar oder eine Einführung in die Plattformen), dann der Workshop für 4 Personen.
  1. Informationsphase: Chancen und Risiken von Social Media für das Unternehmen
  2. Informationsphase: Plattformen, Tools und Methoden im Überblick
  3. Ausblick: Strategiephase, dann operative Phase

GRÜNDE (STÄRKSTE ZUERST)
  1. Eine Social-Media-Strategie soll entwickelt werden. → Workshop
     W7, Gewicht 3; Methode: „eine Social Media / Social Network Strategie entwickelt werden soll“
  2. Interessent steigt zu viert ein. → Workshop
     W1, Gewicht 2; Methode: „mehrere Personen, möglicherweise aus verschiedenen Funktionsbereichen mit dem Thema vertraut gemacht werden sollen“
  3. Gewünscht ist ein konkreter, branchen- und firmenspezifischer Einstieg. → Workshop
     W2, Gewicht 2; Methode: „ein möglichst konkreter, branchen- und firmenspezifischer Einstieg gewünscht ist“
  4. Social Media soll funktionsübergreifend im Unternehmen installiert werden. → Workshop
     W8, Gewicht 2; Methode: „Social Network funktionsübergreifend im Unternehmen installiert werden soll“
  5. Die Notwendigkeit, Social Media zu nutzen oder sich fundiert damit zu befassen, ist erkannt. → Workshop
     W5, Gewicht 1; Methode: „die Notwendigkeit Social Networks zu nutzen oder sich zumindest fundiert damit zu befassen erkannt ist“

ANTWORTEN IM CHAT
  - Wie viele Personen sollen teilnehmen? 4 Personen
  - Kommen die Teilnehmenden aus verschiedenen Funktionsbereichen? Nein
  - Was soll der Einstieg leisten? Eine Social-Media-Strategie entwickeln
  - Branchen- oder firmenspezifischer Einstieg gewünscht? Ja
  - Vorhandene Erfahrung mit Social Media: Noch keine Kompetenz im Unternehmen
  - Gibt es im Unternehmen schon eine Einstellung/Einschätzung zum Thema? Ja
  - Ist die Entscheidung über eine Nutzung von Social Media gefallen? Ja
  - Ist erkannt, dass man Social Media nutzen oder sich fundiert damit befassen muss? Ja
  - Soll Social Media funktionsübergreifend im Unternehmen installiert werden? Ja
  - Anwenderkenntnisse von Plattformen (z. B. Facebook, Xing) vorhanden? Nein
  - Gibt es schon eine Social-Media-Strategie? Nein

FRAGEN UND EINWÄNDE IM CHAT
  - Förderung: „Gibt es dafür Fördermittel?“
  - Inhouse: (per Button)

IM GESPRÄCH ZU KLÄREN
  - Anwenderkenntnisse vor dem Workshop aufbauen: per Seminar oder durch eigene Nutzung der Plattformen?

EINWILLIGUNG
  Einwilligung zur Kontaktaufnahme erteilt am 14.01.2027, 10:30 Uhr (CET) = 14.01.2027, 09:30 Uhr UTC
  Version des Einwilligungstextes: 2026-11-v1

Diese Nachricht wurde automatisch vom Chat-Assistenten erstellt.
'''),
}


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_brief_golden_text(profile):
    subject, body = build_brief(PROFILES[profile])
    expected_subject, expected_body = EXPECTED[profile]
    assert subject == expected_subject
    assert body == expected_body


def test_the_three_profiles_cover_the_formats_asked_for():
    assert "Offenes Seminar" in EXPECTED["open_seminar_single"][1]
    assert "Strategiephase – Grundlagen da" in EXPECTED["workshop_group_strategy"][1]
    assert "Workshop als Ziel – vorher Anwenderkenntnisse" in EXPECTED["workshop_user_knowledge_first"][1]
