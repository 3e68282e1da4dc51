"""The consultant's status of a lead (workspace): neu, kontaktiert, Termin, gewonnen, verloren.

Existing leads start as "neu". Downgrade drops the column.

Revision ID: 0003_lead_status
Revises: 0002_contacts
Create Date: 2026-12-03

"""
from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003_lead_status"
down_revision: Union[str, Sequence[str], None] = "0002_contacts"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("leads", sa.Column("status", sa.Text(), nullable=False, server_default="neu"))
    op.create_index(op.f("ix_leads_status"), "leads", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_leads_status"), table_name="leads")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE leads DROP COLUMN status")  # SQLite >= 3.35; no table rebuild
    else:
        op.drop_column("leads", "status")
