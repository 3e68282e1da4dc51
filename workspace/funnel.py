"""The funnel and channels over a period, from Rasa's tracker events and the stored leads (plain functions).

A conversation counts in the period when its first user message falls into it. Steps:
started (a user message) -> qualification finished (the qualification form ran and was closed) ->
recommendation (slot ``recommendation``: seminar / workshop / undecided) -> consent (slot ``consent`` true) ->
lead saved (a lead row for the conversation) -> contacted (status other than "neu") -> booked (status
"Termin" or "gewonnen").
"""
from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import column, inspect, select, table
from sqlalchemy.engine import Engine

EVENTS = table("events", column("sender_id"), column("type_name"), column("timestamp"), column("data"))
RECOMMENDATIONS = ("seminar", "workshop", "undecided")
CONTACTED = {"kontaktiert", "Termin", "gewonnen", "verloren"}
BOOKED = {"Termin", "gewonnen"}


@dataclass
class Funnel:
    started: int = 0
    qualified: int = 0
    recommendations: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RECOMMENDATIONS, 0))
    consent: int = 0
    leads: int = 0
    contacted: int = 0
    booked: int = 0
    channels: dict[str, int] = field(default_factory=dict)

    @property
    def recommended(self) -> int:
        return sum(self.recommendations.values())

    def steps(self) -> list[tuple[str, int]]:
        """The funnel's bars in order, with German labels."""
        return [
            ("Gespräche begonnen", self.started),
            ("Qualifizierung abgeschlossen", self.qualified),
            ("Empfehlung Seminar", self.recommendations["seminar"]),
            ("Empfehlung Workshop", self.recommendations["workshop"]),
            ("Empfehlung offen", self.recommendations["undecided"]),
            ("Einwilligung erteilt", self.consent),
            ("Lead gespeichert", self.leads),
            ("Kontaktiert", self.contacted),
            ("Termin vereinbart", self.booked),
        ]


def _data(raw: Any) -> dict[str, Any]:
    try:
        value = json.loads(raw) if isinstance(raw, str) else (raw or {})
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def compute_funnel(events_engine: Engine | None, lead_rows: list[Any], start: dt.datetime,
                   end: dt.datetime) -> Funnel:
    """Counts for conversations whose first user message is in ``[start, end)``.

    ``lead_rows``: objects with ``conversation_id`` and ``status`` (the leads). ``events_engine``: the tracker
    store (None or without an events table: no conversations)."""
    funnel = Funnel()
    if events_engine is None:
        return funnel
    with events_engine.connect() as conn:
        if not inspect(conn).has_table("events"):
            return funnel
        rows = conn.execute(
            select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.timestamp, EVENTS.c.data)
            .where(EVENTS.c.type_name.in_(("user", "slot", "active_loop")))
            .order_by(EVENTS.c.sender_id, EVENTS.c.timestamp)
        ).all()
    state: dict[str, dict[str, Any]] = {}
    for sender, kind, stamp, raw in rows:
        conv = state.setdefault(sender, {"first": None, "channel": None, "form": False, "qualified": False,
                                         "recommendation": None, "consent": False})
        data = _data(raw)
        if kind == "user":
            if conv["first"] is None:
                conv["first"] = stamp
                conv["channel"] = data.get("input_channel") or "unbekannt"
        elif kind == "active_loop":
            if data.get("name") == "qualification_form":
                conv["form"] = True
            elif data.get("name") is None and conv["form"]:
                conv["qualified"] = True
        elif kind == "slot":
            if data.get("name") == "recommendation" and data.get("value") in RECOMMENDATIONS:
                conv["recommendation"] = data["value"]
            elif data.get("name") == "consent" and data.get("value") is True:
                conv["consent"] = True
    lo, hi = start.timestamp(), end.timestamp()
    counted = {s for s, c in state.items() if c["first"] is not None and lo <= c["first"] < hi}
    channels: Counter[str] = Counter()
    for sender in counted:
        conv = state[sender]
        funnel.started += 1
        channels[conv["channel"]] += 1
        funnel.qualified += conv["qualified"]
        if conv["recommendation"]:
            funnel.recommendations[conv["recommendation"]] += 1
        funnel.consent += conv["consent"]
    for lead in lead_rows:
        if lead.conversation_id in counted:
            funnel.leads += 1
            funnel.contacted += lead.status in CONTACTED
            funnel.booked += lead.status in BOOKED
    funnel.channels = dict(sorted(channels.items(), key=lambda item: (-item[1], item[0])))
    return funnel


def funnel_svg(funnel: Funnel) -> str:
    """The funnel and the channels as one SVG (horizontal bars, labels left of the bars: they cannot overlap)."""
    from xml.sax.saxutils import escape

    bars = funnel.steps() + [("", -1)] + [(f"Kanal: {name}", count) for name, count in funnel.channels.items()]
    row, label_w, bar_w = 28, 230, 380
    top = max([count for _, count in bars] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 60}" '
             f'height="{row * len(bars) + 10}" role="img" aria-label="Trichter und Kanäle" '
             'font-family="sans-serif" font-size="13">']
    for i, (label, count) in enumerate(bars):
        if count < 0:
            continue
        y = 5 + i * row
        width = round(bar_w * count / top)
        colour = "#2b6cb0" if not label.startswith("Kanal") else "#2f855a"
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{width}" height="{row - 8}" fill="{colour}"/>')
        parts.append(f'<text x="{label_w + width + 6}" y="{y + 17}" class="count">{count}</text>')
    parts.append("</svg>")
    return "".join(parts)
