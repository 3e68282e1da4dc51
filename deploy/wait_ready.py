"""Wait until a URL answers 200: ``python deploy/wait_ready.py URL [TIMEOUT_SECONDS]``.

Used by the systemd units (ExecStartPost) so that ``systemctl start rasa@5005`` returns only when the replica
has loaded its model and answers; exit code 1 after the timeout (default 120 s). Standard library plus
``tooling/net.py`` (itself standard library only; the units put the repository on PYTHONPATH).
"""
from __future__ import annotations

import sys
from pathlib import Path

REPOSITORY = str(Path(__file__).resolve().parents[1])
if REPOSITORY not in sys.path:  # run by hand, without the units' PYTHONPATH
    sys.path.insert(0, REPOSITORY)

from tooling.net import http_ok, wait_for  # noqa: E402


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    url, timeout = argv[0], float(argv[1]) if len(argv) > 1 else 120.0
    if not wait_for(lambda: http_ok(url), timeout, interval=1.0):
        print(f"{url} not ready after {timeout:.0f} s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
