"""Contact facts in any typed German message: name, company, e-mail, phone, channel refusals, consent.

This module owns *reading* contact data out of free text (``read_contact``); asking, confirming and storing
are the contact form's job. It reports only what a message clearly states:

* ``contact_name`` - first name first ("Müller, Stefan" -> "Stefan Müller"), without Frau/Herr/Dr./Prof.,
  lower-case or upper-case input title-cased. A bare name counts only when the name was just asked;
  elsewhere a lead-in is needed ("ich heiße …", "mein Name ist …", "hier ist …", "ich bin Jan Wolf von …",
  "Jana Roth hier", a signature after "Viele Grüße").
* ``company`` - the name with its legal form, without chatter; the last of several (a correction) wins.
  A bare name counts only when the company was just asked; elsewhere a lead-in ("von der Firma X",
  "bei X", "wir sind die X GmbH", "für unsere Kanzlei X") or a legal form (GmbH, AG, e.V., …) is needed.
  "privat" / "keine Firma" when asked -> ``"–"``.
* ``email`` - lower-cased and checked (syntax and IDNA domain, no DNS); spelled-out forms are resolved
  ("anna punkt meyer at gmx punkt de", "(at)", "[punkt]", "dot"); the last address wins.
* ``phone`` - E.164 via ``phonenumbers`` (default region DE); dates, years, postcodes, prices and counts are
  never numbers (a trunk or international prefix, six national digits and a valid number are required).
* ``no_email`` / ``no_phone`` - ``True`` when the prospect refuses that channel.
* ``consent`` - ``True`` / ``False`` when consent was asked or the message speaks about storing or passing
  on the data; partial consent and counter-questions give no key.

Pure Python (``phonenumbers`` and ``idna`` only); bounded work: at most ``MAX_TEXT_CHARS`` are read.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import idna
import phonenumbers

from advisor.german.answers import parse_yes_no
from advisor.german.departments import parse_departments
from advisor.german.text import MAX_TEXT_CHARS, UMLAUT_FOLD

__all__ = ["NO_COMPANY", "read_contact"]

NO_COMPANY = "–"
"""The company value for a private enquiry ("privat", "keine Firma")."""

# ---------------------------------------------------------------------------
# Tokens that keep their case and position (names and companies are cased)
# ---------------------------------------------------------------------------

_WORD = r"[^\W\d_]+(?:['’\-][^\W\d_]+)*"
# An initial ("J. Roth") is one token; "e.V." stays four ("e", ".", "V", ".") for the legal forms.
_TOKEN_RE = re.compile(rf"[A-ZÄÖÜ]\.(?=[ \t]+[A-ZÄÖÜ])|{_WORD}|\d+|\n|[^\w\s]")


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int
    end: int

    @property
    def fold(self) -> str:
        return self.text.lower().translate(UMLAUT_FOLD)

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalpha()

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _fold(text: str) -> str:
    return text.lower().translate(UMLAUT_FOLD)


def _fold_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for every folded position, its position in ``text`` (folding changes lengths)."""
    parts: list[str] = []
    where: list[int] = []
    for k, ch in enumerate(text):
        folded = _fold(ch)
        parts.append(folded)
        where.extend([k] * len(folded))
    where.append(len(text))
    return "".join(parts), where


def _tok_after(toks: list[_Tok], where: list[int], folded_pos: int) -> int:
    """Index of the first token at or after folded position ``folded_pos``."""
    pos = where[folded_pos]
    return next((k for k, t in enumerate(toks) if t.start >= pos), len(toks))


def _prepare(text: object) -> str:
    if not isinstance(text, str):
        return ""
    value = unicodedata.normalize("NFC", text[:MAX_TEXT_CHARS])
    value = "".join(
        " " if ch in "\t\r\x0b\x0c" else ch
        for ch in value
        if unicodedata.category(ch) not in ("Cf", "Cs") and (ch == "\n" or unicodedata.category(ch) != "Cc")
    )
    return value.replace("\u2028", "\n").replace("\u2029", "\n")


# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------

_SPELLED_AT = re.compile(
    r"\s*[(\[{<]\s*(?:at|ät|aet|@)\s*[)\]}>]\s*|\s+(?:at|ät|aet|ätt)\s+|\s+@\s*|\s*@\s+", re.IGNORECASE
)
_SPELLED_DOT = re.compile(r"\s*[(\[{<]\s*(?:punkt|dot)\s*[)\]}>]\s*|\s+(?:punkt|dot)\s+", re.IGNORECASE)
_SPELLED_DASH = re.compile(r"\s+(?:bindestrich|minus)\s+", re.IGNORECASE)
_SPELLED_UNDERSCORE = re.compile(r"\s+unterstrich\s+", re.IGNORECASE)
_SPELLED_TLD = re.compile(r"(@[\w\-.]+)\s+(?:punkt|dot)\s*(de|com|net|org|at|ch|eu|info|biz|io)\b", re.I)
_EMAIL_RE = re.compile(r"[\w.+\-'%]+@[\w\-]+(?:\.[\w\-]+)+")
_TLD_RE = re.compile(r"(?:[a-z]{2,63}|xn--[a-z0-9\-]{1,59})")
_LABEL_RE = re.compile(r"[a-z0-9\-]{1,63}")
_LOCAL_EXTRA = set(".+-_'%!#$&*/=?^`{|}~")


def _resolve_spelled(text: str) -> str:
    value = _SPELLED_AT.sub("@", text)
    value = _SPELLED_DOT.sub(".", value)
    value = _SPELLED_TLD.sub(r"\1.\2", value)
    value = _SPELLED_DASH.sub("-", value)
    return _SPELLED_UNDERSCORE.sub("_", value)


def _valid_email(candidate: str) -> str | None:
    value = candidate.strip(".-'").lower()
    if len(value) > 254 or value.count("@") != 1:
        return None
    local, domain = value.split("@")
    if not local or len(local) > 64 or ".." in local or local.startswith(".") or local.endswith("."):
        return None
    if not all(ch.isalnum() or ch in _LOCAL_EXTRA for ch in local):
        return None
    try:
        ascii_domain = idna.encode(domain, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError):
        return None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not _TLD_RE.fullmatch(labels[-1]):
        return None
    if any(not _LABEL_RE.fullmatch(lb) or lb.startswith("-") or lb.endswith("-") for lb in labels):
        return None
    return f"{local}@{domain}"


def _emails(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Valid addresses in order, and the spans (in ``text``) of every address-like run to blank out."""
    found: list[str] = []
    for m in _EMAIL_RE.finditer(_resolve_spelled(text)):
        email = _valid_email(m.group())
        if email:
            found.append(email)
    spans = [m.span() for m in _EMAIL_RE.finditer(text)]
    return found, spans


# ---------------------------------------------------------------------------
# Phone
# ---------------------------------------------------------------------------

_PHONE_RUN = re.compile(r"(?:\+|\(\s*\+?)?\d[\d \u00a0()/.\-]*\d")
_DATE_RE = re.compile(r"\d{1,2}\.\s?\d{1,2}\.(?:\s?\d{2,4})?|\d{4}-\d{2}-\d{2}")
_TRUNK_IN_BRACKETS = re.compile(r"\(\s*0\s*\)")
_PHONE_LABEL = re.compile(
    r"(tel|telefon\w*|fon|mobil\w*|handy\w*|\w*nummer|durchwahl|erreichbar|anrufen|whatsapp)"
    r"(?:\W+(?:ist|lautet|waere|unter|am\s+besten|tagsueber))*\W*$",
    re.IGNORECASE,
)
# Numbers right after these are fax, order, customer, tax or bank numbers, never the phone
_NOT_PHONE_LABEL = re.compile(
    r"\b(fax|telefax|bestell\w*|kunden\w*|rechnungs\w*|auftrags\w*|steuer\w*|konto\w*|iban|bic|ust\w*|"
    r"vorgangs\w*|referenz\w*|artikel\w*|order\w*|ticket\w*|mitglieds\w*|plz|postleitzahl|hausnummer|"
    r"vertrags\w*|registernummer|hrb|hra)\W*(?:nr|nummer)?\W*$",
    re.IGNORECASE,
)
MIN_NATIONAL_DIGITS = 6


def _phone_of(run: str, labelled: bool) -> str | None:
    candidate = _TRUNK_IN_BRACKETS.sub(" ", run).strip(" ()")
    if _DATE_RE.fullmatch(run.strip()) or re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}.*", run.strip()):
        return None
    digits = re.sub(r"\D", "", candidate)
    if not (candidate.startswith("+") or digits.startswith("0")):
        return None  # no trunk or international prefix: a count, year, postcode or price
    if not 8 <= len(digits) <= 17:
        return None
    if run.count(".") >= 2 and not labelled:
        return None  # dotted groups without a label read like dates or amounts
    try:
        number = phonenumbers.parse(candidate, "DE")
    except phonenumbers.NumberParseException:
        return None
    if len(str(number.national_number)) < MIN_NATIONAL_DIGITS:
        return None
    if not phonenumbers.is_valid_number(number):
        if not (labelled and phonenumbers.is_possible_number(number)):
            return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phones(text: str, asked: str | None) -> tuple[list[str], list[tuple[int, int]]]:
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _PHONE_RUN.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        if _NOT_PHONE_LABEL.search(before):
            continue
        labelled = asked == "phone" or bool(_PHONE_LABEL.search(before))
        phone = _phone_of(m.group(), labelled)
        if phone:
            found.append(phone)
            spans.append(m.span())
    return found, spans


# ---------------------------------------------------------------------------
# Channel refusals ("Telefon lieber nicht", "keine Mail bitte")
# ---------------------------------------------------------------------------

_CLAUSE_END = {",", ";", ".", "!", "?", ":", "\n", "aber", "sondern", "jedoch", "oder", "nur", "lieber"}
_NEGATORS = {"kein", "keine", "keinen", "keiner", "keinem", "nicht", "nichts", "ohne", "nie", "ungern"}
# A clause with one of these is a restriction or a remark ("nicht vor 10 Uhr", "nicht zur Hand"), no refusal
_NOT_A_REFUSAL = {
    "vor", "nach", "ab", "bis", "zwischen", "uhr", "morgens", "abends", "mittags", "vormittags", "nachmittags",
    "montag", "montags", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag", "wochenende",
    "heute", "morgen", "gleich", "sofort", "jetzt", "mehr", "so", "oft", "zu", "erreichbar", "aktuell", "parat",
    "hand", "dabei", "sicher", "ob",
}
# A bare answer to the e-mail or phone question that refuses the channel
_REFUSE_BARE = ("keine angabe", "keine angaben", "nein", "nee", "noe", "keine", "kein", "keins", "habe ich nicht",
                "hab ich nicht", "lieber nicht", "moechte ich nicht", "will ich nicht", "nicht angeben",
                "brauchen sie nicht",
                "gibt es nicht", "gibts nicht", "nicht noetig", "ungern", "ohne", "-", "–", "nix")


def _is_mail_word(fold: str) -> bool:
    return "mail" in fold and not fold.startswith(("mailand", "mailing"))


def _is_phone_word(fold: str) -> bool:
    return (fold.startswith(("telefon", "handy", "mobil", "anruf", "anrufen", "ruf", "whatsapp"))
            or fold in {"tel", "nummer", "rufnummer", "anzurufen", "angerufen", "telefonisch"})


def _clauses(toks: list[_Tok]) -> list[tuple[list[_Tok], bool]]:
    """Clauses (cut at punctuation, "aber", "oder", before "nur" / "lieber"), each with "ends in '?'"."""
    out: list[tuple[list[_Tok], bool]] = []
    current: list[_Tok] = []
    for tok in toks:
        if tok.fold in _CLAUSE_END:
            if current:
                out.append((current, tok.text == "?"))
            current = [tok] if tok.fold in ("nur", "lieber") else []
        else:
            current.append(tok)
    if current:
        out.append((current, False))
    return out


def _refused_channels(toks: list[_Tok]) -> tuple[bool, bool]:
    """(no_email, no_phone) from negated channel words ("keine Anrufe") and "nur per Mail" / "nur anrufen"."""
    no_mail = no_phone = False
    for clause, question in _clauses(toks):
        folds = [t.fold for t in clause]
        if question or any(f in _NOT_A_REFUSAL for f in folds):
            continue  # "Können Sie nicht einfach anrufen?", "nicht vor 10 Uhr anrufen"
        for i, fold in enumerate(folds):
            is_mail, is_phone = _is_mail_word(fold), _is_phone_word(fold)
            if not (is_mail or is_phone):
                continue
            refused = any(f in _NEGATORS for f in folds[max(0, i - 3):i + 4])
            if folds[0] == "nur" and not refused:
                no_mail = no_mail or is_phone
                no_phone = no_phone or is_mail
            elif refused:
                no_mail = no_mail or is_mail
                no_phone = no_phone or is_phone
    return no_mail, no_phone


def _lieber_nicht(text: str) -> tuple[bool, bool]:
    """"Telefon lieber nicht", "Mail bitte nicht" (the clause splitter cuts at "lieber")."""
    folded = _fold(text)
    mail = re.search(r"\b(e-?mail|mail)\w*\s+(?:\w+\s+){0,2}(lieber|bitte)\s+nicht\b", folded)
    phone = re.search(r"\b(telefon\w*|handy\w*|anruf\w*|nummer)\s+(?:\w+\s+){0,2}(lieber|bitte)\s+nicht\b",
                      folded)
    return bool(mail), bool(phone)


# ---------------------------------------------------------------------------
# Consent
# ---------------------------------------------------------------------------

_STORAGE_WORDS = re.compile(
    r"\b(speicher\w*|gespeichert|abspeicher\w*|weitergeb\w*|weitergegeben|weiterleit\w*|weitergeleitet|"
    r"datenschutz\w*|einwillig\w*|verarbeit\w*|daten|dritte\w*|aufbewahr\w*|notier\w*|behalten)\b"
)
_CONSENT_YES = re.compile(
    r"\b(einverstanden|zustimm\w*|stimme\s+(ich\s+)?zu|in\s+ordnung|erlaubt|erlaube|akzeptier\w*|gestatte\w*|"
    r"willige\s+ein|duerfen\s+sie|darfst\s+du|koennen\s+sie|kannst\s+du|nur\s+zu|passt|geht\s+klar|okay|ok|"
    r"von\s+mir\s+aus|meinetwegen|mach\s+ruhig|machen\s+sie\s+ruhig|du\s+darfst|sie\s+duerfen|ihr\s+duerft|"
    r"duerft\s+ihr|du\s+kannst|sie\s+koennen|na\s+gut|na\s+schoen|wenn\s+es\s+sein\s+muss|wenns\s+sein\s+muss)\b"
)
_CONSENT_YES_NEGATED = re.compile(
    r"\b(nicht|kein\w*)\s+(einverstanden|zustimm\w*|erlaubt|akzeptier\w*)\b|"
    r"\b(einverstanden|stimme\s+(ich\s+)?|erlaube|akzeptiere)\s+(ich\s+)?(nicht|keine\w*)\b"
)
_CONSENT_NO = re.compile(
    r"\b(nicht\s+einverstanden|widersprech\w*|widerspruch|verweiger\w*|lehne\s+ab|lieber\s+nicht|"
    r"auf\s+keinen\s+fall|keinesfalls|nichts\s+speichern|nicht\s+speichern|nicht\s+gespeichert)\b"
)
_NOT_AGAINST = re.compile(r"\b(nicht|nichts)\s+dagegen\b|\bkeine\s+(einwaende|bedenken|probleme?)\b|"
                          r"\bkein\s+problem\b")
_QUESTION_WORDS = re.compile(
    r"^\W*(wer|wen|wem|wie|was|wo|wohin|woher|wann|warum|wieso|weshalb|wozu|welche\w*|an\s+wen|"
    r"werden|wird|wuerden|bekommt|bekommen|kann|koennen|muss|muessen|ist|sind|gibt|geben|darf|und)\b"
)
_CONDITIONAL = re.compile(r"\b(nur\s+wenn|nur\s+falls|sofern|solange|vorausgesetzt|unter\s+der\s+bedingung)\b")
_YES_IDIOM_QUESTIONS = {"warum nicht", "wieso nicht", "weshalb nicht", "klar", "ja", "na klar", "ok", "okay"}
_DATA_QUESTION = re.compile(
    r"\b(wer|wen|wem|wo|wohin|wie\s+lange|wofuer|wozu|warum|wieso|weshalb|muss|muessen|zweck|loesch\w*|"
    r"widerruf\w*)\b"
)


def _counter_question(text: str) -> bool:
    """A question about the data ("Wer bekommt die Daten?"), not "Ja. Wie geht es weiter?"."""
    for sentence in re.findall(r"[^.!?\n]*\?", text):
        folded = _fold(sentence).strip(" ?!.,")
        if folded in _YES_IDIOM_QUESTIONS:
            continue
        if _STORAGE_WORDS.search(folded) or _DATA_QUESTION.search(folded) or _QUESTION_WORDS.match(folded) \
                and len(folded.split()) <= 3:
            return True
    return False


def _clause_consent(clause: str) -> bool | None:
    if _NOT_AGAINST.search(clause):
        return True
    if _CONSENT_YES_NEGATED.search(clause) or _CONSENT_NO.search(clause):
        return False
    value = parse_yes_no(clause)
    if value is None and _CONSENT_YES.search(clause):
        return True
    return value


def _consent(text: str, asked: str | None) -> bool | None:
    """Consent from the first clause that says yes or no, checked against every clause about the data.

    Clauses about something else ("Einverstanden, aber bitte keine Werbung") do not count; a "yes" for
    storing next to a "no" for passing on is partial consent and gives ``None``.
    """
    folded = _fold(text)
    if asked != "consent" and not _STORAGE_WORDS.search(folded):
        return None
    if _counter_question(text) or _CONDITIONAL.search(folded):
        return None  # "Wer bekommt die Daten?", "nur wenn Sie nichts weitergeben"
    parts = [p.strip() for p in re.split(r"[,;.!?\n]|\baber\b|\bsondern\b|\bjedoch\b", folded) if p.strip()]
    values: set[bool] = set()
    first = True
    for part in parts:
        value = _clause_consent(part)
        if value is None:
            continue
        if first or _STORAGE_WORDS.search(part) or _CONSENT_YES.search(part) or len(part.split()) <= 2:
            values.add(value)
        first = False
    if len(values) != 1:
        return None  # nothing clear, or partial consent ("speichern ja, weitergeben nein")
    value = values.pop()
    if not value and re.search(r"\b(speicher\w*|gespeichert)\b", folded) and re.search(
        r"\b(nicht|kein\w*)\s+(an\s+)?(dritte|weiter\w*)", folded
    ) and not re.search(r"\b(nicht|nichts)\s+(\w+\s+)?(speicher\w*|gespeichert)", folded):
        return None  # "speichern, aber nicht weitergeben": partial
    return value


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_TITLES = {"frau", "herr", "herrn", "fr", "hr", "dr", "prof", "professor", "professorin", "doktor", "dipl",
           "ing", "mag", "med", "rer", "nat", "phil", "jur"}
_PARTICLES = {"von", "van", "de", "der", "den", "zu", "di", "da", "le", "la", "ten", "ter", "vom", "del", "dos"}
_STOP = set(
    """
    ich du sie er es wir ihr man mich mir dich dir uns euch ihnen sich mein meine meinen meiner dein deine
    unser unsere ihre ihren sein seine der die das den dem des ein eine einen einem einer und oder aber
    auch noch schon nur sehr ganz gar mal doch ja nein nee ne nicht nichts kein keine keinen nie hier da
    dort jetzt heute gerade gern gerne bitte danke hallo hi hey moin servus tag guten morgen abend
    gruss gruesse viele liebe beste freundlichen mfg vg lg bin ist sind war bist sein hat habe haben
    hab heisse heisst heisse name namen vorname nachname nachnamen vornamen moechte will wuerde sage sagen
    lieber anonym unsicher sicher neu zustaendig verantwortlich alles alle fuer von vom bei aus mit zu
    zum zur im in am an auf unter ueber als wie was wer wo warum weil dass ob wenn dann so also eigentlich
    firma unternehmen gmbh ag kg ug gbr ohg ev team abteilung interesse frage fragen info infos
    seminar workshop schulung beratung angebot facebook instagram linkedin xing tiktok youtube
    leider gut okay ok klar genau selbst privat mail email telefon handy nummer kontakt
    geschaeftsfuehrer geschaeftsfuehrerin inhaber inhaberin chef chefin leiter leiterin leitung
    mitarbeiter mitarbeiterin assistent assistentin assistenz referent referentin manager managerin
    berater beraterin vorstand gruender gruenderin selbststaendig freiberufler freiberuflerin
    eigentuemer eigentuemerin ansprechpartner ansprechpartnerin marketing vertrieb personal
    praktikant praktikantin azubi sekretaer sekretaerin prokurist prokuristin partner partnerin
    anfaenger anfaengerin experte expertin neuling kunde kundin mitglied vorsitzender vorsitzende
    verantwortliche zustaendige neue neuer meinung ansicht dabei wieso weshalb wozu wofuer woher wohin
    zusammen allerseits nennen nenn leute ca circa etwa ungefaehr social media online digital angabe angaben
    dafuer daran damit neugierig interessiert skeptisch begeistert
    froh fertig bereit unterwegs erreichbar hauptsaechlich eher etwas total wirklich
    """.split()
)
_NOUN_SUFFIXES = ("ung", "heit", "keit", "schaft", "erin", "ling", "ismus", "itaet", "isch", "lich", "leiter",
                  "fuehrer", "berater", "inhaber", "manager", "ierte", "ierter", "chen")
_SIGN_OFFS = re.compile(
    r"(?:^|\n|[.!,]\s*)\s*(?:viele|liebe|beste|herzliche|freundliche|schoene)?\s*(?:gruesse|gruss|grues|gruessle)"
    r"(?:\s+(?:aus|von)\s+\w+)?\s*[,!.]?\s*(?:(?:ihre?|eure?|deine?)\s+)?|"
    r"(?:^|\n|[.!]\s*)\s*(?:mfg|vg|lg|bg|mit\s+freundlichen\s+gruessen)\s*[,!.]?\s*|"
    r"(?:^|\n)\s*(?:danke|dankeschoen|vielen dank)\s*[,!.]?\s*(?=\n)|"
    r"(?:^|\n|[.!]\s*)\s*(?:bis\s+bald|bis\s+dann|bis\s+spaeter|(?:vielen\s+)?dank\w*\s+(?:im\s+voraus|vorab)|ciao|"
    r"tschuess|cheers|servus)\s*[,!.]?\s*(?:\n|,\s*|!\s*)"
)
_STRONG_NAME_LEAD = re.compile(
    r"\b(?:ich\s+heisse|ich\s+heiss|ich\s+heise|ich\s+hiess|mein\s+name\s+(?:ist|lautet|waere)|"
    r"meine?\s+name\s*(?::|ist)|name\s*:|man\s+nennt\s+mich|mein\s+nahme\s+ist|nennen\s+sie\s+mich|"
    r"vor-?\s*und\s+nachname\s*:?)"
    r"\s*[,:]?\s*"
)
_WEAK_NAME_LEAD = re.compile(
    r"\b(?:hier\s+(?:ist|spricht|schreibt)|am\s+apparat\s*(?:ist)?|(?:ich\s+)?bin\s+(?:die|der)|"
    r"kontakt\s*:|ansprechpartner\w*\s*(?::|ist|waere)|ansprechperson\s*:|mein\s+name\s+|mich\s+(?=\S+(?:\s+\S+)?\s+nennen\b)|"
    r"sie\s+sprechen\s+mit|du\s+sprichst\s+mit|sie\s+schreiben\s+mit|es\s+schreibt(?:\s+ihnen)?)"
    r"\s*[,:]?\s*"
)
_ICH_BIN = re.compile(r"\bich\s+bin\s+")
# "Ich bin Physiotherapeutin von …": endings of role nouns, checked for a lone word after "ich bin"
_ROLE_ENDINGS = ("istin", "eutin", "ektin", "antin", "entin", "orin", "urin", "erin", "frau", "mann", "kraft",
                 "ist", "ent", "eur", "ant", "tor", "oge", "ogin", "ling", "te", "ter")


def _name_word(tok: _Tok, bare: bool) -> bool:
    if not tok.is_word or (len(tok.text) < 2 and not tok.text.isupper()):
        return False
    fold = tok.fold
    if fold in _STOP or fold in _TITLES:
        return False
    if not tok.capitalised and not bare:
        return False
    return not (not bare and fold.endswith(_NOUN_SUFFIXES) and len(fold) >= 6)


def _title_case(word: str) -> str:
    if word.islower() or word.isupper():
        return "-".join(part[:1].upper() + part[1:].lower() for part in word.split("-"))
    return word


def _format_name(words: list[str]) -> str:
    out = []
    for i, word in enumerate(words):
        if _fold(word) in _PARTICLES and 0 < i < len(words) - 1:
            out.append(word.lower() if word.isupper() else word)
        else:
            out.append(_title_case(word))
    return " ".join(out)


_BUSINESS_ENDINGS = ("ei", "haus", "bau", "technik", "service", "werk", "werke", "gmbh", "handel", "studio",
                     "agentur", "kanzlei", "praxis", "hotel", "gruppe", "consulting", "immobilien", "logistik")


def _particle_name(toks: list[_Tok], i: int, bare: bool) -> int:
    """End of a "von der Leyen" part starting at particle ``i``, or 0 when it starts a company instead."""
    nxt = i + 1
    if nxt < len(toks) and toks[nxt].fold in ("der", "den") and toks[i].fold in ("von", "van", "de"):
        nxt += 1
    if nxt >= len(toks):
        return 0
    surname = toks[nxt]
    follow = toks[nxt + 1] if nxt + 1 < len(toks) else None
    ends = follow is None or not follow.is_word or follow.fold in ("und", "hier", "aus")
    if not (ends and _name_word(surname, bare) and (surname.capitalised or bare)):
        return 0
    if _legal_form_at(toks, nxt) or surname.fold.endswith(_BUSINESS_ENDINGS) or parse_departments(surname.text):
        return 0  # "die Anna von der Buchhaltung": where she works, not her name
    return nxt + 1


def _name_at(toks: list[_Tok], i: int, bare: bool, max_words: int = 4) -> tuple[list[str], int]:
    """Name words starting at token ``i`` (titles skipped); returns (words, index after the name).

    A nobility particle ("von der Leyen") belongs to the name only right after a first name without a title
    and before a last word that ends the clause; otherwise "von" starts a company ("Frau Berger von …").
    """
    titled = False
    while i < len(toks) and (toks[i].fold in _TITLES or toks[i].text == "."):
        titled = titled or toks[i].fold in _TITLES
        i += 1
    words: list[str] = []
    while i < len(toks) and len(words) < max_words:
        tok = toks[i]
        if tok.fold in _PARTICLES and tok.fold not in ("der", "den"):
            end = _particle_name(toks, i, bare) if len(words) == 1 and not titled else 0
            if not end:
                break
            words.extend(t.text for t in toks[i:end])
            i = end
            break
        if not _name_word(tok, bare) or _legal_form_at(toks, i):
            break
        words.append(tok.text)
        i += 1
    return words, i


def _comma_name(toks: list[_Tok]) -> list[str] | None:
    """"Müller, Stefan" (a bare answer): surname, first name."""
    words = [t for t in toks if t.text not in (",",)]
    if len(toks) == 3 and toks[1].text == "," and all(_name_word(t, True) for t in words):
        return [toks[2].text, toks[0].text]
    return None


def _bare_name(toks: list[_Tok]) -> list[str]:
    toks = [t for t in toks if t.text != "\n"]
    comma = _comma_name(toks)
    if comma:
        return comma
    i = 0
    skip = {"ja", "gerne", "gern", "klar", "hallo", "hi", "moin", "ok", "okay", "also", "na", "sicher",
            "natuerlich", "ich", "bin", "heisse", "mein", "name", "ist", "lautet", "die", "der", "das",
            "hier", "spricht", "vorname", "nachname", "und", "sehr", "guten", "tag", "sorry", "es"}
    while i < len(toks) and (toks[i].fold in skip or not toks[i].is_word):
        if toks[i].fold in ("bin", "ist") and i + 1 < len(toks) and toks[i + 1].fold not in skip \
                and toks[i + 1].fold not in _TITLES and not _name_word(toks[i + 1], True):
            return []  # "ich bin unsicher", "das ist geheim"
        i += 1
    words, end = _name_at(toks, i, bare=True)
    if not words or _legal_form_at(toks, end):
        return []  # nothing, or a company answered instead ("Wolf Haustechnik GmbH")
    rest = [t.fold for t in toks[end:] if t.is_word]
    if rest[:1] == ["hier"] or not rest or rest[0] in ("von", "vom", "bei", "aus", "und", "mein", "meine",
                                                        "email", "mail", "tel", "telefon", "handy",
                                                        "firma", "aus"):
        return words
    if end < len(toks) and not toks[end].is_word:
        return words
    return []


def _name(text: str, toks: list[_Tok], asked: str | None) -> str | None:
    folded, where = _fold_map(text)
    if re.search(r"\b(nicht\s+(sagen|nennen|angeben|verraten)|lieber\s+(nicht|anonym)|anonym|geheim|"
                 r"kein(en)?\s+namen?|tut\s+nichts\s+zur\s+sache|weiss\s+(ich\s+)?nicht|keine\s+ahnung)\b", folded):
        return None
    candidates: list[tuple[int, list[str]]] = []
    # A lead-in: ich heiße / mein Name ist (any case) / hier ist / ich bin die … (capitalised)
    for pattern, bare in ((_STRONG_NAME_LEAD, True), (_WEAK_NAME_LEAD, asked == "contact_name")):
        for m in pattern.finditer(folded):
            start = _tok_after(toks, where, m.end())
            if start < len(toks) and toks[start].fold in ("der", "die"):
                start += 1  # "hier ist der Sven"
            words, end = _name_at(toks, start, bare=bare)
            if pattern is _STRONG_NAME_LEAD and len(words) == 1 and end + 1 < len(toks) and toks[end].text == "," \
                    and _name_word(toks[end + 1], bare) and (end + 2 == len(toks) or not toks[end + 2].is_word):
                words = [toks[end + 1].text, words[0]]  # "Name: Petersen, Sven"
            if words:
                candidates.append((where[m.start()], words))
    # "ich bin Jan Wolf (von …)": two name words, or one followed by von / vom / bei / aus
    for m in _ICH_BIN.finditer(folded):
        i = _tok_after(toks, where, m.end())
        words, end = _name_at(toks, i, bare=False)
        follow = toks[end].fold if end < len(toks) else ""
        if end < len(toks) and toks[end].is_word and toks[end].capitalised and toks[end].fold not in _PARTICLES:
            continue  # "Ich bin Social Media Managerin"
        single = len(words) == 1 and follow in ("von", "vom", "hier", ",") \
            and not _fold(words[0]).endswith(_ROLE_ENDINGS)
        if len(words) >= 2 or single:
            candidates.append((where[m.start()], words))
    # "Jana Roth hier" at the start of a sentence
    for k, tok in enumerate(toks):
        if tok.fold == "hier" and k >= 1:
            start = k - 1
            while start > 0 and toks[start - 1].is_word and _name_word(toks[start - 1], False) and k - start < 3:
                start -= 1
            if start == 0 or toks[start - 1].text in (",", ".", "!", "\n", ":"):
                words, end = _name_at(toks, start, bare=asked == "contact_name")
                if words and end == k:
                    candidates.append((tok.start, words))
    # A signature after a sign-off ("Viele Grüße\nJana Roth")
    for m in _SIGN_OFFS.finditer(folded):
        i = _tok_after(toks, where, m.end())
        words, end = _name_at(toks, i, bare=False, max_words=3)
        after = toks[end] if end < len(toks) else None
        if words and (after is None or not after.is_word or after.fold in ("von", "vom", "aus")):
            candidates.append((where[m.start()], words))
    if candidates:
        return _format_name(max(candidates, key=lambda c: c[0])[1])
    if asked == "contact_name":
        first_segment = _first_segment(toks)
        words = _bare_name(first_segment)
        if words:
            return _format_name(words)
    return None


def _first_segment(toks: list[_Tok]) -> list[_Tok]:
    """Tokens up to the first sentence end or a comma that does not split "Nachname, Vorname"."""
    out: list[_Tok] = []
    for k, tok in enumerate(toks):
        if tok.text in (".", "!", "?", ";", "\n") and not (tok.text == "." and out and out[-1].fold in _TITLES):
            if out:
                break
            continue
        if tok.text == "," and not (len(out) == 1 and k + 1 < len(toks) and toks[k + 1].is_word
                                    and (k + 2 >= len(toks) or not toks[k + 2].is_word)):
            if out and any(t.is_word and t.fold not in ("ja", "gerne", "klar", "hallo") for t in out):
                break
            out = []
            continue
        out.append(tok)
    return out


# ---------------------------------------------------------------------------
# Companies
# ---------------------------------------------------------------------------

_LEGAL_FORMS = [
    form.split()
    for form in (
        "GmbH & Co . KGaA", "GmbH & Co . KG", "GmbH & Co KG", "GmbH & Co . OHG", "UG ( haftungsbeschränkt )",
        "UG ( haftungsbeschraenkt )", "PartG mbB", "Part GmbB", "e . V .", "e . V", "e . K .", "e . Kfm .",
        "e . Kfr .", "e . G .", "gGmbH", "GmbH", "mbH", "AG", "KGaA", "KG", "GbR", "UG", "OHG", "oHG",
        "PartG", "PartGmbB", "mbB", "eV", "eK", "eG", "SE", "Ltd .", "Ltd", "Inc .", "Inc", "LLC", "gAG",
        "Stiftung", "AöR", "KdöR",
    )
]
_LEGAL_FIRST = {form[0] for form in _LEGAL_FORMS}
_COMPANY_JOINERS = {"&", "+", "und", "-", "'", "’"}
_COMPANY_INNER = {"für", "fuer", "der", "die", "das", "am", "an", "im", "zum", "zur", "und", "von", "vom", "&",
                  "+", "-", "de", "la", "of", "the"}
_GENERIC_COMPANY = {"firma", "fa", "unternehmen", "verein", "betrieb", "organisation", "company", "arbeitgeber",
                    "firmenname", "unternehmensname"}
_COMPANY_STOP = _STOP - {"partner", "marketing", "team", "personal"} | {
    "uns", "mir", "facebook", "instagram", "kunden", "selbststaendige", "selbststaendiger", "selbstaendig",
    "selbstaendige", "freelancer", "freelancerin", "fotografin", "fotograf", "einzelunternehmer",
    "einzelunternehmerin", "solo", "soloselbststaendig", "soloselbststaendige",
}
# Weak lead-ins ("von der …", "wir sind die …") need two words, a business word or "Firma" after them:
# "Ich komme von der Uni" and "Wir sind die Größten" name no company.
_WEAK_COMPANY_LEADS = re.compile(
    r"\b(?:ich\s+bin|wir\s+sind|bin|komme|kommen|hier|schreibe|schreiben|melde\s+mich)\b[^,.;!?\n]{0,40}?"
    r"\b(?:von\s+der|von\s+dem|vom|von)\s+(?!beruf|zu\s+hause|hause|haus\s+aus|anfang|mir|uns)(?=\S)|"
    r"\bwir\s+sind\s+(?:die|der|das)\s+"
)
_STRONG_COMPANY_LEADS = re.compile(
    r"\b(?:inhaber\w*|chef\w*|geschaeftsfuehr\w*|mitarbeiter\w*)\s+(?:von\s+der|von\s+dem|vom|von|bei\s+der|bei)\s+|"
    r"\b(?:arbeite|arbeiten|taetig|angestellt|beschaeftigt|bin|sind|ist)\s+(?:\w+\s+)?(?:bei|beim)\s+(?:der|dem)?\s*|"
    r"\b(?:arbeite|arbeiten|taetig)\s+(?:\w+\s+)?fuer\s+(?:die|den|das)?\s*|"
    r"\b(?:fuer|bei|in|aus)\s+(?:unsere[nrm]?|meine[nrm]?|die|der|den|dem)\s+(?=firma|kanzlei|praxis|agentur|"
    r"unternehmen|betrieb|verein|hotel|weingut|baeckerei|autohaus|gmbh|gruppe|werkstatt|studio|klinik|"
    r"stiftung|schule|restaurant|apotheke|buero|manufaktur|brauerei|laden|shop)|"
    r"\b(?:unsere|meine|die)\s+(?:firma|unternehmen|kanzlei|praxis|agentur)\s+(?:heisst|ist|nennt\s+sich)\s+|"
    r"\b(?:firma|unternehmen|firmenname|arbeitgeber)\s*(?::|ist|heisst|lautet)\s*|"
    r"\b(?:bei\s+der|bei\s+dem|von\s+der)\s+(?=firma)|"
    r"\bfirma\s+|\bfa\s*\.\s*"
)
_SELF_EMPLOYED = re.compile(r"\b(selbst?staendig\w*|freiberuf\w*|freelancer\w*|solo\w*|einzelunternehme\w*)\b")
_AFTER_BARE_NAME = re.compile(r"^\W*(?:[^\W\d_]+[\s.]+){1,3}?(?:von\s+der|von\s+dem|vom|von|bei\s+der|bei)\s+")
_PRIVATE = re.compile(
    r"^\W*(privat|privatperson|keine?|keins|nein|ohne|-|–|nix|gibt\s+es\s+nicht|gibt\s+keine|"
    r"keine\s+firma|kein\s+unternehmen|habe\s+keine(\s+firma)?|hab\s+keine(\s+firma)?|ich\s+frage\s+privat\s+an|"
    r"frage\s+privat\s+an|als\s+privatperson|nur\s+privat|rein\s+privat|ich\s+bin\s+privat\w*|"
    r"(ich\s+bin\s+)?privat\s+hier|ich\s+habe\s+keine\s+firma)\W*$"
)


_LOWER_CASE_FORMS = {"gmbh", "ggmbh", "gbr", "ohg", "mbb", "partg", "kgaa"}


_UNKNOWN_OR_REFUSED = re.compile(
    r"\b(weiss\s+(ich\s+)?(nicht|net)|keine\s+ahnung|nicht\s+(sagen|nennen|angeben|verraten)|geheim|"
    r"lieber\s+nicht|tut\s+nichts\s+zur\s+sache)\b"
)


def _legal_form_at(toks: list[_Tok], i: int) -> int:
    """Length (in tokens) of the legal form starting at ``i``, 0 if none (unambiguous ones in any case)."""
    if i >= len(toks):
        return 0
    if toks[i].text not in _LEGAL_FIRST:
        return 1 if toks[i].fold in _LOWER_CASE_FORMS else 0
    best = 0
    for form in _LEGAL_FORMS:
        if len(form) > best and [t.text for t in toks[i:i + len(form)]] == form:
            best = len(form)
    if best == 1 and toks[i].text in ("Stiftung", "SE", "AG") and i == 0:
        return 0
    return best


def _company_word(tok: _Tok, bare: bool) -> bool:
    if tok.text in _COMPANY_JOINERS:
        return True
    if tok.text[:1].isdigit():
        return True
    if not tok.is_word:
        return False
    if tok.fold in _COMPANY_STOP and not tok.text.isupper():
        return False
    return tok.capitalised or tok.text.isupper() or bare


def _join(text: str, toks: list[_Tok]) -> str:
    out = text[toks[0].start:toks[-1].end]
    out = re.sub(r"\s+", " ", out).strip(" -–,")
    return out


def _company_after(text: str, toks: list[_Tok], i: int, bare: bool) -> str | None:
    """The company starting at token ``i`` (generic words such as "Firma" dropped)."""
    while i < len(toks) and (toks[i].fold in _GENERIC_COMPANY | {"der", "die", "das", "dem", ":"}
                             or toks[i].text == "." and i > 0 and toks[i - 1].fold == "fa"):
        i += 1
    span: list[_Tok] = []
    k = i
    while k < len(toks):
        tok = toks[k]
        form = _legal_form_at(toks, k)
        if form and span:
            span.extend(toks[k:k + form])
            break
        if tok.text == "." and span and (span[-1].text.isupper() or span[-1].fold in _TITLES) \
                and len(span[-1].text) <= 4:
            span.append(tok)  # "Dr. Oetker"
            k += 1
            continue
        if tok.fold in _COMPANY_INNER and span and k + 1 < len(toks) and _company_word(toks[k + 1], False) \
                and toks[k + 1].text not in _COMPANY_JOINERS:
            span.append(tok)
            k += 1
            continue
        if not _company_word(tok, bare) or (tok.text in _COMPANY_JOINERS and not span):
            break
        if tok.is_word and tok.fold in ("und",) and not span:
            break
        span.append(tok)
        k += 1
        if len(span) > 8:
            break
    while span and (span[-1].text in _COMPANY_JOINERS or span[-1].fold in _COMPANY_INNER):
        span.pop()
    if not span:
        return None
    return _join(text, span)


def _companies_with_forms(text: str, toks: list[_Tok]) -> list[tuple[int, str]]:
    found = []
    k = 0
    while k < len(toks):
        form = _legal_form_at(toks, k)
        if not form or k == 0:
            k += 1
            continue
        start = k
        while start > 0:
            prev = toks[start - 1]
            if prev.fold in _GENERIC_COMPANY or prev.text in ("\n", ",", ".", ":", "!", "?"):
                break
            if prev.text in _COMPANY_JOINERS or prev.text[:1].isdigit():
                start -= 1
                continue
            cased = prev.capitalised or prev.text.isupper() or toks[k].text.islower()
            if prev.is_word and cased and prev.fold not in _COMPANY_STOP:
                start -= 1
                continue
            if prev.fold in ("fuer", "für", "der", "am", "im", "zur", "zum") and start - 2 >= 0 \
                    and toks[start - 2].capitalised and toks[start - 2].fold not in _COMPANY_STOP \
                    and start - 2 > 0 and toks[start - 3].fold not in ("von", "bei", "vom", "sind", "bin"):
                start -= 1
                continue
            break
        while start < k and toks[start].text in _COMPANY_JOINERS:
            start += 1
        if start < k:
            found.append((toks[start].start, _join(text, toks[start:k + form])))
        k += form
    return found


def _company(text: str, toks: list[_Tok], asked: str | None) -> str | None:
    folded, where = _fold_map(text)
    if asked == "company" and _PRIVATE.match(folded):
        return NO_COMPANY
    if asked == "company" and re.search(r"\b(keine\s+(\w+\s+)?firma|kein\s+(\w+\s+)?unternehmen|privat|"
                                        r"privatperson)\b", folded) and not _companies_with_forms(text, toks):
        return NO_COMPANY
    if asked == "company" and _UNKNOWN_OR_REFUSED.search(folded):
        return None
    candidates = _companies_with_forms(text, toks)
    leads = [_STRONG_COMPANY_LEADS, _WEAK_COMPANY_LEADS]
    if asked == "contact_name":
        leads.append(_AFTER_BARE_NAME)  # "Stefan Müller von Müller & Söhne"
    for pattern in leads:
        for m in pattern.finditer(folded):
            i = _tok_after(toks, where, m.end())
            name = _company_after(text, toks, i, bare=False)
            if not name or _not_a_company(name):
                continue
            generic = i < len(toks) and toks[i].fold in _GENERIC_COMPANY
            if pattern is _WEAK_COMPANY_LEADS and not generic and " " not in name \
                    and not _fold(name).endswith(_BUSINESS_ENDINGS):
                continue
            candidates.append((where[m.start()], name))
    if candidates:
        best = max(candidates, key=lambda c: (c[0], len(c[1])))[1]
        return _prefer_longest_same_start(candidates, best)
    if asked == "company" and not _COUNT_WORDS.search(folded):
        segment = _company_segment(toks)
        if segment:
            return _company_after(text, segment, 0, bare=True)
        if _SELF_EMPLOYED.search(folded):
            return NO_COMPANY  # "Ich bin selbstständige Fotografin": no company name to take
    return None


def _prefer_longest_same_start(candidates: list[tuple[int, str]], best: str) -> str:
    last_start = max(c[0] for c in candidates)
    same = [c[1] for c in candidates if c[0] >= last_start - 12 and best in c[1]]
    return max(same, key=len) if same else best


_COUNT_WORDS = re.compile(
    r"(\d|\b(?:ca|circa|etwa|zwei|drei|vier|fuenf|sechs|sieben|acht|neun|zehn|elf|zwoelf|zwanzig|dreissig|"
    r"vierzig|fuenfzig|hundert))\W*\s*(personen|leute|mitarbeit\w*|teilnehm\w*|kolleg\w*|menschen|euro|eur|"
    r"uhr|jahre?n?)\b"
)


_BUSINESS_KINDS = ("kanzlei", "praxis", "betrieb", "buero", "agentur", "salon", "laden", "werkstatt", "firma",
                   "unternehmen", "verein", "klinik", "apotheke", "hotel", "pension", "restaurant", "gaststaette",
                   "kita", "kindergarten", "pflegedienst", "weingut", "schule", "startup", "mittelstaendler",
                   "autohaus", "handwerksbetrieb", "familienbetrieb")
"""What kind of business it is; alone ("für unsere Kanzlei", "in der Praxis") it names none."""


def _generic_business(folded: str) -> bool:
    """"Kanzlei", "Praxis": one word saying the kind of business, not its name ("Stadtbäckerei" may be one)."""
    return folded in _BUSINESS_KINDS


def _not_a_company(name: str) -> bool:
    """A lead-in such as "von" followed by a time, a count or a platform is no company, nor is a bare kind of
    business ("unsere Kanzlei")."""
    folded = _fold(name)
    if name[:1].isdigit() or _COUNT_WORDS.search(folded):
        return True
    if _generic_business(folded):
        return True
    if len(folded.split()) <= 2 and parse_departments(name) and not folded.endswith(_BUSINESS_ENDINGS):
        return True  # "die Chefin vom Marketing": a department, not a company
    return folded in {"montag", "dienstag", "mittwoch", "donnerstag", "freitag", "anfang", "ende",
                           "zuhause", "zu hause", "haus", "home", "facebook", "instagram", "linkedin"}


_CORRECTION_WORDS = {"offiziell", "korrekt", "genauer", "eigentlich", "bzw", "beziehungsweise", "sorry",
                     "ach", "nein", "moment", "pardon", "quatsch", "richtig", "vollstaendig", "ausgeschrieben"}
_COMPANY_ANSWER_LEAD = {
    "ja", "gerne", "gern", "klar", "das", "ist", "die", "der", "wir", "sind", "heissen", "ich", "arbeite", "bei",
    "fuer", "firma", "unternehmen", "name", "gesagt", "also", "heisst", "unsere", "meine", "es", "ok", "okay",
    "natuerlich", "sicher", "hallo", "bin", "von", "vom", "lautet", "firmenname", "mein", "meiner", "unser",
    "nennt", "sich", "dem", "den", "waere", "waeren", "hm", "aehm",
}


def _company_segment(toks: list[_Tok]) -> list[_Tok]:
    """A bare company answer: after a correction ("X – offiziell Y") the last part, up to its first comma."""
    parts: list[list[_Tok]] = [[]]
    for tok in toks:
        if tok.text in (";", "\n", "!", "?") or tok.fold in _CORRECTION_WORDS:
            parts.append([])
        else:
            parts[-1].append(tok)
    for part in reversed(parts):
        seg: list[_Tok] = []
        for tok in part:
            if tok.text in (",", ":", "-", ".") and not seg:
                continue
            if tok.text == "," or (tok.text == "." and not (seg and len(seg[-1].text) <= 3)):
                break
            if not seg and tok.fold in _COMPANY_ANSWER_LEAD:
                continue
            seg.append(tok)
        if any(t.is_word and t.fold not in _COMPANY_STOP for t in seg):
            return seg
    return []


# ---------------------------------------------------------------------------
# The entry point
# ---------------------------------------------------------------------------


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for k in range(start, end):
            if chars[k] != "\n":
                chars[k] = " "
    return "".join(chars)


def _bare_refusal(text: str) -> bool:
    folded = _fold(text).strip(" .!")
    folded = re.sub(r"^(nein|ne|nee|noe|sorry|leider|danke)\W+", "", folded).strip(" .!")
    return folded in _REFUSE_BARE or bool(
        re.fullmatch(r"(nein|nee|noe|leider nicht|lieber nicht|keine?|kein[e]? (mail|e-?mail|nummer|telefon\w*|"
                     r"handy\w*)|(moechte|will|wuerde) ich (lieber )?nicht( angeben| sagen| nennen)?|"
                     r"(habe|hab) ich nicht|(habe|hab) (ich )?kein\w*( \w+)?|nicht (noetig|notwendig)|"
                     r"brauchen sie nicht|lieber nicht angeben|(moechte|will) (ich )?(die|meine) \w+ "
                     r"nicht (angeben|sagen|nennen|rausgeben))\W*(danke|bitte)?\W*", folded)
    )


def read_contact(text: str, asked: str | None = None) -> dict[str, object]:
    """Contact facts this message clearly states (see the module docstring for every key).

    ``asked`` is the field whose question was just asked ("contact_name", "company", "email", "phone",
    "consent"), another criterion name, "opening" or None; it only widens what counts as an answer
    (a bare name, a bare company, a bare "nein" for a channel, a yes/no for consent).
    """
    value = _prepare(text)
    if not value.strip():
        return {}
    facts: dict[str, object] = {}
    emails, email_spans = _emails(value)
    if emails:
        facts["email"] = emails[-1]
    rest = _blank(value, email_spans)
    phones, phone_spans = _phones(rest, asked)
    if phones:
        facts["phone"] = phones[-1]
    rest = _blank(rest, phone_spans)
    toks = _tokens(rest)

    no_mail, no_phone = _refused_channels(toks)
    later_mail, later_phone = _lieber_nicht(rest)
    no_mail, no_phone = no_mail or later_mail, no_phone or later_phone
    if asked == "email" and not emails and _bare_refusal(rest):
        no_mail = True
    if asked == "phone" and not phones and _bare_refusal(rest):
        no_phone = True
    if no_mail and not emails:
        facts["no_email"] = True
    if no_phone and not phones:
        facts["no_phone"] = True

    consent = _consent(rest, asked)
    if consent is not None:
        facts["consent"] = consent
    if asked not in ("email", "phone", "consent") or _has_lead_in(rest):
        name = _name(rest, toks, asked)
        if name:
            facts["contact_name"] = name
        company = _company(rest, toks, asked)
        if company and _fold(company) not in _fold(str(facts.get("contact_name", ""))):
            facts["company"] = company
    return facts


def _has_lead_in(text: str) -> bool:
    """While e-mail, phone or consent is asked, a name or company is read only after a lead-in."""
    folded = _fold(text)
    return bool(re.search(r"\b(heisse|name|hier ist|ich bin|firma|gmbh|wir sind|gruesse|gruss)\b", folded))
