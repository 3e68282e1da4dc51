"""Serve the demo page (web/public) and the chat widget's script from the project itself (no CDN).

- ``/vendor/webchat.js`` is rasa-webchat's standalone bundle from web/node_modules (installed by set-up,
  ``npm ci``). The bundle's stylesheets ``@import`` the "Inter" font from fonts.googleapis.com at load time;
  that import is removed when the bundle is served, so the page asks no outside host for anything (the
  widget falls back to the page's system font, see css/site.css).
- ``/config.js`` tells the page where the Rasa server (socket.io) is.
- Every response carries a Content-Security-Policy that allows only this origin and the Rasa server, so
  the browser itself refuses any other host and any injected inline script.

Usage: python -m tooling.webserver --port 8080 --rasa-url http://localhost:5005
"""
from __future__ import annotations

import argparse
import json
import re
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from config import ROOT

WEB = ROOT / "web"
PUBLIC = WEB / "public"
WIDGET_BUNDLE = WEB / "node_modules" / "rasa-webchat" / "lib" / "index.js"
# `@import url(https://fonts.googleapis.com/css?family=Inter:...);` in the bundle's CSS modules
OUTSIDE_IMPORT = re.compile(rb"@import url\((?:https?:)?//[^)]*\);?")


def widget_bundle(path: Path = WIDGET_BUNDLE) -> bytes:
    """The widget's bundle without stylesheet imports from outside hosts."""
    return OUTSIDE_IMPORT.sub(b"", path.read_bytes())


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    """Only this origin, plus the Rasa server for socket.io (polling and WebSocket)."""
    rasa = origin_of(rasa_url)
    ws = rasa.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",  # the widget injects its own <style> elements
            "img-src 'self' data:",
            "font-src 'self' data:",
            f"connect-src 'self' {rasa} {ws}",
            "frame-src 'none'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'",
        ]
    )


REQUEST_TIMEOUT_SECONDS = 10


def make_handler(rasa_url: str) -> type[SimpleHTTPRequestHandler]:
    config_js = f"window.ASSISTANT_CONFIG = {json.dumps({'socketUrl': rasa_url})};\n".encode()
    csp = content_security_policy(rasa_url)
    bundle = widget_bundle() if WIDGET_BUNDLE.exists() else None

    class Handler(SimpleHTTPRequestHandler):
        # seconds a connection may stay silent (idle keep-alive, slow clients): its thread is then freed
        timeout = REQUEST_TIMEOUT_SECONDS
        extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                          ".js": "application/javascript", ".css": "text/css", ".html": "text/html",
                          ".svg": "image/svg+xml"}

        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(PUBLIC), **kwargs)

        def log_message(self, fmt: str, *args: object) -> None:  # quiet: no visitor data in logs
            return

        def guess_type(self, path) -> str:
            ctype = super().guess_type(path)
            return f"{ctype}; charset=utf-8" if ctype.split("/")[0] == "text" or ctype.endswith("javascript") \
                else ctype

        def end_headers(self) -> None:
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("Content-Security-Policy", csp)
            super().end_headers()

        def _send(self, body: bytes, content_type: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def list_directory(self, path):  # no directory listings
            self.send_error(HTTPStatus.NOT_FOUND, "Not Found")
            return None

        def _generated(self) -> bool:
            """Answer the generated resources; False for files under web/public."""
            path = self.path.split("?", 1)[0]
            if path == "/config.js":
                self._send(config_js, "application/javascript; charset=utf-8")
            elif path == "/vendor/webchat.js":
                if bundle is None:
                    self.send_error(HTTPStatus.NOT_FOUND, "widget not installed: run scripts/setup.sh")
                else:
                    self._send(bundle, "application/javascript; charset=utf-8")
            else:
                return False
            return True

        def _bad_path(self) -> bool:
            """A path no file can have (a null byte, raw or %00, made the file lookup fail): 400."""
            if "\x00" in unquote(self.path):
                self.send_error(HTTPStatus.BAD_REQUEST, "Bad Request")
                return True
            return False

        def do_GET(self) -> None:  # noqa: N802
            if not self._bad_path() and not self._generated():
                super().do_GET()

        def do_HEAD(self) -> None:  # noqa: N802
            if not self._bad_path() and not self._generated():
                super().do_HEAD()

    return Handler


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    args = parser.parse_args(argv)
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.rasa_url))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
