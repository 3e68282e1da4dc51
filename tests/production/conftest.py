"""The production profile on one machine: PostgreSQL (tracker store and leads, two databases), Redis (lock
store), a local SMTP server, ONE action server and TWO Rasa replicas sharing them.

Reuses the storage suite's ``PostgresServer`` (initdb into a temporary folder, ``postgres`` on a free
loopback port, run as the ``postgres`` user when we are root) and the integration suite's ``Mailbox``
(aiosmtpd) and ``RestChat``; tests/leads and tests/integration are not changed. Skipped only when the
PostgreSQL server binaries are missing (a failure with ``REQUIRE_POSTGRES=1``, like the storage tests).
A missing ``redis-server`` is a failure: scripts/system-deps.sh installs it.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.integration.conftest import Mailbox
from tests.leads.conftest import PG_USER, PostgresServer, find_pg_bindir
from tooling.stack import Stack, free_port

ROOT = Path(__file__).resolve().parents[2]
TRACKER_DB = "rasa_tracker"
LEADS_DB = "leads"
PAGE_ORIGIN = "https://www.example.de"


def load_deploy_module(name: str):
    """A script of deploy/ (a folder of scripts, not a package) as a module."""
    spec = importlib.util.spec_from_file_location(f"deploy_{name}", ROOT / "deploy" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- PostgreSQL


def pg_bindir_or_skip() -> Path:
    bindir = find_pg_bindir()
    if bindir is None:
        reason = ("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in PG_BINDIR, "
                  "/usr/lib/postgresql/*/bin or PATH; install Debian's 'postgresql' package")
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    return bindir


def pg_url(server: PostgresServer, database: str) -> str:
    """Plain ``postgresql://`` as an operator writes it (psycopg2 is SQLAlchemy's default driver)."""
    return f"postgresql://{PG_USER}@127.0.0.1:{server.port}/{database}"


def pg_query(server: PostgresServer, database: str, sql: str, params: tuple = ()) -> list[dict]:
    import psycopg2
    import psycopg2.extras

    conn = psycopg2.connect(host="127.0.0.1", port=server.port, user=PG_USER, dbname=database,
                            connect_timeout=10)
    try:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(sql, params)
            return [dict(row) for row in cur.fetchall()]
    finally:
        conn.close()


# --------------------------------------------------------------------------- Redis


def stop_process(popen: subprocess.Popen | None) -> None:
    """Terminate a server process, killing it if it does not stop within 10 s."""
    if popen is not None and popen.poll() is None:
        popen.terminate()
        try:
            popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait(timeout=5)


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
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.client().ping():
                    return self
            except Exception:  # noqa: BLE001 - not up yet
                pass
            if self.popen.poll() is not None or time.monotonic() > deadline:
                log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
                self.stop()
                raise RuntimeError(f"redis-server did not start:\n{log}")
            time.sleep(0.1)

    def stop(self) -> None:
        stop_process(self.popen)
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


def process_tree(pid: int) -> set[int]:
    """``pid`` and every process of its session (Stack starts each server in a new session)."""
    found = {pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == pid:  # field 6 of /proc/PID/stat: session id
                found.add(int(stat.parent.name))
    return found


def local_ports_to(pids: set[int], remote_port: int) -> set[int]:
    """Local TCP ports of the connections these processes hold to 127.0.0.1:``remote_port``."""
    inodes: set[str] = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    ports: set[int] = set()
    for pid in pids:
        for table in ("tcp", "tcp6"):
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
                    cols = line.split()
                    local, remote, inode = cols[1], cols[2], cols[9]
                    if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == remote_port:
                        ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


# --------------------------------------------------------------------------- the deployment


@dataclass
class Production:
    postgres: PostgresServer
    redis: RedisServer
    mailbox: Mailbox
    replica_a: Stack  # action server + Rasa replica A
    replica_b: Stack  # Rasa replica B, calling replica A's action server
    env: dict[str, str] = field(default_factory=dict)

    @property
    def replicas(self) -> list[Stack]:
        return [self.replica_a, self.replica_b]

    def rasa_pids(self, stack: Stack) -> set[int]:
        pids: set[int] = set()
        for proc in stack.processes:
            if proc.name == "rasa":
                pids |= process_tree(proc.popen.pid)
        return pids

    def logs(self) -> str:
        return "\n".join(f"--- {s.settings.var_dir.name}/{p.name}\n{p.tail(30)}"
                         for s in self.replicas for p in s.processes)


def _start_all(stacks: list[Stack]) -> None:
    """Start the stacks at the same time, like replicas started together by systemd."""
    with ThreadPoolExecutor(len(stacks)) as pool:
        futures = [pool.submit(s.start, 300) for s in stacks]
        errors = [f.exception() for f in futures]
    failed = [e for e in errors if e is not None]
    if failed:
        for s in stacks:
            s.stop()
        raise failed[0]


def _stop_all(stacks: list[Stack]) -> None:
    """SIGTERM to every process first, then ``Stack.stop`` waits: the servers shut down side by side."""
    for s in stacks:
        for p in s.processes:
            if p.popen.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.popen.pid, signal.SIGTERM)
    for s in reversed(stacks):
        s.stop()


@pytest.fixture(scope="package")  # one start for tests/production, stopped before the next suite
def production(tmp_path_factory) -> Iterator[Production]:
    bindir = pg_bindir_or_skip()
    postgres = PostgresServer(bindir).init()
    redis_server: RedisServer | None = None
    mailbox: Mailbox | None = None
    stacks: list[Stack] = []
    try:
        postgres.start()
        for db in (TRACKER_DB, LEADS_DB):
            postgres.admin(f'CREATE DATABASE "{db}"', dbname="postgres")
        redis_server = RedisServer().start()
        mailbox = Mailbox()
        mailbox.controller.start()

        shared = {
            "TRACKER_STORE_URL": pg_url(postgres, TRACKER_DB),
            "DATABASE_URL": pg_url(postgres, LEADS_DB),
            "LOCK_STORE_URL": redis_server.url,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(mailbox.port),
            "CONSULTANT_EMAIL": "berater@example.com",
            "MAIL_FROM": "assistent@example.com",
            "OUTBOX_INTERVAL_SECONDS": "1",
            "SQL_POOL_SIZE": "5",  # as in deploy/production.env.example
            "SQL_MAX_OVERFLOW": "10",
            "MODEL_PATH": str(ROOT / "models"),
            "WEB_ORIGIN": PAGE_ORIGIN,
            "RASA_PUBLIC_URL": PAGE_ORIGIN,
            "PRIVACY_URL": f"{PAGE_ORIGIN}/datenschutz.html",
            # one secret for Rasa (both replicas) and the action server, as in production.env
            "ACTION_SERVER_TOKEN": secrets.token_urlsafe(32),
        }
        action_port = free_port()
        replica_a = Stack(env={**shared, "VAR_DIR": str(tmp_path_factory.mktemp("replica-a")),
                               "RASA_PORT": str(free_port()), "ACTION_PORT": str(action_port),
                               "WEB_PORT": str(free_port())}, with_web=False)
        replica_b = Stack(env={**shared, "VAR_DIR": str(tmp_path_factory.mktemp("replica-b")),
                               "RASA_PORT": str(free_port()), "WEB_PORT": str(free_port()),
                               "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook"},
                          with_web=False, with_actions=False)
        stacks = [replica_a, replica_b]
        _start_all(stacks)
        yield Production(postgres, redis_server, mailbox, replica_a, replica_b, shared)
    finally:
        _stop_all(stacks)
        if mailbox is not None:
            mailbox.controller.stop()
        if redis_server is not None:
            redis_server.stop()
        postgres.destroy()


@pytest.fixture
def redis_monitor(production: Production) -> Iterator[RedisMonitor]:
    monitor = RedisMonitor(production.redis).start()
    yield monitor
    monitor.stop()


def lock_keys(commands: list[RedisCommand], sender: str) -> list[tuple[int, str, str]]:
    """``(client port, verb, key)`` of every command on a lock key of ``sender``."""
    pattern = re.compile(r"^(\w+) ((?:\w+:)?lock:" + re.escape(sender) + r")(?=\s|$)")
    found = []
    for c in commands:
        m = pattern.match(c.command)
        if m:
            found.append((c.client_port, m.group(1).upper(), m.group(2)))
    return found


# --------------------------------------------------------------------------- nginx with deploy/nginx.conf


class NginxProxy:
    """nginx with deploy/nginx.conf, rewritten only where a test machine differs: loopback ports instead of
    80/443/5050, the replicas' and action server's ports, a self-signed certificate, temporary folders."""

    def __init__(self, production: Production, root: Path) -> None:
        self.binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.production = production
        self.root = root
        self.http_port, self.https_port, self.internal_port = free_port(), free_port(), free_port()
        self.popen: subprocess.Popen | None = None

    def site_config(self) -> str:
        text = (ROOT / "deploy" / "nginx.conf").read_text()
        p = self.production
        action_port = p.replica_a.settings.action_port
        replacements = [
            ("listen [::]:80;\n", ""), ("listen [::]:443 ssl http2;\n", ""),
            ("listen 80;", f"listen 127.0.0.1:{self.http_port};"),
            ("listen 443 ssl http2;", f"listen 127.0.0.1:{self.https_port} ssl http2;"),
            ("listen 127.0.0.1:5050;", f"listen 127.0.0.1:{self.internal_port};"),
            ("server 127.0.0.1:5005 ", f"server 127.0.0.1:{p.replica_a.settings.rasa_port} "),
            ("server 127.0.0.1:5006 ", f"server 127.0.0.1:{p.replica_b.settings.rasa_port} "),
            ("server 127.0.0.1:5055 ", f"server 127.0.0.1:{action_port} "),
            ("/etc/letsencrypt/live/www.example.de/fullchain.pem", str(self.root / "cert.pem")),
            ("/etc/letsencrypt/live/www.example.de/privkey.pem", str(self.root / "key.pem")),
            ("root /srv/social-media-assistant/site;", f"root {self.root / 'site'};"),
            ("root /var/www/letsencrypt;", f"root {self.root / 'acme'};"),
            ("/var/log/nginx/", f"{self.root}/logs/"),
        ]
        for old, new in replacements:
            assert old in text, f"deploy/nginx.conf changed: {old!r} not found (update NginxProxy)"
            text = text.replace(old, new)
        return text

    def main_config(self) -> str:
        r = self.root
        temp = "\n".join(f"    {kind}_temp_path {r}/temp/{kind};" for kind in
                         ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.geteuid() == 0 else ""
        return (f"{user}worker_processes 1;\npid {r}/nginx.pid;\nerror_log {r}/logs/error.log warn;\n"
                f"events {{ worker_connections 512; }}\n"
                f"http {{\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
                f"    access_log {r}/logs/access.log;\n{temp}\n    include {r}/site.conf;\n}}\n")

    def prepare(self) -> None:
        render = load_deploy_module("render_site").render
        for folder in ("logs", "temp", "acme"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                        "-subj", "/CN=www.example.de", "-keyout", str(self.root / "key.pem"),
                        "-out", str(self.root / "cert.pem")], check=True, capture_output=True, timeout=60)
        render(self.root / "site", PAGE_ORIGIN)
        (self.root / "site.conf").write_text(self.site_config())
        (self.root / "nginx.conf").write_text(self.main_config())

    def args(self, *extra: str) -> list[str]:
        return [self.binary, "-p", str(self.root), "-c", str(self.root / "nginx.conf"), *extra]

    def check(self) -> subprocess.CompletedProcess:
        return subprocess.run(self.args("-t"), capture_output=True, text=True, timeout=30)

    def start(self) -> NginxProxy:
        self.popen = subprocess.Popen(self.args("-g", "daemon off;"), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 15
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.https_port), 0.5):
                return self
            if self.popen.poll() is not None or time.monotonic() > deadline:
                log = (self.root / "logs" / "error.log")
                raise RuntimeError(f"nginx did not start:\n{log.read_text() if log.exists() else ''}")
            time.sleep(0.1)

    def stop(self) -> None:
        stop_process(self.popen)
        self.popen = None
