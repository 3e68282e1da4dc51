"""Prospect text shown back is never markup: the one place that escapes echoed values (plain Python).

The web widget (rasa-webchat, react-markdown 4 / remark-parse 5 with GFM) renders every bot message as
Markdown. A name typed as ``[Sitzung abgelaufen – bitte hier neu anmelden](https://evil.example/phish)`` was
shown back as a clickable link inside the consultant's own chat. ``escape_markdown`` makes such a value show
literally there:

* the characters that start inline markup (``\\ ` * _ [ ] ~ |``) get a backslash (remark's GFM escapes), so
  no link, image, emphasis, code or strike-through can start;
* characters that start a block only at the beginning of a line (``>``, ``# - +`` before a space, a line of
  ``=``/``-``, "1. " / "1) ") get one there;
* ``<`` (autolinks, HTML) becomes ``&lt;``, an ``&`` that starts an entity ``&amp;``: remark's escapes do not
  cover them, entities do;
* bare ``http://``, ``https://`` and ``mailto:`` (GFM autolinks) lose their link by ``&#58;`` for the colon.

The widget then shows exactly what was typed. Channels that show text as it is (Telegram and Messenger get
plain text from Rasa, without parse mode) need no escaping: ``for_channel`` leaves their values alone, every
other channel (the widget's socket.io, REST and unknown ones) gets the escaped value.
"""
from __future__ import annotations

import re
from typing import Any

__all__ = ["ECHOED_SLOTS", "PLAIN_TEXT_CHANNELS", "escape_markdown", "escape_slots", "for_channel"]

PLAIN_TEXT_CHANNELS = frozenset({"telegram", "facebook"})
"""Output channels whose clients show a message's text as it is (nothing to escape)."""

ECHOED_SLOTS = ("contact_name", "company", "email", "phone", "preferred_contact")
"""Slots holding what the prospect typed that responses show back."""

_INLINE = re.compile(r"([\\`*_\[\]~|])")
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_AUTOLINK = re.compile(r"\b(https?|mailto):", re.IGNORECASE)
# block markers at the start of a line: quote, heading/list marker before a space, a setext or thematic line,
# an ordered-list number ("1. ", "3) "); "+49 171 …" or "-5" stay as they are
_LINE_START = re.compile(r"^([ \t]*)(>|[#+-](?=[ \t]|$)|[=-]+(?=[ \t]*$)|\d{1,9}(?=[.)](?:[ \t]|$)))",
                         re.MULTILINE)


def escape_markdown(text: str) -> str:
    """``text`` so that a Markdown (CommonMark/GFM) renderer shows it literally; see the module docstring."""
    if not isinstance(text, str) or not text:
        return text
    value = _INLINE.sub(r"\\\1", text)
    value = _ENTITY_START.sub("&amp;", value)
    value = value.replace("<", "&lt;")
    value = _AUTOLINK.sub(r"\1&#58;", value)
    return _LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit()
                                                   else "\\" + m.group(2)), value)


def for_channel(text: Any, output_channel: str | None) -> Any:
    """``text`` escaped for the output channel (unchanged on plain-text channels; non-strings unchanged)."""
    if not isinstance(text, str) or (output_channel or "").lower() in PLAIN_TEXT_CHANNELS:
        return text
    return escape_markdown(text)


def escape_slots(slots: dict[str, Any], output_channel: str | None,
                 names: tuple[str, ...] = ECHOED_SLOTS) -> dict[str, Any]:
    """``slots`` with the prospect's own values escaped for ``output_channel`` (the others unchanged)."""
    return {**slots, **{name: for_channel(slots.get(name), output_channel) for name in names if name in slots}}
