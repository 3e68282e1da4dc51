"""One contact per person: contacts keyed by the lower-cased e-mail address, leads linked to them.

Existing leads are carried over: one contact per distinct e-mail address (any case), holding the
newest value of each field and answer (oldest conversation first, a later one wins); leads without
an e-mail address stay without contact. Downgrade drops the link and the contacts (they are derived
from the leads, which keep all their data).

Revision ID: 0002_contacts
Revises: 0001_initial
Create Date: 2026-12-02

"""
from collections.abc import Sequence
from typing import Any, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0002_contacts"
down_revision: Union[str, Sequence[str], None] = "0001_initial"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FIELDS = ("name", "company", "phone", "preferred_contact", "email", "recommendation", "phase")

# The tables as this revision knows them (the models may change later; this file must not).
_leads = sa.table(
    "leads",
    sa.column("id", sa.Integer), sa.column("contact_id", sa.Integer), sa.column("email", sa.Text),
    sa.column("name", sa.Text), sa.column("company", sa.Text), sa.column("phone", sa.Text),
    sa.column("preferred_contact", sa.Text), sa.column("recommendation", sa.Text),
    sa.column("phase", sa.Text), sa.column("criteria", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _contacts_table() -> sa.Table:
    return op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("company", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("preferred_contact", sa.Text(), nullable=True),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("recommendation", sa.Text(), nullable=True),
        sa.Column("phase", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("email_key", name=op.f("uq_contacts_email_key")),
    )


def _merged(rows: list[Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"criteria": {}}
    for row in rows:  # oldest conversation first: a later one wins
        for field in FIELDS:
            value = getattr(row, field)
            if value not in (None, ""):
                values[field] = value
        for key, answer in (row.criteria or {}).items():
            if answer not in (None, "", []) or key not in values["criteria"]:
                values["criteria"][key] = answer
    return values


def upgrade() -> None:
    contacts = _contacts_table()
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # SQLite cannot add a foreign key with ALTER TABLE ... ADD CONSTRAINT, but it can add a
        # column carrying one; rebuilding the table instead would cascade-delete the outbox.
        op.execute("ALTER TABLE leads ADD COLUMN contact_id INTEGER "
                   "CONSTRAINT fk_leads_contact_id_contacts REFERENCES contacts (id)")
    else:
        op.add_column("leads", sa.Column("contact_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_leads_contact_id_contacts"), "leads", "contacts", ["contact_id"], ["id"])
    op.create_index(op.f("ix_leads_contact_id"), "leads", ["contact_id"], unique=False)

    rows = bind.execute(
        sa.select(_leads).where(_leads.c.email.isnot(None), _leads.c.email != "")
        .order_by(_leads.c.created_at, _leads.c.id)
    ).all()
    people: dict[str, list[Any]] = {}
    for row in rows:
        people.setdefault(row.email.strip().lower(), []).append(row)
    for key, group in people.items():
        values = _merged(group)
        contact_id = bind.execute(contacts.insert().values(
            email_key=key, email=values["email"], criteria=values["criteria"],
            created_at=group[0].created_at, updated_at=max(row.updated_at for row in group),
            **{field: values.get(field) for field in FIELDS if field != "email"},
        )).inserted_primary_key[0]
        bind.execute(sa.update(_leads).where(_leads.c.id.in_([row.id for row in group]))
                     .values(contact_id=contact_id))


def downgrade() -> None:
    op.drop_index(op.f("ix_leads_contact_id"), table_name="leads")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE leads DROP COLUMN contact_id")  # SQLite >= 3.35; no table rebuild
    else:
        op.drop_constraint(op.f("fk_leads_contact_id_contacts"), "leads", type_="foreignkey")
        op.drop_column("leads", "contact_id")
    op.drop_table("contacts")
