"""The demo page in headless Chromium (Debian package, driven by Playwright; no browser download).

A prospect opens the consultant's page, opens the chat widget (rasa-webchat over socket.io), qualifies with
buttons and typed German answers, gets a recommendation, books a callback with consent and contact data,
reloads the page and still sees the conversation (which also continues on the server), and the lead is in the
database under the widget's session id. Every request the page makes goes to localhost. Typed HTML is shown
as text, never executed.
"""
from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from rasa_addons.sessions import conversation_id
from tests.support import domain as support_domain

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
LOCAL_HOSTS = {"localhost", "127.0.0.1"}
TIMEOUT_MS = 30_000

RESPONSES = ".rw-widget-container .rw-response .rw-message-text"
USER_MESSAGES = ".rw-widget-container .rw-client .rw-message-text"


def domain_buttons(response: str) -> list[str]:
    """The titles of the response's buttons, as the widget shows them."""
    return [b["title"] for b in support_domain.domain_buttons(response)]



class ChatPage:
    """The landing page with the widget, plus a record of every request, dialog and console error."""

    def __init__(self, browser, assistant):
        self.assistant = assistant
        self.context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 1000})
        self.context.set_default_timeout(TIMEOUT_MS)
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.page = self.context.new_page()
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page.on("dialog", self._on_dialog)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()

    # -- page and widget --------------------------------------------------------------------------------
    def open(self) -> ChatPage:
        self.page.goto(self.assistant.web_url + "/")
        self.page.wait_for_selector(".rw-widget-container .rw-launcher")
        return self

    def open_chat(self) -> None:
        if not self.page.query_selector(".rw-conversation-container"):
            self.page.click(".js-open-chat >> nth=0")  # the page's call to action opens the widget
        self.page.wait_for_selector(".rw-conversation-container")

    def session_id(self) -> str:
        self.page.wait_for_function("() => (JSON.parse(sessionStorage.getItem('chat_session') || '{}')).session_id")
        return self.page.evaluate("() => JSON.parse(sessionStorage.getItem('chat_session')).session_id")

    def bot_texts(self) -> list[str]:
        return self.page.eval_on_selector_all(RESPONSES, "els => els.map(e => e.innerText)")

    def user_texts(self) -> list[str]:
        return self.page.eval_on_selector_all(USER_MESSAGES, "els => els.map(e => e.innerText)")

    def wait_bot(self, fragment: str, after: int) -> str:
        """Wait until a bot message after the first ``after`` ones contains ``fragment``."""
        try:
            self.page.wait_for_function(
                """([sel, after, fragment]) => Array.from(document.querySelectorAll(sel)).slice(after)
                     .some(e => e.innerText.includes(fragment))""",
                arg=[RESPONSES, after, fragment],
            )
        except Exception as exc:  # noqa: BLE001 - show what the bot said instead
            raise AssertionError(f"bot never said {fragment!r}; it said: {self.bot_texts()[after:]}") from exc
        return "\n".join(self.bot_texts()[after:])

    def say(self, text: str, expect: str) -> str:
        """Type a message and send it with Enter; wait for the answer containing ``expect``."""
        before = len(self.bot_texts())
        box = self.page.locator(".rw-new-message")
        box.fill(text)
        box.press("Enter")
        return self.wait_bot(expect, before)

    def replies(self) -> list[str]:
        """Titles of the answer buttons of the newest message that has them."""
        groups = self.page.query_selector_all(".rw-widget-container .rw-replies")
        if not groups:
            return []
        return [r.inner_text() for r in groups[-1].query_selector_all(".rw-reply")]

    def tap(self, title: str, expect: str) -> str:
        before = len(self.bot_texts())
        group = self.page.locator(".rw-widget-container .rw-replies").last
        button = group.locator(".rw-reply", has_text=re.compile(rf"^{re.escape(title)}$"))
        assert button.get_attribute("role") == "button" and button.get_attribute("tabindex") == "0"
        button.click()
        return self.wait_bot(expect, before)

    def outside_requests(self) -> list[str]:
        return [u for u in self.requests
                if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).hostname not in LOCAL_HOSTS]


@pytest.fixture
def chat(browser, assistant):
    page = ChatPage(browser, assistant)
    yield page
    page.close()


def lead_row(var_dir: Path, conversation_id: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        try:
            with sqlite3.connect(var_dir / "leads.db") as db:
                row = db.execute(
                    "SELECT conversation_id, name, company, email, phone, recommendation FROM leads "
                    "WHERE conversation_id = ?", (conversation_id,)).fetchone()
        except sqlite3.OperationalError:  # database or table not created yet
            row = None
        if row or time.monotonic() > deadline:
            return row
        time.sleep(0.3)


def test_qualification_callback_reload_and_lead_in_the_browser(chat):
    chat.open()
    page = chat.page
    assert page.title().startswith("Social Media Einstieg")
    assert page.locator("h1").inner_text().startswith("Strukturiert in Social Media einsteigen")

    chat.open_chat()
    greeting = chat.wait_bot("Womit kann ich Ihnen helfen", 0)  # initPayload /greet
    assert "Assistent" in greeting and "Chatbot" in greeting
    assert page.locator(".rw-header .rw-title").inner_text() == "Social-Media-Assistent"
    assert "Seminar oder Workshop" in page.locator(".rw-header").inner_text()
    assert page.locator(".rw-new-message").get_attribute("placeholder") == "Ihre Nachricht …"
    # buttons render as buttons (role/tabindex for the keyboard), exactly the domain's titles
    assert chat.replies() == domain_buttons("utter_offer_help")
    token = chat.session_id()
    # a signed session token from the server (rasa_addons/sessions.py), kept in sessionStorage
    assert re.fullmatch(r"s1\.web-[0-9a-f]{32}\.[A-Za-z0-9_-]{43}", token), token
    sender = conversation_id(token)

    # qualification: typed German answers and buttons
    chat.say("Welches Format passt zu uns?", "Wie viele Personen")
    assert chat.replies() == domain_buttons("utter_ask_participants")
    chat.say("wir sind zu dritt", "Funktionsbereichen")
    chat.tap("Ja, aus mehreren", "leisten")
    chat.say("Konkrete nächste Schritte", "Branche")
    chat.tap("Ja, firmenspezifisch", "Erfahrungen")
    chat.say("erste Schritte haben wir schon getestet", "Haltung")  # the format is settled: fewer questions
    chat.tap("Ja", "Anwenderkenntnisse")
    chat.say("ja", "Social-Media-Strategie")
    recommendation = chat.tap("Nein, noch nicht", "Wie möchten Sie weitermachen")
    assert "Meine Empfehlung" in recommendation and "Workshop" in recommendation

    # callback with consent and contact data
    consent = chat.tap("Rückruf vereinbaren", "einverstanden")
    assert chat.assistant.web_url + "/datenschutz.html" in consent
    chat.tap("Ja, einverstanden", "Wie heißen Sie")
    chat.say("Maria Musterfrau", "Unternehmen")
    chat.say("Musterfirma GmbH", "E-Mail-Adresse")
    chat.say("maria.musterfrau@musterfirma.de", "Telefonnummer")
    chat.say("0171 2345678", "Wann oder wie")
    summary = chat.tap("Vormittags", "Stimmt alles")
    assert "Maria Musterfrau" in summary and "m•••@musterfirma.de" in summary and "maria.musterfrau@" not in summary
    chat.tap("Ja, absenden", "Vielen Dank")

    # the privacy link the assistant gave works (same origin)
    privacy = chat.context.new_page()
    privacy.goto(chat.assistant.web_url + "/datenschutz.html")
    assert "Datenschutz" in privacy.locator("h1").inner_text()
    privacy.close()

    # reload: same session, the conversation is still there, and it continues on the server
    said_before, typed_before = chat.bot_texts(), chat.user_texts()
    page.reload()
    page.wait_for_selector(".rw-widget-container .rw-launcher")
    chat.open_chat()
    page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length >= n", arg=[RESPONSES, len(said_before)])
    assert chat.session_id() == token
    assert chat.bot_texts()[: len(said_before)] == said_before
    assert "wir sind zu dritt" in chat.user_texts() and chat.user_texts() == typed_before
    chat.say("Danke", "")  # any answer: the socket rejoined the same conversation
    with sqlite3.connect(chat.assistant.var_dir / "rasa.db") as db:
        after_reload = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ? AND type_name = 'user' "
                                  "AND data LIKE '%\"text\": \"Danke\"%'", (sender,)).fetchone()[0]
    assert after_reload == 1

    # screenshot of the finished conversation: the confirmation and the last answer with its buttons
    page.evaluate("""() => {
        const box = document.querySelector('.rw-messages-container');
        const from = Array.from(box.querySelectorAll('.rw-response'))
            .find(e => e.innerText.includes('Vielen Dank!'));
        if (from) box.scrollTop += from.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
    }""")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-conversation.png"))

    # the lead, under the widget's session id
    row = lead_row(chat.assistant.var_dir, sender)
    assert row is not None, f"no lead for conversation {sender} in leads.db"
    assert row[1:5] == ("Maria Musterfrau", "Musterfirma GmbH", "maria.musterfrau@musterfirma.de", "+491712345678")
    assert row[5] == "workshop"

    assert chat.outside_requests() == [], "the page asked an outside host"
    assert any("/socket.io/" in u for u in chat.requests)
    assert chat.dialogs == [] and chat.errors == []


XSS = ["<img src=x onerror=alert(1)>", "<script>alert(1)</script>"]


def test_typed_html_is_shown_as_text_and_never_executed(chat):
    chat.open()
    chat.open_chat()
    chat.wait_bot("Womit kann ich Ihnen helfen", 0)
    for text in XSS:
        chat.say(text, "")
    widget = chat.page.locator(".rw-widget-container")
    for text in XSS:
        assert widget.get_by_text(text, exact=True).is_visible()  # the literal text, visible
        assert text in chat.user_texts()

    # the bot echoes typed contact data in its (Markdown-rendered) summary: still text, links defused
    chat.tap("Rückruf vereinbaren", "einverstanden")
    chat.tap("Ja, einverstanden", "Wie heißen Sie")
    chat.say("<img src=x onerror=alert(1)> Maria", "Unternehmen")
    chat.say("Firma [hier klicken](javascript:alert(1)) <script>alert(1)</script>", "E-Mail-Adresse")
    chat.say("maria@example.de", "Telefonnummer")
    chat.say("keine", "Wann oder wie")
    summary = chat.tap("Vormittags", "Stimmt alles")
    assert "<img src=x onerror=alert(1)> Maria" in summary
    link = widget.locator(".rw-response a", has_text="hier klicken")
    if link.count():
        assert not (link.last.get_attribute("href") or "").lower().startswith("javascript")
        link.last.click()
        chat.page.wait_for_timeout(300)

    assert widget.locator("img[src='x'], .rw-messages-container script").count() == 0
    assert chat.dialogs == [], f"a script ran: {chat.dialogs}"
    assert chat.outside_requests() == []


def test_each_browser_session_gets_its_own_sender_id(browser, assistant):
    ids = []
    for _ in range(2):
        page = ChatPage(browser, assistant).open()
        try:
            page.open_chat()
            page.wait_bot("Womit kann ich Ihnen helfen", 0)
            ids.append(page.session_id())
        finally:
            page.close()
    assert all(re.fullmatch(r"s1\.web-[0-9a-f]{32}\.[A-Za-z0-9_-]{43}", i) for i in ids) and ids[0] != ids[1]


def _box_overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])


@pytest.mark.parametrize("viewport", [(1280, 1000), (360, 740)], ids=["desktop", "phone"])
def test_widget_header_title_and_subtitle_do_not_overlap(browser, assistant, viewport):
    page = ChatPage(browser, assistant)
    try:
        page.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        page.open()
        page.open_chat()
        page.wait_bot("Womit kann ich Ihnen helfen", 0)
        header = page.page.locator(".rw-widget-container .rw-header").first
        title = header.locator(".rw-title")
        subtitle = header.locator("span").last
        assert title.inner_text().strip() and subtitle.inner_text().strip()
        boxes = {name: part.bounding_box() for name, part in
                 (("header", header), ("title", title), ("subtitle", subtitle))}
        assert not _box_overlap(boxes["title"], boxes["subtitle"]), boxes
        for name in ("title", "subtitle"):  # both inside the header, nothing cut off
            box, outer = boxes[name], boxes["header"]
            assert outer["y"] <= box["y"] and box["y"] + box["height"] <= outer["y"] + outer["height"] + 0.5, boxes
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.page.screenshot(path=str(ARTIFACTS / f"browser-widget-header-{viewport[0]}.png"))
    finally:
        page.close()
