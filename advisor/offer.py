"""The consultant's offer (``offer.yml``): a small typed loader with field-named errors, and which offer topic
a typed question is about. Pure Python (no Rasa import); the German answers are built in actions/texts.py.

``load_offer(path)`` raises :class:`OfferError` naming the field (``formats.workshop.price.from: ...``).
The action server checks the file when it starts (rasa_sdk_plugins) and does not start with a broken one;
``current_offer(path)`` re-reads the file when it changed and keeps the last valid version if an edit
breaks it while the server runs.
"""
from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from advisor.german.text import normalize

logger = logging.getLogger(__name__)

FORMAT_KEYS = ("open_seminar", "in_house_seminar", "workshop")
DELIVERY_VALUES = ("on_site", "online")


class OfferError(ValueError):
    """The offer file is missing, unreadable or a field is wrong; ``field`` names it (dotted path)."""

    def __init__(self, field: str, problem: str, path: Path | str | None = None) -> None:
        self.field = field
        self.problem = problem
        self.path = str(path) if path else None
        where = f"{self.path}: " if self.path else ""
        super().__init__(f"{where}{field}: {problem}")


@dataclass(frozen=True)
class Price:
    amount_from: int
    amount_to: int | None
    unit: str


@dataclass(frozen=True)
class SeminarDate:
    date: dt.date
    place: str


@dataclass(frozen=True)
class OfferFormat:
    key: str
    name: str
    duration: str
    delivery: tuple[str, ...]
    place: str
    in_house: bool
    price: Price
    dates: tuple[SeminarDate, ...] = ()

    @property
    def online(self) -> bool:
        return "online" in self.delivery

    @property
    def on_site(self) -> bool:
        return "on_site" in self.delivery

    def upcoming_dates(self, today: dt.date | None = None) -> list[SeminarDate]:
        """Dates from today on, earliest first (past dates are ignored)."""
        today = today or dt.date.today()
        return sorted((d for d in self.dates if d.date >= today), key=lambda d: d.date)


@dataclass(frozen=True)
class Consultant:
    name: str
    company: str
    email: str
    phone: str


@dataclass(frozen=True)
class Offer:
    consultant: Consultant
    first_call_free: bool
    first_call_minutes: int | None
    region: str
    funding: str
    formats: dict[str, OfferFormat]

    def format(self, key: str) -> OfferFormat:
        return self.formats[key]


# -- loading -----------------------------------------------------------------------------------------------

def _mapping(value: Any, field: str) -> dict:
    if not isinstance(value, dict):
        raise OfferError(field, f"expected a section with fields, got {type(value).__name__}")
    return value


def _text(section: dict, key: str, field: str, *, required: bool = True) -> str:
    value = section.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise OfferError(f"{field}.{key}" if field else key, "missing (a text is required)")
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise OfferError(f"{field}.{key}" if field else key, f"expected a text, got {type(value).__name__}")
    return str(value).strip()


def _bool(section: dict, key: str, field: str) -> bool:
    value = section.get(key)
    if not isinstance(value, bool):
        raise OfferError(f"{field}.{key}", f"expected true or false, got {value!r}")
    return value


def _amount(value: Any, field: str, *, required: bool) -> int | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise OfferError(field, f"expected a whole amount in euros greater than 0, got {value!r}")
    return value


def _date(value: Any, field: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise OfferError(field, f"expected a date as YYYY-MM-DD, got {value!r}")


def _format(key: str, raw: Any) -> OfferFormat:
    field = f"formats.{key}"
    section = _mapping(raw, field)
    delivery = section.get("delivery")
    if isinstance(delivery, str):
        delivery = [delivery]
    if not isinstance(delivery, list) or not delivery:
        raise OfferError(f"{field}.delivery", "expected a list of on_site and/or online")
    for value in delivery:
        if value not in DELIVERY_VALUES:
            raise OfferError(f"{field}.delivery", f"unknown value {value!r} (allowed: on_site, online)")
    price_raw = _mapping(section.get("price"), f"{field}.price")
    amount_from = _amount(price_raw.get("from"), f"{field}.price.from", required=True)
    amount_to = _amount(price_raw.get("to"), f"{field}.price.to", required=False)
    if amount_to is not None and amount_from is not None and amount_to < amount_from:
        raise OfferError(f"{field}.price.to", f"{amount_to} is below price.from {amount_from}")
    price = Price(amount_from=amount_from or 0, amount_to=amount_to,
                  unit=_text(price_raw, "unit", f"{field}.price"))
    dates_raw = section.get("dates") or []
    if not isinstance(dates_raw, list):
        raise OfferError(f"{field}.dates", "expected a list of dates")
    dates = []
    for i, item in enumerate(dates_raw):
        item_field = f"{field}.dates[{i}]"
        if isinstance(item, dict):
            dates.append(SeminarDate(_date(item.get("date"), f"{item_field}.date"),
                                     _text(item, "place", item_field, required=False)))
        else:
            dates.append(SeminarDate(_date(item, item_field), ""))
    return OfferFormat(
        key=key,
        name=_text(section, "name", field),
        duration=_text(section, "duration", field),
        delivery=tuple(delivery),
        place=_text(section, "place", field),
        in_house=_bool(section, "in_house", field),
        price=price,
        dates=tuple(dates),
    )


def parse_offer(raw: Any) -> Offer:
    """The typed offer from the parsed YAML; :class:`OfferError` names the first wrong field."""
    root = _mapping(raw, "(file)")
    consultant_raw = _mapping(root.get("consultant"), "consultant")
    consultant = Consultant(
        name=_text(consultant_raw, "name", "consultant"),
        company=_text(consultant_raw, "company", "consultant", required=False),
        email=_text(consultant_raw, "email", "consultant"),
        phone=_text(consultant_raw, "phone", "consultant", required=False),
    )
    if "@" not in consultant.email:
        raise OfferError("consultant.email", f"not an e-mail address: {consultant.email!r}")
    first_call = _mapping(root.get("first_call"), "first_call")
    minutes = first_call.get("minutes")
    if minutes is not None:
        minutes = _amount(minutes, "first_call.minutes", required=True)
    formats_raw = _mapping(root.get("formats"), "formats")
    unknown = sorted(set(formats_raw) - set(FORMAT_KEYS))
    if unknown:
        raise OfferError(f"formats.{unknown[0]}", f"unknown format (allowed: {', '.join(FORMAT_KEYS)})")
    formats = {}
    for key in FORMAT_KEYS:
        if key not in formats_raw:
            raise OfferError(f"formats.{key}", "missing (every format needs its section)")
        formats[key] = _format(key, formats_raw[key])
    return Offer(
        consultant=consultant,
        first_call_free=_bool(first_call, "free", "first_call"),
        first_call_minutes=minutes,
        region=_text(root, "region", ""),
        funding=_text(root, "funding", ""),
        formats=formats,
    )


def load_offer(path: Path | str) -> Offer:
    """Read and validate the offer file; :class:`OfferError` (with the path) when it is missing or wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise OfferError("(file)", f"cannot be read ({exc.strerror or exc})", path) from exc
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise OfferError("(file)", f"is no valid YAML{where}", path) from exc
    try:
        return parse_offer(raw)
    except OfferError as exc:
        raise OfferError(exc.field, exc.problem, path) from None


_cache_lock = threading.Lock()
_cache: dict[str, tuple[float, Offer]] = {}


def current_offer(path: Path | str) -> Offer:
    """The offer, re-read when the file changed. A broken edit while running keeps the last valid version
    (logged); with no valid version yet the :class:`OfferError` is raised."""
    key = str(Path(path).resolve())
    try:
        mtime = Path(key).stat().st_mtime
    except OSError:
        mtime = -1.0
    with _cache_lock:
        cached = _cache.get(key)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            offer = load_offer(key)
        except OfferError:
            if cached:
                logger.exception("offer file changed and is invalid; keeping the last valid version")
                return cached[1]
            raise
        _cache[key] = (mtime, offer)
        return offer


# -- which offer topic a question is about ------------------------------------------------------------------

TOPICS = ("price", "first_call", "funding", "dates", "duration", "online", "place", "in_house")

# folded spellings (normalize: lower case, ä->ae, ß->ss), matched as word prefixes
_TOPIC_WORDS: dict[str, tuple[str, ...]] = {
    "first_call": ("erstgespraech", "erstberatung", "kennenlern", "kostenlos", "gratis", "umsonst", "unverbindlich"),
    "funding": ("foerder", "zuschuss", "zuschuesse", "bezuschuss", "bildungsscheck", "bildungsgutschein",
                "bildungspraemie"),
    "price": ("kost", "preis", "teuer", "honorar", "tagessatz", "gebuehr", "budget", "zahlen", "bezahl",
              "euro", "guenstig", "rabatt"),
    "dates": ("termin", "wann", "datum", "naechste", "zeitraum", "uhrzeit", "wochenende", "startet", "beginnt"),
    "duration": ("dauer", "dauert", "lange", "stunden", "halbtag", "ganztag", "tage", "tag"),
    "online": ("online", "zoom", "teams", "webinar", "virtuell", "remote", "videokonferenz", "video",
               "praesenz"),
    "place": ("wo", "ort", "stadt", "region", "raum", "kommen", "anreise", "bundesland", "bayern", "hamburg",
              "berlin", "muenchen", "oesterreich", "schweiz", "nrw", "bundesweit", "deutschlandweit"),
    "in_house": ("inhouse", "firmenintern", "exklusiv", "geschlossen", "haus", "raeumen",
                 "massgeschneidert", "individuell"),
}


# stems that count only as whole words ("tage" is no "Tagessatz", "wo" no "Woche")
_WHOLE_WORDS = frozenset({"wo", "ort", "tag", "tage", "haus", "wann", "lange", "teams", "video", "euro", "raum",
                          "nrw", "kommen", "zahlen"})


def _words(text: str) -> list[str]:
    folded = normalize(text)
    return [w for w in "".join(c if c.isalnum() else " " for c in folded).split() if w]


def question_topics(text: str) -> list[str]:
    """Every offer topic the question mentions, in :data:`TOPICS` order (may be empty)."""
    words = _words(text)
    found = []
    for topic in TOPICS:
        for stem in _TOPIC_WORDS[topic]:
            exact = stem in _WHOLE_WORDS
            if any(w == stem or (not exact and w.startswith(stem)) for w in words):
                found.append(topic)
                break
    # "kostenlos" is about the first call, not a price question of its own
    if "first_call" in found and "price" in found and not any(w.startswith(("preis", "teuer", "honorar"))
                                                             for w in words):
        found.remove("price")
    return found


def format_mentioned(text: str) -> str | None:
    """Which of the consultant's formats the question names, if any (None: not said)."""
    words = _words(text)
    joined = " ".join(words)
    if "inhouse" in joined or "firmenintern" in joined or "intern" in words:
        return "workshop" if any(w.startswith("workshop") for w in words) else "in_house_seminar"
    if any(w.startswith("workshop") for w in words):
        return "workshop"
    if any(w.startswith(("seminar", "schulung", "webinar", "kurs")) for w in words):
        return "open_seminar"
    return None
