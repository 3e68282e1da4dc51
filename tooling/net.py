"""Loopback ports and waiting: the one home of ``free_port``, ``port_in_use``, ``http_ok`` and the polling loops.

Used by the stack (tooling/stack.py), the process runner, the benchmark, deploy/wait_ready.py and the tests.
Standard library only, and nothing of the project (not even ``config``): deploy/wait_ready.py imports it on
production hosts from a systemd unit, before anything else of the assistant runs.
"""
from __future__ import annotations

import contextlib
import socket
import time
import urllib.request
from collections.abc import Callable, Mapping


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_in_use(host: str, port: int) -> bool:
    """True when something accepts connections on ``host:port``."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when a GET of ``url`` answers 200; any error (refused, timeout, other status) is False."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own URLs
            return response.status == 200
    except Exception:  # noqa: BLE001 - not up (yet)
        return False


def wait_for(
    predicate: Callable[[], bool],
    timeout: float = 10.0,
    interval: float = 0.05,
    abort: Callable[[], None] | None = None,
) -> bool:
    """Call ``predicate`` every ``interval`` seconds until it is true (True) or ``timeout`` has passed (False).

    ``abort`` is called after every unsuccessful try and may raise to give up early (a server process
    that exited, for example). The predicate is tried once more after the timeout has passed.
    """
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if abort is not None:
            abort()
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)


def wait_for_urls(
    urls: Mapping[str, str],
    timeout: float,
    interval: float = 0.3,
    abort: Callable[[], None] | None = None,
) -> list[str]:
    """Poll every URL (name -> URL) until each has answered 200 once; the names still waiting at the timeout,
    sorted (empty: all ready). ``abort`` as in ``wait_for``."""
    pending = dict(urls)

    def all_ready() -> bool:
        for name, url in list(pending.items()):
            if http_ok(url):
                pending.pop(name)
        return not pending

    wait_for(all_ready, timeout, interval, abort)
    return sorted(pending)
