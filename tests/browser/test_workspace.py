"""The consultant's workspace in headless Chromium (Debian package, driven by Playwright), on the shared stack.

A prospect types a REST conversation; its lead is saved through the real lead store (``LeadRepository.save_lead``,
the path the contact form's action takes). The consultant logs in with the stack's one-time password, finds the
lead in the list, opens its brief and transcript (typed HTML shown as text), sets the status to "Termin" and sees
the funnel's "Kontaktiert" and "Termin vereinbart" counts go up by one. Screenshots: var/test-reports/workspace-*.png.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from leads.repository import LeadRepository
from tests.support.chat import RestChat
from tests.support.storage import CONSENT_AT

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ROOT / "var" / "test-reports"



def _funnel_counts(page) -> dict[str, int]:
    rows = page.locator("table.counts tr")
    return {rows.nth(i).locator("th").inner_text(): int(rows.nth(i).locator("td").inner_text())
            for i in range(rows.count())}


def test_consultant_logs_in_sees_the_lead_and_the_funnel_moves(browser, assistant):
    stack = assistant.stack
    assert stack.workspace_password, "the embedded profile prints a one-time password"
    chat = RestChat(stack.rasa_url)
    assert chat.say("Hallo")
    chat.say("<b>Was kostet ein Workshop?</b>")
    repo = LeadRepository(settings=stack.settings)
    try:
        lead = repo.save_lead(chat.sender, channel="rest",
                              contact={"name": "Browser Testfrau", "company": "Testhaus GmbH",
                                       "email": "testfrau@testhaus.de"},
                              criteria={"participants": 4}, recommendation="workshop", phase="strategy",
                              reasons=["Zu viert aus mehreren Bereichen."], open_questions=["Was kostet das?"],
                              consent_at=CONSENT_AT, consent_version="2026-11-v1")
    finally:
        repo.close()
    REPORTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="de-DE", viewport={"width": 1200, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.goto(stack.workspace_url + "/leads/" + str(lead.id))
    assert page.url.endswith("/login")  # no session: to the login
    page.fill("input[name=password]", "falsch")
    page.click("button[type=submit]")
    assert "Passwort stimmt nicht" in page.inner_text("body")
    page.fill("input[name=password]", stack.workspace_password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Browser Testfrau")
    page.screenshot(path=str(REPORTS / "workspace-leads.png"), full_page=True)

    page.goto(stack.workspace_url + "/funnel")
    before = _funnel_counts(page)
    assert before["Gespräche begonnen"] >= 1 and before["Lead gespeichert"] >= 1
    page.screenshot(path=str(REPORTS / "workspace-funnel-before.png"), full_page=True)

    page.goto(stack.workspace_url + "/")
    page.click("text=Browser Testfrau")
    page.wait_for_selector("pre.brief")
    transcript = page.inner_text(".transcript")
    assert "Hallo" in transcript and "<b>Was kostet ein Workshop?</b>" in transcript  # text, not HTML
    assert page.locator(".transcript b").count() == 0
    assert "Testhaus GmbH" in page.inner_text("pre.brief")
    page.screenshot(path=str(REPORTS / "workspace-lead.png"), full_page=True)
    page.select_option("select[name=status]", "Termin")
    page.click("text=Status speichern")
    page.wait_for_selector("select[name=status] >> option[selected]:text('Termin')", state="attached")

    page.goto(stack.workspace_url + "/funnel")
    after = _funnel_counts(page)
    assert after["Kontaktiert"] == before["Kontaktiert"] + 1
    assert after["Termin vereinbart"] == before["Termin vereinbart"] + 1
    assert after["Gespräche begonnen"] == before["Gespräche begonnen"]
    page.screenshot(path=str(REPORTS / "workspace-funnel-after.png"), full_page=True)
    print("funnel before:", before, "after:", after)
    context.close()
