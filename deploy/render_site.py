"""Render the consultant's page for the reverse proxy: the static counterpart of tooling/webserver.py.

The demo web server generates two resources at run time; in production nginx serves plain files, so this
writes them once per release:

    <out>/                  a copy of web/public (index.html, datenschutz.html, css/, js/)
    <out>/config.js         window.ASSISTANT_CONFIG = {"socketUrl": RASA_PUBLIC_URL}
    <out>/vendor/webchat.js the widget bundle without the stylesheet imports from outside hosts

Usage (from the repository, after scripts/setup.sh installed the widget):

    .venv/bin/python deploy/render_site.py --out /srv/social-media-assistant/site \
        --rasa-url https://www.example.de
    .venv/bin/python deploy/render_site.py --print-csp --rasa-url https://www.example.de

``--rasa-url`` defaults to RASA_PUBLIC_URL. The new folder replaces the old one in one rename.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config import get_settings  # noqa: E402
from tooling.webserver import PUBLIC, WIDGET_BUNDLE, content_security_policy, widget_bundle  # noqa: E402


def config_js(rasa_url: str) -> bytes:
    return f"window.ASSISTANT_CONFIG = {json.dumps({'socketUrl': rasa_url})};\n".encode()


def render(out: Path, rasa_url: str) -> Path:
    if not WIDGET_BUNDLE.exists():
        raise SystemExit(f"widget not installed ({WIDGET_BUNDLE}): run scripts/setup.sh first")
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        shutil.copytree(PUBLIC, staging, dirs_exist_ok=True)
        (staging / "config.js").write_bytes(config_js(rasa_url))
        (staging / "vendor").mkdir(exist_ok=True)
        (staging / "vendor" / "webchat.js").write_bytes(widget_bundle())
        for folder, _dirs, files in os.walk(staging):
            os.chmod(folder, 0o755)
            for name in files:
                os.chmod(os.path.join(folder, name), 0o644)
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
        staging.rename(out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder nginx serves (root in deploy/nginx.conf)")
    parser.add_argument("--rasa-url", default=None, help="the Rasa URL as the browser sees it "
                        "(default: RASA_PUBLIC_URL; behind deploy/nginx.conf: the page's own origin)")
    parser.add_argument("--print-csp", action="store_true", help="print the Content-Security-Policy header value")
    args = parser.parse_args(argv)
    rasa_url = args.rasa_url or get_settings().rasa_public_url
    if not rasa_url:
        parser.error("--rasa-url or RASA_PUBLIC_URL is required")
    if args.print_csp:
        print(content_security_policy(rasa_url))
    if args.out:
        print(f"site rendered into {render(args.out, rasa_url)}", file=sys.stderr)
    elif not args.print_csp:
        parser.error("nothing to do: give --out and/or --print-csp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
