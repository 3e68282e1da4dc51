"""`leads`: the operator's command-line tool for the lead store.

    leads list
    leads show ID                      (numeric id or conversation id; with the person's contact)
    leads contacts                     (one line per person: e-mail, conversations)
    leads contact ID|EMAIL             (the person's current answers and all their conversations)
    leads export --format csv|json [--output FILE]
    leads delete --email X | --conversation ID
    leads purge --older-than DAYS
    leads flush [--retry-failed]      (spool -> database, repeated erasures, outbox once)
    leads migrate                      (alembic upgrade head)

Global options: --database-url, --tracker-store-url (defaults from the environment, see
config.py). Exit codes: 0 ok, 1 not found, 2 usage, 3 database unreachable.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from leads.briefing import build_brief
from leads.errors import StorageUnavailable
from leads.models import CRITERIA_KEYS, Contact, Lead
from leads.repository import LeadRepository

EXIT_OK, EXIT_NOT_FOUND, EXIT_USAGE, EXIT_UNAVAILABLE = 0, 1, 2, 3

EXPORT_FIELDS = (
    "id", "conversation_id", "channel", "name", "company", "email", "phone", "preferred_contact",
    "recommendation", "phase", "status", "reasons", "open_questions", "consent_at", "consent_version",
    "version", "created_at", "updated_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # also full-width
_E164 = re.compile(r"\+[1-9][0-9]{5,14}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="leads", description="Manage the assistant's stored leads.")
    parser.add_argument("--database-url", help="lead database (default: DATABASE_URL or var/leads.db)")
    parser.add_argument("--tracker-store-url", help="Rasa tracker store (default: TRACKER_STORE_URL or var/rasa.db)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    sub.add_parser("list", help="list all leads")
    show = sub.add_parser("show", help="show one lead with its brief and outbox status")
    show.add_argument("id", help="numeric lead id or conversation id")
    sub.add_parser("contacts", help="list all contacts (one per e-mail address)")
    contact = sub.add_parser("contact", help="show one contact with its current answers and conversations")
    contact.add_argument("id", help="numeric contact id or e-mail address")
    export = sub.add_parser("export", help="export all leads")
    export.add_argument("--format", choices=("csv", "json"), default="json")
    export.add_argument("--output", "-o", help="file to write (default: standard output)")
    delete = sub.add_parser("delete", help="erase a lead, its outbox rows and its conversation's events")
    target = delete.add_mutually_exclusive_group(required=True)
    target.add_argument("--email")
    target.add_argument("--conversation")
    purge = sub.add_parser("purge", help="erase leads not updated for DAYS days")
    purge.add_argument("--older-than", type=float, required=True, metavar="DAYS")
    sub.add_parser("retention", help="apply the retention periods: conversations without a lead after "
                   "CONVERSATION_RETENTION_DAYS, leads after LEAD_RETENTION_DAYS (run daily)")
    flush = sub.add_parser("flush", help="write spooled leads to the database, then process the outbox once")
    flush.add_argument("--retry-failed", action="store_true", help="re-queue notifications that gave up")
    sub.add_parser("migrate", help="create or upgrade the database schema")
    return parser


def _export_record(lead: Lead) -> dict[str, Any]:
    data = lead.to_dict()
    record = {key: data[key] for key in EXPORT_FIELDS}
    record["criteria"] = data["criteria"]
    return record


def _csv_cell(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "ja" if value else "nein"
    elif isinstance(value, (list, tuple)):
        text = " | ".join(str(v) for v in value)
    elif isinstance(value, dict):
        text = json.dumps(value, ensure_ascii=False)
    else:
        text = str(value)
    # spreadsheet formula injection: no cell may start a formula, in any column ("=cmd|' /C calc'!A0", also
    # after leading spaces); a phone number in E.164 ("+491711234567") is the one legitimate "+" start
    if key == "phone" and _E164.fullmatch(text):
        return text
    if text.lstrip(" \u00a0").startswith(_FORMULA_START):
        text = "'" + text
    return text


def _write_csv(leads: list[Lead], out: TextIO) -> None:
    extra = sorted({k for lead in leads for k in (lead.criteria or {}) if k not in CRITERIA_KEYS})
    criteria_keys = list(CRITERIA_KEYS) + extra
    header = list(EXPORT_FIELDS) + [f"criteria_{key}" for key in criteria_keys]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for lead in leads:
        record = _export_record(lead)
        row = [_csv_cell(key, record[key]) for key in EXPORT_FIELDS]
        row += [_csv_cell(key, record["criteria"].get(key)) for key in criteria_keys]
        writer.writerow(row)


def _short(value: Any, width: int) -> str:
    text = " ".join(str(value if value is not None else "-").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _cmd_list(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    leads = repo.list_leads()
    out.write(f"{'ID':>5}  {'UPDATED (UTC)':<16}  {'CONVERSATION':<24}  {'CHANNEL':<9}  {'FORMAT':<9}  "
              f"{'PHASE':<11}  {'STATUS':<11}  {'NAME':<24}  {'COMPANY':<20}  EMAIL\n")
    for lead in leads:
        out.write(
            f"{lead.id:>5}  {lead.updated_at:%Y-%m-%d %H:%M}  {_short(lead.conversation_id, 24):<24}  "
            f"{_short(lead.channel, 9):<9}  "
            f"{_short(lead.recommendation, 9):<9}  {_short(lead.phase, 11):<11}  {_short(lead.status, 11):<11}  {_short(lead.name, 24):<24}  "
            f"{_short(lead.company, 20):<20}  {_short(lead.email, 40)}\n"
        )
    spooled = repo.spooled_count()
    out.write(f"{len(leads)} lead(s)" + (f", {spooled} waiting in the spool" if spooled else "") + "\n")
    return EXIT_OK


def _find(repo: LeadRepository, ident: str) -> Lead | None:
    if ident.isdigit():
        lead = repo.get(int(ident))
        if lead is not None:
            return lead
    return repo.get_by_conversation(ident)


def _cmd_show(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    lead = _find(repo, args.id)
    if lead is None:
        sys.stderr.write(f"no lead {args.id!r}\n")
        return EXIT_NOT_FOUND
    subject, body = build_brief(lead, earlier=repo.earlier_conversations(lead))
    out.write(f"Lead {lead.id} (conversation {lead.conversation_id}, version {lead.version}, status {lead.status})\n")
    contact = repo.get_contact(lead.contact_id) if lead.contact_id is not None else None
    if contact is None:
        out.write("Contact: none (no e-mail address)\n")
    else:
        _write_contact(repo, contact, out, current=lead.id)
    out.write(f"Subject: {subject}\n\n{body}\nOutbox:\n")
    for item in repo.outbox_items(lead.id):
        out.write(f"  #{item.id} {item.kind:<7} {item.status:<10} attempts={item.attempts} "
                  f"sent_at={item.sent_at or '-'} error={item.last_error or '-'}\n")
    return EXIT_OK


def _write_contact(repo: LeadRepository, contact: Contact, out: TextIO, *, current: int | None = None) -> None:
    conversations = repo.contact_conversations(contact.id)
    out.write(f"Contact {contact.id}: {contact.email} – {contact.name or '-'} ({contact.company or '-'}), "
              f"{len(conversations)} conversation(s)\n")
    for lead in conversations:
        mark = "*" if lead.id == current else " "
        out.write(f" {mark} lead {lead.id:<5} {lead.created_at:%Y-%m-%d %H:%M}  {_short(lead.conversation_id, 24):<24}  "
                  f"format={lead.recommendation or '-'}  phase={lead.phase or '-'}  "
                  f"consent={lead.consent_at:%Y-%m-%d %H:%M} ({lead.consent_version})\n")


def _cmd_contacts(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    contacts = repo.list_contacts()
    out.write(f"{'ID':>5}  {'UPDATED (UTC)':<16}  {'CONV':>4}  {'FORMAT':<9}  {'NAME':<24}  EMAIL\n")
    for contact in contacts:
        count = len(repo.contact_conversations(contact.id))
        out.write(f"{contact.id:>5}  {contact.updated_at:%Y-%m-%d %H:%M}  {count:>4}  "
                  f"{_short(contact.recommendation, 9):<9}  {_short(contact.name, 24):<24}  {_short(contact.email, 40)}\n")
    out.write(f"{len(contacts)} contact(s)\n")
    return EXIT_OK


def _cmd_contact(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    contact = repo.get_contact(args.id)
    if contact is None:
        sys.stderr.write(f"no contact {args.id!r}\n")
        return EXIT_NOT_FOUND
    _write_contact(repo, contact, out)
    out.write(f"Phone: {contact.phone or '-'}; reachable: {contact.preferred_contact or '-'}\n")
    out.write(f"Current answers (newest conversation wins): format={contact.recommendation or '-'} "
              f"phase={contact.phase or '-'}\n")
    for key, value in (contact.criteria or {}).items():
        if value not in (None, "", []):
            out.write(f"  {key}: {json.dumps(value, ensure_ascii=False)}\n")
    return EXIT_OK


def _cmd_export(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    leads = repo.list_leads()
    buffer = io.StringIO()
    if args.format == "json":
        json.dump([_export_record(lead) for lead in leads], buffer, ensure_ascii=False, indent=2)
        buffer.write("\n")
    else:
        _write_csv(leads, buffer)
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as handle:
            handle.write(buffer.getvalue())
        sys.stderr.write(f"{len(leads)} lead(s) written to {args.output}\n")
    else:
        out.write(buffer.getvalue())
    return EXIT_OK


def _cmd_delete(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    if args.email is not None:
        count = repo.delete_by_email(args.email)
        out.write(f"{count} conversation(s) erased\n")
        return EXIT_OK if count else EXIT_NOT_FOUND
    found = repo.delete_conversation(args.conversation)
    out.write("conversation erased\n" if found else "nothing stored for this conversation\n")
    return EXIT_OK if found else EXIT_NOT_FOUND


def _cmd_purge(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    if args.older_than < 0:
        sys.stderr.write("--older-than must not be negative\n")
        return EXIT_USAGE
    count = repo.purge_older_than(args.older_than)
    out.write(f"{count} lead(s) purged\n")
    return EXIT_OK


def _cmd_retention(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    import time

    from sqlalchemy import select

    from config import get_settings
    from leads.models import Lead

    settings = get_settings()
    leads = repo.purge_older_than(settings.lead_retention_days)
    with repo.transaction() as s:
        with_lead = set(s.execute(select(Lead.conversation_id)).scalars())
    cutoff = time.time() - settings.conversation_retention_days * 86400
    conversations = repo.events.purge_inactive(cutoff, keep=with_lead)
    out.write(f"{leads} lead(s) older than {settings.lead_retention_days:g} days purged, "
              f"{conversations} conversation(s) without a lead older than "
              f"{settings.conversation_retention_days:g} days erased\n")
    return EXIT_OK


def _cmd_flush(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    from leads.notify import run_maintenance

    if args.retry_failed:
        out.write(f"{repo.retry_failed()} failed notification(s) re-queued\n")
    counts = run_maintenance(repo)
    out.write(" ".join(f"{key}={value}" for key, value in counts.items()) + "\n")
    return EXIT_OK


def _cmd_migrate(repo: LeadRepository, args: argparse.Namespace, out: TextIO) -> int:
    repo.ensure_schema()
    out.write("schema is up to date\n")
    return EXIT_OK


COMMANDS = {
    "list": _cmd_list, "show": _cmd_show, "contacts": _cmd_contacts, "contact": _cmd_contact,
    "export": _cmd_export, "delete": _cmd_delete,
    "purge": _cmd_purge, "retention": _cmd_retention, "flush": _cmd_flush, "migrate": _cmd_migrate,
}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    try:
        args = _parser().parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2)
        return int(exc.code or 0) if isinstance(exc.code, int) else EXIT_USAGE
    repo = LeadRepository(args.database_url, tracker_store_url=args.tracker_store_url)
    try:
        return COMMANDS[args.command](repo, args, out)
    except StorageUnavailable as exc:
        sys.stderr.write(f"{exc}; spooled leads stay spooled\n")
        return EXIT_UNAVAILABLE
    finally:
        repo.close()


if __name__ == "__main__":
    sys.exit(main())
