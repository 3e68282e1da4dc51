"""Wait until a URL answers 200: ``python deploy/wait_ready.py URL [TIMEOUT_SECONDS]``.

Used by the systemd units (ExecStartPost) so that ``systemctl start rasa@5005`` returns only when the replica
has loaded its model and answers; exit code 1 after the timeout (default 120 s). Standard library only.
"""
from __future__ import annotations

import sys
import time
import urllib.request


def ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - an operator's URL
            return response.status == 200
    except Exception:  # noqa: BLE001 - not up yet
        return False


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    url, timeout = argv[0], float(argv[1]) if len(argv) > 1 else 120.0
    deadline = time.monotonic() + timeout
    while not ready(url):
        if time.monotonic() > deadline:
            print(f"{url} not ready after {timeout:.0f} s", file=sys.stderr)
            return 1
        time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
