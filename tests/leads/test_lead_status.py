"""Migration 0003_lead_status: upgrade from the previous head with existing leads (they become "neu"),
downgrade, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from leads.db import make_engine
from leads.repository import LeadRepository
from tests.leads.test_contacts import _migrate


class StatusMigrationContract:
    def test_upgrade_from_0002_keeps_leads_as_neu(self, db_url, make_settings, lead_kwargs, tmp_path):
        _migrate(db_url, "0002_contacts")
        engine = make_engine(db_url)
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO leads (conversation_id, criteria, reasons, open_questions, consent_at, "
                "consent_version, content_hash, version, created_at, updated_at) VALUES "
                "('c1', '{}', '[]', '[]', '2026-11-20 09:30:00', 'v1', 'h', 1, "
                "'2026-11-20 09:30:00', '2026-11-20 09:30:00')"))
        engine.dispose()
        _migrate(db_url, "head")
        repo = LeadRepository(db_url, tracker_store_url=f"sqlite:///{tmp_path / 'rasa.db'}", settings=make_settings())
        try:
            lead = repo.get_by_conversation("c1")
            assert lead.status == "neu"
            assert repo.set_status(lead.id, "gewonnen").status == "gewonnen"
            with pytest.raises(ValueError):
                repo.set_status(lead.id, "<irgendwas>")
        finally:
            repo.close()
        _migrate(db_url, "0002_contacts", down=True)
        engine = make_engine(db_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT conversation_id FROM leads")).scalars().all() == ["c1"]
        engine.dispose()


class TestSqliteStatus(StatusMigrationContract):
    @pytest.fixture
    def db_url(self, tmp_path):
        return f"sqlite:///{tmp_path / 'leads.db'}"


class TestPostgresStatus(StatusMigrationContract):
    @pytest.fixture
    def db_url(self, pg_url):
        return pg_url
