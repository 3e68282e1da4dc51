"""``redis-server`` on a free loopback port for the production profile, and what it was asked to do (``MONITOR``)."""
from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tooling.net import free_port
from tooling.processes import stop_process, wait_started


class RedisServer:
    """``redis-server`` on a free loopback port, no persistence, in its own temporary folder."""

    def __init__(self) -> None:
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="assistant-redis-"))
        self.logfile = self.root / "redis.log"
        self.popen: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, db=0, socket_timeout=10)

    def start(self, timeout: float = 20.0) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server not found: install Debian's 'redis-server' package "
                        "(apt-get update && apt-get install -y redis-server; scripts/system-deps.sh does it)")
        self.popen = subprocess.Popen(
            [binary, "--save", "", "--appendonly", "no", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.root), "--logfile", str(self.logfile), "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )
        if wait_started(self.popen, self._answers, timeout):
            return self
        log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
        self.stop()
        raise RuntimeError(f"redis-server did not start:\n{log}")

    def _answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def stop(self) -> None:
        if self.popen is not None:
            stop_process(self.popen, grace=10)
        self.popen = None
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class RedisCommand:
    client_port: int
    command: str


class RedisMonitor:
    """Records every command the Redis server executes (``MONITOR``), with the client's port, so a test
    can tell which process (Rasa replica) used which lock key."""

    def __init__(self, server: RedisServer) -> None:
        self.server = server
        self.commands: list[RedisCommand] = []
        self._lock = threading.Lock()
        self._monitor = None
        self._thread: threading.Thread | None = None

    def start(self) -> RedisMonitor:
        self._monitor = self.server.client().monitor()
        self._monitor.__enter__()  # MONITOR is active when this returns
        self._thread = threading.Thread(target=self._listen, name="redis-monitor", daemon=True)
        self._thread.start()
        return self

    def _listen(self) -> None:
        with contextlib.suppress(Exception):  # the connection is closed by stop()
            for entry in self._monitor.listen():
                with self._lock:
                    self.commands.append(RedisCommand(int(entry.get("client_port") or 0), entry["command"]))

    def snapshot(self) -> list[RedisCommand]:
        with self._lock:
            return list(self.commands)

    def stop(self) -> None:
        if self._monitor is not None:
            with contextlib.suppress(Exception):
                self._monitor.connection.disconnect()
            if self._thread is not None:
                self._thread.join(5)
            self._monitor = None


def lock_keys(commands: list[RedisCommand], sender: str) -> list[tuple[int, str, str]]:
    """``(client port, verb, key)`` of every command on a lock key of ``sender``."""
    pattern = re.compile(r"^(\w+) ((?:\w+:)?lock:" + re.escape(sender) + r")(?=\s|$)")
    found = []
    for c in commands:
        m = pattern.match(c.command)
        if m:
            found.append((c.client_port, m.group(1).upper(), m.group(2)))
    return found
