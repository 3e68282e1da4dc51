"""Table-driven tests of the contact-data validation (leads/validation.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from leads.errors import ConsentInvalid
from leads.validation import check_consent_time, clean_text, clean_value, normalize_phone, validate_email

EMAILS = [
    # (input, expected)
    ("max.muster@firma.de", "max.muster@firma.de"),
    ("  max.muster@firma.de  ", "max.muster@firma.de"),
    ("Max.Muster@FIRMA.DE", "Max.Muster@firma.de"),  # domain lower-cased, local part kept
    ("info@müller.de", "info@müller.de"),
    ("info@MÜLLER.DE", "info@müller.de"),
    ("info@xn--mller-kva.de", "info@müller.de"),
    ("kontakt@bäckerei-schmidt.at", "kontakt@bäckerei-schmidt.at"),
    ("a+tag@sub.domain.ch", "a+tag@sub.domain.ch"),
    ("o'brien@example.co.uk", "o'brien@example.co.uk"),
    ("max@firma.de.", "max@firma.de"),  # end of a chat sentence
    ("<max@firma.de>", "max@firma.de"),
    ("mailto:max@firma.de", "max@firma.de"),
    ("jörg@firma.de", "jörg@firma.de"),
    ("x@firma.museum", "x@firma.museum"),
    # rejected
    ("max.muster", None),
    ("max.muster@firma", None),  # no TLD
    ("@firma.de", None),
    ("max@", None),
    ("max muster@firma.de", None),
    ("max@fir ma.de", None),
    ("max@@firma.de", None),
    ("max@firma@de.de", None),
    (".max@firma.de", None),
    ("max.@firma.de", None),
    ("max..muster@firma.de", None),
    ("max@-firma.de", None),
    ("max@firma.d", None),
    ("max@firma.123", None),
    ("max@[127.0.0.1]", None),
    ("max@firma..de", None),
    ("<script>@firma.de", None),
    ("a" * 65 + "@firma.de", None),  # local part > 64
    ("a" * 60 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + ".de", None),  # > 254
    ("", None),
    ("   ", None),
    (None, None),
    (42, None),
    ("keine", None),
]


@pytest.mark.parametrize(("text", "expected"), EMAILS)
def test_validate_email(text, expected):
    assert validate_email(text) == expected


def test_validate_email_length_limit_is_254():
    local = "a" * 64
    domain = ".".join(["b" * 60, "c" * 60, "d" * 60, "eee"]) + ".de"  # 189 characters
    assert len(f"{local}@{domain}") == 254
    assert validate_email(f"{local}@{domain}") == f"{local}@{domain}"
    assert validate_email(f"{local}@e{domain}") is None  # 255


PHONES = [
    ("0171 1234567", "+491711234567"),
    ("+49 (0)30 123456", "+4930123456"),
    ("0049 30 123456", "+4930123456"),
    ("030/123456", "+4930123456"),
    ("(030) 123 456-78", "+493012345678"),
    ("+49 171 1234567", "+491711234567"),
    ("0049 (0)171 1234567", "+491711234567"),
    ("+491711234567", "+491711234567"),
    ("Tel.: 0171 1234567", "+491711234567"),
    ("Mobil 0171-1234567", "+491711234567"),
    ("030.123456", "+4930123456"),
    ("+43 1 5123456", "+4315123456"),  # Vienna
    ("0043 664 1234567", "+436641234567"),  # Austrian mobile
    ("+41 44 668 18 00", "+41446681800"),  # Zurich
    ("0041 79 123 45 67", "+41791234567"),  # Swiss mobile
    ("0664 1234567", "+496641234567"),  # read as a German number by default
    ("+1 202 555 0143", "+12025550143"),
    ("  0171 1234567  ", "+491711234567"),
    # rejected
    ("keine", None),
    ("nein", None),
    ("123", None),
    ("12345", None),
    ("0171 ABC", None),
    ("+49 171 1234567 +49", None),
    ("171+1234567", None),
    ("1" * 45, None),
    ("", None),
    (None, None),
    ("0171 1234567; DROP TABLE leads", None),
]


@pytest.mark.parametrize(("text", "expected"), PHONES)
def test_normalize_phone(text, expected):
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("01 5123456", "AT", "+4315123456"),
        ("0664 1234567", "AT", "+436641234567"),
        ("044 668 18 00", "CH", "+41446681800"),
        ("030 123456", "DE", "+4930123456"),
    ],
)
def test_normalize_phone_default_region(text, region, expected):
    assert normalize_phone(text, default_region=region) == expected


CLEAN = [
    # (input, max_len, expected)
    ("  Erika Mustermann ", 200, "Erika Mustermann"),
    ("Max\nMuster", 200, "Max Muster"),
    ("Max\x00Muster\x07", 200, "MaxMuster"),
    ("Muster\tGmbH", 200, "Muster GmbH"),
    ("Jürgen 😀", 200, "Jürgen 😀"),
    ("👩‍👩‍👧 Familie", 200, "👩‍👩‍👧 Familie"),  # ZWJ sequence kept
    ("محمد عبد الله", 200, "محمد عبد الله"),  # Arabic (RTL)
    ("שרה כהן", 200, "שרה כהן"),  # Hebrew (RTL)
    ("<script>alert(1)</script>", 200, "<script>alert(1)</script>"),
    ("Robert'); DROP TABLE leads;--", 200, "Robert'); DROP TABLE leads;--"),
    ("e\u0301", 200, "é"),  # NFC
    ("abcdef", 3, "abc"),
    ("a" * 10_000, None, "a" * 10_000),
    ("", 200, None),
    ("   \n\t ", 200, None),
    ("\x00\x01", 200, None),
    # terminal escape sequences go as a whole (no "[31m" remnant), so do bidi overrides
    ("\x1b[31mMallory\x1b[0m", 200, "Mallory"),
    ("\x1b[1;31;40mRot\x1b[K", 200, "Rot"),
    ("\x1b]0;gehackt\x07Max", 200, "Max"),
    ("\x9b2JMax", 200, "Max"),
    ("Max\x1b", 200, "Max"),
    ("Anna \u202eGmbH", 200, "Anna GmbH"),
    ("Müller 🚀\u200d", 200, "Müller 🚀\u200d"),
    (None, 200, None),
    (123, 200, None),
]


@pytest.mark.parametrize(("text", "max_len", "expected"), CLEAN)
def test_clean_text(text, max_len, expected):
    assert clean_text(text, max_len) == expected


def test_clean_text_default_max_len():
    assert clean_text("x" * 500) == "x" * 200


NOW = dt.datetime(2026, 12, 3, 12, 0, tzinfo=dt.timezone.utc)
STARTED = NOW - dt.timedelta(minutes=20)


@pytest.mark.parametrize("consent_at", [STARTED, STARTED + dt.timedelta(minutes=5), NOW,
                                        NOW + dt.timedelta(seconds=30)])
def test_a_consent_within_the_conversation_counts(consent_at):
    assert check_consent_time(consent_at, STARTED, NOW) == consent_at


@pytest.mark.parametrize("consent_at, started", [
    (dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc), STARTED),  # in the future
    (NOW + dt.timedelta(minutes=10), STARTED),
    (dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc), STARTED),  # before the conversation
    (STARTED - dt.timedelta(minutes=10), STARTED),
    (NOW, None),  # the conversation's start is unknown: cannot be checked
], ids=["2030", "in-ten-minutes", "2020", "before-start", "no-start"])
def test_an_impossible_consent_time_is_refused(consent_at, started):
    with pytest.raises(ConsentInvalid):
        check_consent_time(consent_at, started, NOW)
    assert issubclass(ConsentInvalid, ValueError)  # a LeadRejected: retrying does not help


def test_clean_value_cleans_every_string_inside():
    value = {"text": "\x1b[31mWas kostet das?", "topics": ["price\x07"], "n": 3, "none": None}
    assert clean_value(value) == {"text": "Was kostet das?", "topics": ["price"], "n": 3, "none": None}
