"""Table-driven tests of advisor.german.contact.read_contact (contact facts in typed German messages).

Every case compares the whole result, so a fact read by mistake fails the case as surely as a missed one.
"""
from __future__ import annotations

import time

import pytest

from advisor.german import read_contact
from advisor.german.contact import NO_COMPANY

C = "contact_name"
N = None

# (message, asked, expected facts)
NAME_CASES = [
    # asked for the name: a bare name counts
    ("Stefan Müller", C, {"contact_name": "Stefan Müller"}),
    ("Müller, Stefan", C, {"contact_name": "Stefan Müller"}),
    ("klaus meier", C, {"contact_name": "Klaus Meier"}),
    ("KLAUS MEIER", C, {"contact_name": "Klaus Meier"}),
    ("Ich bin die Anna Schmidt", C, {"contact_name": "Anna Schmidt"}),
    ("ich bin der tobias", C, {"contact_name": "Tobias"}),
    ("Schmidt hier", C, {"contact_name": "Schmidt"}),
    ("Name: Jörg Weiß", C, {"contact_name": "Jörg Weiß"}),
    ("Frau Dr. Petra Weber", C, {"contact_name": "Petra Weber"}),
    ("Herr Özdemir", C, {"contact_name": "Özdemir"}),
    ("Gerne: Hans-Peter Kühn", C, {"contact_name": "Hans-Peter Kühn"}),
    ("mein name ist joerg weiss", C, {"contact_name": "Joerg Weiss"}),
    ("ich heisse lena", C, {"contact_name": "Lena"}),
    ("Ursula von der Leyen", C, {"contact_name": "Ursula von der Leyen"}),
    ("Ja klar, Sabine Krause.", C, {"contact_name": "Sabine Krause"}),
    ("Tim Becker, tim.becker@web.de", C, {"contact_name": "Tim Becker", "email": "tim.becker@web.de"}),
    ("Jana Roth von der Roth Consulting GmbH", C,
     {"contact_name": "Jana Roth", "company": "Roth Consulting GmbH"}),
    ("Kevin O'Neill", C, {"contact_name": "Kevin O'Neill"}),
    # asked, but no name
    ("möchte ich nicht sagen", C, {}),
    ("Das möchte ich lieber nicht sagen.", C, {}),
    ("Ich bin Geschäftsführerin", C, {}),
    ("ich bin unsicher", C, {}),
    ("Wozu brauchen Sie meinen Namen?", C, {}),
    ("lieber anonym", C, {}),
    ("", C, {}),
    # other contexts: only with a lead-in
    ("Hallo, ich heiße Jana Roth und hätte eine Frage", N, {"contact_name": "Jana Roth"}),
    ("Mein Name ist Stefan Müller.", "opening", {"contact_name": "Stefan Müller"}),
    ("mein name ist hans-peter von der heide", N, {"contact_name": "Hans-Peter von der Heide"}),
    ("Hier ist Frau Berger von der Stadtbäckerei", N, {"contact_name": "Berger", "company": "Stadtbäckerei"}),
    ("Hallo, Jana Roth hier. Wir suchen ein Seminar.", "opening", {"contact_name": "Jana Roth"}),
    ("Viele Grüße\nJana Roth", N, {"contact_name": "Jana Roth"}),
    ("Das klingt gut.\n\nBeste Grüße\nMarkus Vogel", "participants", {"contact_name": "Markus Vogel"}),
    ("Danke!\nLG Jana", N, {"contact_name": "Jana"}),
    ("Mit freundlichen Grüßen, Dr. Frank Lehmann", N, {"contact_name": "Frank Lehmann"}),
    ("Ich bin Jan Wolf und interessiere mich für ein Seminar", "opening", {"contact_name": "Jan Wolf"}),
    ("ich heisse Joerg und bin Inhaber", N, {"contact_name": "Joerg"}),
    # never ordinary words
    ("Ich bin Geschäftsführerin und wir sind zu fünft", N, {}),
    ("ich bin unsicher, ob das passt", N, {}),
    ("Ich bin hier für alles zuständig", N, {}),
    ("Ich bin Anfänger bei Instagram", N, {}),
    ("Ich bin der Meinung, dass ein Workshop besser ist", N, {}),
    ("Ich bin Inhaberin einer kleinen Bäckerei", N, {}),
    ("Stefan Müller", "participants", {}),
    ("Marketing und Vertrieb", "departments", {}),
    ("Wir sind 12 Leute im Team", "participants", {}),
    ("Ich bin neu hier", N, {}),
    ("Das ist Sache der Geschäftsführung", N, {}),
]

COMPANY_CASES = [
    # asked for the company: a bare name counts
    ("Müller Bau", "company", {"company": "Müller Bau"}),
    ("Weingut Fuchs – offiziell Weingut Fuchs GbR", "company", {"company": "Weingut Fuchs GbR"}),
    ("wir sind die Bäckerei Kunz", "company", {"company": "Bäckerei Kunz"}),
    ("Die Firma heißt Schulz Elektrotechnik GmbH", "company", {"company": "Schulz Elektrotechnik GmbH"}),
    ("Bei der Stadtwerke Rheinau GmbH", "company", {"company": "Stadtwerke Rheinau GmbH"}),
    ("Berger & Partner mbB", "company", {"company": "Berger & Partner mbB"}),
    ("TSV Grün-Weiß e.V.", "company", {"company": "TSV Grün-Weiß e.V."}),
    ("Meyer Logistik GmbH & Co. KG", "company", {"company": "Meyer Logistik GmbH & Co. KG"}),
    ("Hoffmann UG (haftungsbeschränkt)", "company", {"company": "Hoffmann UG (haftungsbeschränkt)"}),
    ("firma: kunz werbetechnik", "company", {"company": "kunz werbetechnik"}),
    ("Autohaus Brandt, wir sind ein Familienbetrieb", "company", {"company": "Autohaus Brandt"}),
    ("privat", "company", {"company": NO_COMPANY}),
    ("keine Firma", "company", {"company": NO_COMPANY}),
    ("Ich frage privat an", "company", {"company": NO_COMPANY}),
    ("habe keine", "company", {"company": NO_COMPANY}),
    ("Warum wollen Sie das wissen?", "company", {}),
    ("weiß ich nicht", "company", {}),
    # other contexts: a lead-in or a legal form
    ("Ich arbeite bei Siemens Healthineers", N, {"company": "Siemens Healthineers"}),
    ("Wir sind die Hansen Immobilien GmbH aus Kiel", N, {"company": "Hansen Immobilien GmbH"}),
    ("für unsere Kanzlei Berger & Partner suchen wir ein Seminar", N, {"company": "Kanzlei Berger & Partner"}),
    ("Wir brauchen das für die Kraus AG, ca. 20 Leute", "participants", {"company": "Kraus AG"}),
    ("Ich komme von der Firma Lindner Metallbau", N, {"company": "Lindner Metallbau"}),
    ("Unser Verein TSV Grün-Weiß e.V. hat 30 Mitglieder", N, {"company": "TSV Grün-Weiß e.V."}),
    ("Die Sonnenschein gGmbH möchte auf Instagram starten", N, {"company": "Sonnenschein gGmbH"}),
    ("Wir sind die Kraus AG, nein Moment, Kraus Technik AG", N, {"company": "Kraus Technik AG"}),
    # no company
    ("Ich bin bei Facebook aktiv", N, {}),
    ("Wir sind zu fünft und nutzen Instagram", N, {}),
    ("Wir sind Anfänger", N, {}),
    ("Bei uns macht das die Chefin", N, {}),
    ("Wir sind 12 Personen, Budget 1.500 Euro, am 03.05.2025 in 01069 Dresden", N, {}),
    ("Wir sind ein kleines Team", N, {}),
]

EMAIL_CASES = [
    ("anna.meyer@gmx.de", "email", {"email": "anna.meyer@gmx.de"}),
    ("Anna.Meyer@GMX.de", "email", {"email": "anna.meyer@gmx.de"}),
    ("anna punkt meyer at gmx punkt de", "email", {"email": "anna.meyer@gmx.de"}),
    ("max(at)firma[punkt]de", "email", {"email": "max@firma.de"}),
    ("info [at] baeckerei-kunz [dot] de", "email", {"email": "info@baeckerei-kunz.de"}),
    ("jan ät wolf punkt de", "email", {"email": "jan@wolf.de"}),
    ("mail: info@müller-bau.de.", "email", {"email": "info@müller-bau.de"}),
    ("Meine Mail ist j.wolf@wolf-haustechnik.de, danke!", N, {"email": "j.wolf@wolf-haustechnik.de"}),
    ("jan@wolf.de, ach nein, jan.wolf@wolf.de", "email", {"email": "jan.wolf@wolf.de"}),
    ("<kontakt@example.org>", "email", {"email": "kontakt@example.org"}),
    ("anna@gmx", "email", {}),
    ("anna at gmx", "email", {}),
    ("info@@firma.de", "email", {}),
    ("Ich bin at home", N, {}),
    ("keine Mail bitte", "email", {"no_email": True}),
    ("habe ich nicht", "email", {"no_email": True}),
    ("nein", "email", {"no_email": True}),
    ("Eine E-Mail-Adresse möchte ich nicht angeben", N, {"no_email": True}),
    ("Mail lieber nicht, rufen Sie mich an: 0171 2345678", N, {"no_email": True, "phone": "+491712345678"}),
    ("keine Mail bitte, nur anrufen", N, {"no_email": True}),
    ("Bitte nur per Mail", N, {"no_phone": True}),
]

PHONE_CASES = [
    ("0171 2345678", "phone", {"phone": "+491712345678"}),
    ("0171/2345678", "phone", {"phone": "+491712345678"}),
    ("0171-234 56 78", "phone", {"phone": "+491712345678"}),
    ("+49 (0)30 123456", "phone", {"phone": "+4930123456"}),
    ("0049 171 2345678", "phone", {"phone": "+491712345678"}),
    ("(030) 1234567", "phone", {"phone": "+49301234567"}),
    ("0351 8765-0", "phone", {"phone": "+4935187650"}),
    ("+43 664 1234567", "phone", {"phone": "+436641234567"}),
    ("+41 44 123 45 67", "phone", {"phone": "+41441234567"}),
    ("Tel. 0221/9876543", N, {"phone": "+492219876543"}),
    ("Sie erreichen mich unter 089 12345678", N, {"phone": "+498912345678"}),
    ("Handy: 0151 12345678, Festnetz lieber nicht", N, {"phone": "+4915112345678"}),
    ("0171 1234567, sorry, 0171 7654321", "phone", {"phone": "+491717654321"}),
    ("Bitte rufen Sie mich nicht vor 10 Uhr an: 0171 2345678", N, {"phone": "+491712345678"}),
    # not phone numbers
    ("Wir sind 12 Personen", "participants", {}),
    ("im Jahr 2025", N, {}),
    ("am 03.05.2025", N, {}),
    ("01069 Dresden", N, {}),
    ("Budget 15000 Euro", N, {}),
    ("Das kostet 1.490,00 €", N, {}),
    ("Von 9-12 Uhr", N, {}),
    ("123", "phone", {}),
    ("12345", "phone", {}),
    # refusals
    ("Telefon lieber nicht", N, {"no_phone": True}),
    ("lieber nicht", "phone", {"no_phone": True}),
    ("keine Nummer", "phone", {"no_phone": True}),
    ("Ich habe kein Handy", N, {"no_phone": True}),
    ("Anrufen bitte nicht, lieber per Mail: a@b.de", N, {"no_phone": True, "email": "a@b.de"}),
    ("Bitte nicht anrufen", N, {"no_phone": True}),
    ("Rufen Sie mich gerne an", N, {}),
]

CONSENT_CASES = [
    ("Ja", "consent", {"consent": True}),
    ("ja, dürfen Sie speichern", "consent", {"consent": True}),
    ("Einverstanden", "consent", {"consent": True}),
    ("Ich bin einverstanden.", "consent", {"consent": True}),
    ("geht in ordnung", "consent", {"consent": True}),
    ("Ich bin nicht dagegen", "consent", {"consent": True}),
    ("Habe nichts dagegen", "consent", {"consent": True}),
    ("klar, warum nicht", "consent", {"consent": True}),
    ("Nein", "consent", {"consent": False}),
    ("nein, bitte nichts speichern", N, {"consent": False}),
    ("auf keinen Fall", "consent", {"consent": False}),
    ("Nicht einverstanden", "consent", {"consent": False}),
    ("Lieber nicht", "consent", {"consent": False}),
    ("Meine Daten dürfen Sie nicht speichern", N, {"consent": False}),
    ("Ja, Sie dürfen meine Daten speichern", "participants", {"consent": True}),
    ("speichern ja, weitergeben nein", "consent", {}),
    ("Speichern ok, aber nicht an Dritte weitergeben", "consent", {}),
    ("Wer bekommt die Daten?", "consent", {}),
    ("Wie lange werden die Daten gespeichert?", "consent", {}),
    ("weiß nicht", "consent", {}),
    ("Ja gerne", "participants", {}),
    ("nein", "participants", {}),
    ("Ja, dürfen Sie. Ich bin Klaus Meier", "consent", {"consent": True, "contact_name": "Klaus Meier"}),
]

MIXED_CASES = [
    ("Ich bin Jan Wolf von der Wolf Haustechnik GmbH, erreichbar unter 0171 2345678 oder "
     "jan@wolf-haustechnik.de", N,
     {"contact_name": "Jan Wolf", "company": "Wolf Haustechnik GmbH", "phone": "+491712345678",
      "email": "jan@wolf-haustechnik.de"}),
    ("Hallo, ich heiße Jana Roth und wir sind die Roth Consulting GmbH", "opening",
     {"contact_name": "Jana Roth", "company": "Roth Consulting GmbH"}),
    ("hallo, ich heisse joerg weiss von der weiss gmbh, tel 0711 123456", N,
     {"contact_name": "Joerg Weiss", "company": "weiss gmbh", "phone": "+49711123456"}),
    ("Sabine Krause, Krause & Söhne KG, sabine@krause-soehne.de", C,
     {"contact_name": "Sabine Krause", "company": "Krause & Söhne KG", "email": "sabine@krause-soehne.de"}),
    ("Keine Mail bitte, nur anrufen: 0171 2345678", "email", {"no_email": True, "phone": "+491712345678"}),
    ("Hi, ich bin der Tom von der Agentur Blau, schreib mir an tom@agentur-blau.de", N,
     {"contact_name": "Tom", "company": "Agentur Blau", "email": "tom@agentur-blau.de"}),
    ("Wir sind 8 Leute in der Müller GmbH und brauchen einen Workshop", "participants",
     {"company": "Müller GmbH"}),
    ("Mein Name ist Petra Lang, Firma Lang Immobilien. Erreichbar unter 040 12345678.", N,
     {"contact_name": "Petra Lang", "company": "Lang Immobilien", "phone": "+494012345678"}),
    ("Gruesse aus Koeln\nMarkus Vogel\nVogel Events GmbH\nTel. 0221 9876543", N,
     {"contact_name": "Markus Vogel", "company": "Vogel Events GmbH", "phone": "+492219876543"}),
]

# A second round, written after the first implementation (each one failed or was checked by hand then)
MORE_CASES = [
    ("Ich heiße Müller", N, {"contact_name": "Müller"}),
    ("Meier, Klaus", C, {"contact_name": "Klaus Meier"}),
    ("Ich bin Frau Schulze", C, {"contact_name": "Schulze"}),
    ("Herr Dr. Hofmann hier", N, {"contact_name": "Hofmann"}),
    ("hi, bin der Max von der Firma Huber", N, {"contact_name": "Max", "company": "Huber"}),
    ("Hier schreibt Katrin Böhm von der Böhm Steuerberatung", N,
     {"contact_name": "Katrin Böhm", "company": "Böhm Steuerberatung"}),
    ("Ich bin Markus, Inhaber vom Café Sonne", N, {"contact_name": "Markus", "company": "Café Sonne"}),
    ("Danke, Gruß Peter Schulz", N, {"contact_name": "Peter Schulz"}),
    ("Kontakt: Frau Petra Klein, p.klein@klein-partner.de", N,
     {"contact_name": "Petra Klein", "email": "p.klein@klein-partner.de"}),
    ("Sie sprechen mit Herrn Yilmaz", N, {"contact_name": "Yilmaz"}),
    ("Wieso?", C, {}),
    ("Hallo zusammen", C, {}),
    ("Ich bin Physiotherapeutin und habe eine eigene Praxis", N, {}),
    ("Ich bin Architektin bei einem kleinen Büro", N, {}),
    ("Ich bin 45 und selbständig", N, {}),
    ("Viele Grüße von Jana", N, {}),
    ("ich bin die Geschäftsführerin der Mayer GmbH", N, {"company": "Mayer GmbH"}),
    ("Ich bin zuständig für Marketing bei der Lindner AG", N, {"company": "Lindner AG"}),
    ("Ich bin von Beruf Tischler", N, {}),
    ("Die Praxis Dr. Lang", "company", {"company": "Praxis Dr. Lang"}),
    ("Ich arbeite für die Stadt Köln", N, {"company": "Stadt Köln"}),
    ("Wir sind ca. 20 Mitarbeiter", "company", {}),
    ("Wir sind eine Zahnarztpraxis", N, {}),
    ("Wir, die Becker Dental GmbH, suchen eine Schulung", N, {"company": "Becker Dental GmbH"}),
    ("Hallo! Ich bin Jens vom Sportverein TuS Altenberg e.V.", N,
     {"contact_name": "Jens", "company": "Sportverein TuS Altenberg e.V."}),
    ("Tel.: 06221 / 12 34 56", N, {"phone": "+496221123456"}),
    ("030 / 89 00 12 - 34", "phone", {"phone": "+493089001234"}),
    ("Termin am 12.03. um 14 Uhr", N, {}),
    ("Postleitzahl 80331", N, {}),
    ("jim at example dot com", "email", {"email": "jim@example.com"}),
    ("Mail ist anna@gmx.de – nein warte, anna.k@gmx.de", N, {"email": "anna.k@gmx.de"}),
    ("Einverstanden, aber bitte keine Werbung", "consent", {"consent": True}),
    ("Ja, gerne. Und wie geht es weiter?", "consent", {"consent": True}),
    ("Darf ich mir das noch überlegen?", "consent", {}),
    ("Ich stimme nicht zu", "consent", {"consent": False}),
    ("Von mir aus", "consent", {"consent": True}),
    ("Meine Daten bitte nicht weitergeben", N, {"consent": False}),
    ("Lieber keine Anrufe", N, {"no_phone": True}),
    ("Ich habe keine E-Mail", N, {"no_email": True}),
    ("Können Sie mich nicht einfach anrufen?", N, {}),
    ("Meine Mail: anna.meyer@gmx.de und Tel 0171 2345678. Gruß Anna Meyer", N,
     {"email": "anna.meyer@gmx.de", "phone": "+491712345678", "contact_name": "Anna Meyer"}),
]

# A third round: typos, du-form, spelled and formatted numbers, sign-offs
THIRD_CASES = [
    ("mein nahme ist Tom Kraus", N, {"contact_name": "Tom Kraus"}),
    ("ich heise Tom Kraus", N, {"contact_name": "Tom Kraus"}),
    ("du kannst mich Tom nennen", C, {"contact_name": "Tom"}),
    ("Hallo, hier ist der Sven", N, {"contact_name": "Sven"}),
    ("Name: Petersen, Sven", N, {"contact_name": "Sven Petersen"}),
    ("S. Petersen", C, {"contact_name": "S. Petersen"}),
    ("Gruss\nJ. Roth", N, {"contact_name": "J. Roth"}),
    ("Grüße, Ihre Jana Roth", N, {"contact_name": "Jana Roth"}),
    ("Bis bald, Anna", N, {"contact_name": "Anna"}),
    ("Danke im Voraus!\nMarkus", N, {"contact_name": "Markus"}),
    ("Moin, Sven hier von Nordlicht Events", "opening", {"contact_name": "Sven", "company": "Nordlicht Events"}),
    ("Guten Tag, mein Name ist Katharina Schmidt-Weber und ich leite das Marketing bei der Hansa Reisen GmbH.",
     "opening", {"contact_name": "Katharina Schmidt-Weber", "company": "Hansa Reisen GmbH"}),
    ("Ich bin Social Media Managerin", N, {}),
    ("Ich bin Leiterin der Kommunikation", N, {}),
    ("Ich bin Teil des Marketing-Teams", N, {}),
    ("Wir sind die Größten in der Region", N, {}),
    ("Ich komme von der Uni", N, {}),
    ("Wir sind von der Idee begeistert", N, {}),
    ("bei der Fa. Schulz", "company", {"company": "Schulz"}),
    ("Steuerbüro Klein & Kollegen", "company", {"company": "Steuerbüro Klein & Kollegen"}),
    ("firma mueller gmbh", N, {"company": "mueller gmbh"}),
    ("Das ist der Landgasthof Krone in Murrhardt", "company", {"company": "Landgasthof Krone"}),
    ("Ich bin Freiberufler", "company", {"company": NO_COMPANY}),
    ("du darfst meine daten speichern", N, {"consent": True}),
    ("Jo, passt scho", "consent", {"consent": True}),
    ("Nö, lieber nicht", "consent", {"consent": False}),
    ("Ja, aber nicht an Dritte weitergeben", "consent", {}),
    ("Datenschutz ist mir wichtig, bitte nichts speichern", N, {"consent": False}),
    ("keine Einwände", "consent", {"consent": True}),
    ("meine handynummer lautet 0152-3344556", N, {"phone": "+491523344556"}),
    ("+43 (0) 1 234 5678", "phone", {"phone": "+4312345678"}),
    ("0041 44 123 45 67", "phone", {"phone": "+41441234567"}),
    ("anna.meyer(at)gmx(dot)de", "email", {"email": "anna.meyer@gmx.de"}),
    ("mail: anna@gmx,de", "email", {}),
    ("Meine Nummer ist noch nicht aktuell", N, {}),
    ("Keine Angabe", "phone", {"no_phone": True}),
]

# A fourth round: fax and order numbers, conditional consent, names with particles and foreign letters
FOURTH_CASES = [
    ("Stefan Müller von Müller & Söhne", C, {"contact_name": "Stefan Müller", "company": "Müller & Söhne"}),
    ("Stefan Müller von Müller & Söhne", "participants", {}),
    ("Meine Firma: Müller & Söhne, mein Name Stefan Müller", N,
     {"contact_name": "Stefan Müller", "company": "Müller & Söhne"}),
    ("Hallo, ich bin Petra vom Hotel Seeblick in Konstanz. Wir sind 14 Mitarbeiter.", "opening",
     {"contact_name": "Petra", "company": "Hotel Seeblick"}),
    ("Hotel Seeblick GmbH – nein, Seeblick Hotelbetriebs GmbH", "company", {"company": "Seeblick Hotelbetriebs GmbH"}),
    ("Landhaus Maier oHG", "company", {"company": "Landhaus Maier oHG"}),
    ("Schmidt & Partner PartG mbB", "company", {"company": "Schmidt & Partner PartG mbB"}),
    ("Mein Name ist Max Mustermann, ich bin Geschäftsführer der Mustermann GmbH & Co. KG in Köln.", N,
     {"contact_name": "Max Mustermann", "company": "Mustermann GmbH & Co. KG"}),
    ("Rechnung an: Meyer GmbH, Hauptstr. 5, 12345 Berlin", N, {"company": "Meyer GmbH"}),
    ("Ich heiße Eva-Maria Schulte-Bernd", N, {"contact_name": "Eva-Maria Schulte-Bernd"}),
    ("Ich bin Ali Yılmaz", N, {"contact_name": "Ali Yılmaz"}),
    ("Mein Name ist Nguyen Van Anh", N, {"contact_name": "Nguyen Van Anh"}),
    ("ich bin herr schmidt", C, {"contact_name": "Schmidt"}),
    ("Fr. Krause", C, {"contact_name": "Krause"}),
    ("Ansprechpartnerin ist Frau Kühn", N, {"contact_name": "Kühn"}),
    ("Meine Kollegin Frau Lange kümmert sich darum", N, {}),
    ("Telefonisch erreichen Sie mich unter 0711/987654-12", N, {"phone": "+4971198765412"}),
    ("Mobil: +49 (0) 171 - 234 56 78", N, {"phone": "+491712345678"}),
    ("Tel +49 30 12345678 Fax +49 30 12345679", N, {"phone": "+493012345678"}),
    ("Meine Nummer ist 0171 23 45 678, E-Mail brauchen Sie nicht", N,
     {"phone": "+491712345678", "no_email": True}),
    ("Bestellnummer 0123456789", N, {}),
    ("IBAN DE89 3704 0044 0532 0130 00", N, {}),
    ("PLZ 70173 Stuttgart, Königstraße 12", N, {}),
    ("Wir sind am 24.12.2024 nicht da", N, {}),
    ("von 10:00 bis 12:30", N, {}),
    ("Ja, speichern ist ok, weitergeben nein", "consent", {}),
    ("nur wenn Sie die Daten nicht weitergeben", "consent", {}),
    ("na gut", "consent", {"consent": True}),
    ("Ich möchte nicht, dass meine Daten gespeichert werden", N, {"consent": False}),
    ("Ja. Wie lange speichern Sie?", "consent", {}),
    ("Wolf Haustechnik GmbH", C, {"company": "Wolf Haustechnik GmbH"}),
    ("Ich bin Jan Wolf", "company", {"contact_name": "Jan Wolf"}),
    ("Das wäre die Bäckerei Kunz aus Ulm", "company", {"company": "Bäckerei Kunz"}),
    ("Gerne: Kunz Bäckerei, Ulm", "company", {"company": "Kunz Bäckerei"}),
    ("ähm, Kunz GmbH glaube ich", "company", {"company": "Kunz GmbH"}),
    ("Meine Firma heißt Kunz IT-Service", "company", {"company": "Kunz IT-Service"}),
    ("Kunz GmbH (Ulm)", "company", {"company": "Kunz GmbH"}),
    ("Fotostudio Licht & Schatten", "company", {"company": "Fotostudio Licht & Schatten"}),
    ("Bin Freelancer, also keine richtige Firma", "company", {"company": NO_COMPANY}),
    ("Ich bin selbstständige Fotografin", "company", {"company": NO_COMPANY}),
    ("Keine, ich bin Privatperson", "company", {"company": NO_COMPANY}),
    ("Wir sind Kunden von Ihnen", "company", {}),
    ("Privatbrauerei Kunz GmbH", "company", {"company": "Privatbrauerei Kunz GmbH"}),
]

ALL_CASES = (
    NAME_CASES + COMPANY_CASES + EMAIL_CASES + PHONE_CASES + CONSENT_CASES + MIXED_CASES + MORE_CASES + THIRD_CASES
    + FOURTH_CASES
)


@pytest.mark.parametrize(("text", "asked", "expected"), ALL_CASES)
def test_read_contact(text: str, asked: str | None, expected: dict[str, object]) -> None:
    assert read_contact(text, asked) == expected


def test_there_are_enough_cases() -> None:
    assert len(ALL_CASES) >= 120


@pytest.mark.parametrize("value", [None, 42, b"jan@wolf.de", ["Jan Wolf"]])
def test_non_text_gives_nothing(value: object) -> None:
    assert read_contact(value, "contact_name") == {}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "a" * 10_000,
        "@" * 5_000,
        "0" * 5_000,
        "ich bin " * 1_000,
        "GmbH " * 1_000,
        "anna punkt " * 500 + "at gmx punkt de",
        "<script>alert(1)</script>'; DROP TABLE leads; --",
        "مرحبا بكم 👋🏽 \u202e gnp.ksid",
    ],
    ids=["letters", "at-signs", "digits", "ich-bin", "gmbh", "spelled", "html-sql", "rtl-emoji"],
)
def test_hostile_input_is_bounded(text: str) -> None:
    started = time.perf_counter()
    result = read_contact(text, "contact_name")
    assert isinstance(result, dict)
    assert time.perf_counter() - started < 2.0


def test_email_is_lowercased_and_valid() -> None:
    result = read_contact("Schreiben Sie an Info@Wolf-Haustechnik.DE", None)
    assert result == {"email": "info@wolf-haustechnik.de"}
