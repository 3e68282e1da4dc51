"""Every German text the Rasa server's own channel code sends (the dialogue's texts live in domain/ and
actions/texts.py; this process must not import ``actions``)."""
from __future__ import annotations


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # German thousands separator: 2.000


def message_too_long(max_chars: int) -> str:
    """The answer to a message longer than MAX_MESSAGE_CHARS (it is not processed)."""
    return (
        f"Ihre Nachricht ist leider zu lang für mich – ich kann höchstens {_number(max_chars)} Zeichen auf "
        "einmal lesen. Bitte fassen Sie Ihr Anliegen kurz zusammen, gern auch in mehreren Nachrichten."
    )


def request_too_large(max_bytes: int) -> str:
    """The error text of a request body larger than MAX_REQUEST_BYTES (HTTP 413)."""
    return (
        f"Ihre Nachricht ist leider zu groß (höchstens {_number(max_bytes // 1024)} KB). Bitte fassen Sie Ihr "
        "Anliegen kurz zusammen."
    )


#: the answer to a message over the rate limit (per conversation or per client address; not processed)
RATE_LIMITED = ("Einen Moment bitte – so schnell komme ich nicht hinterher. Bitte warten Sie kurz und schreiben "
                "Sie dann weiter.")

#: the JSON error of a REST message without a valid session token (HTTP 401)
INVALID_SESSION = ("Diese Sitzung kenne ich nicht. Bitte holen Sie mit POST /webhooks/rest/session eine neue und "
                   "senden Sie sie als \"sender\".")

#: the JSON error of a request from a page the assistant does not serve (HTTP 403)
ORIGIN_NOT_ALLOWED = "Diese Seite darf den Chat nicht verwenden."

#: the JSON error of a request for a host name this server does not serve (HTTP 421, DNS rebinding)
HOST_NOT_ALLOWED = "Diese Adresse bedient der Assistent nicht."

#: the JSON error of a REST request that is not JSON (HTTP 415)
JSON_REQUIRED = "Bitte senden Sie die Anfrage als JSON (Content-Type: application/json)."

#: error code of a malformed REST request (HTTP 400) -> its German explanation
MALFORMED_REQUEST = {
    "invalid_json": "Die Anfrage ist kein gültiges JSON.",
    "invalid_body": "Die Anfrage muss ein JSON-Objekt mit \"sender\" und \"message\" sein.",
    "invalid_sender": "Das Feld \"sender\" fehlt oder ist kein Text.",
    "invalid_message": "Das Feld \"message\" fehlt oder ist kein Text.",
    "invalid_metadata": "Das Feld \"metadata\" muss ein JSON-Objekt sein.",
}


def action_server_unavailable(name: str, email: str, phone: str | None) -> str:
    """The apology when the action server cannot be reached: how to reach the consultant directly."""
    reach = f"per E-Mail an {email}" + (f" oder telefonisch unter {phone}" if phone else "")
    return (f"Entschuldigung, gerade klemmt bei mir etwas. Bitte versuchen Sie es gleich noch einmal – "
            f"oder erreichen Sie {name} direkt {reach}.")


def storage_unavailable(name: str, email: str, phone: str | None) -> str:
    """The apology when the conversation cannot be read or saved (the tracker store's database is down)."""
    reach = f"per E-Mail an {email}" + (f" oder telefonisch unter {phone}" if phone else "")
    return (f"Entschuldigung, ich kann unser Gespräch gerade nicht speichern. Bitte schreiben Sie mir in ein "
            f"paar Minuten noch einmal – Ihre bisherigen Angaben bleiben erhalten. Oder erreichen Sie {name} "
            f"direkt {reach}.")

#: WhatsApp (rasa_addons/whatsapp.py): the answer to a picture, voice message, location, sticker, ... (not processed)
WHATSAPP_TEXT_ONLY = ("Vielen Dank! Bilder, Sprachnachrichten, Standorte und Sticker kann ich leider nicht lesen. "
                      "Bitte schreiben Sie mir Ihre Antwort als Text.")
#: WhatsApp list messages: the body when none is given, the button that opens the list, the section title
WHATSAPP_CHOOSE = "Bitte wählen Sie:"
# Telegram: a photo, sticker, voice message, location … instead of text
TELEGRAM_TEXT_ONLY = ("Vielen Dank! Bilder, Sprachnachrichten, Standorte und Sticker kann ich leider nicht lesen. "
                      "Bitte schreiben Sie mir Ihre Antwort als Text.")
# Telegram group chats: nothing personal in front of the group
TELEGRAM_GROUP = ("Hallo! Ich bin ein digitaler Assistent – ein Chatbot, kein Mensch. Damit Ihre Angaben nicht in "
                  "der Gruppe stehen, schreiben Sie mir bitte privat: https://t.me/{bot}")
WHATSAPP_LIST_BUTTON = "Auswählen"
WHATSAPP_LIST_SECTION = "Optionen"
