"""The production profile on one machine, as tests see it: the deployment (``Production``: PostgreSQL, Redis, a
mailbox, two Rasa replicas sharing one action server), which connections a replica holds, the scripts of deploy/
as modules, and nginx with deploy/nginx.conf in front of the replicas (``NginxProxy``).

The fixtures that start it live in tests/production/conftest.py.
"""
from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import ROOT
from tests.support.postgres import PG_USER, PostgresServer
from tests.support.redis import RedisServer
from tests.support.sinks import Mailbox
from tooling.net import free_port, port_in_use
from tooling.processes import stop_process, wait_started
from tooling.stack import Stack

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


# --------------------------------------------------------------------------- /proc


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
    models: Path | None = None  # the model server's folder (tooling/model_server.py publish --dir)

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


def start_all(stacks: list[Stack]) -> None:
    """Start the stacks at the same time, like replicas started together by systemd."""
    with ThreadPoolExecutor(len(stacks)) as pool:
        futures = [pool.submit(s.start, 300) for s in stacks]
        errors = [f.exception() for f in futures]
    failed = [e for e in errors if e is not None]
    if failed:
        for s in stacks:
            s.stop()
        raise failed[0]


def stop_all(stacks: list[Stack]) -> None:
    """SIGTERM to every process first, then ``Stack.stop`` waits: the servers shut down side by side."""
    for s in stacks:
        s.terminate()
    for s in reversed(stacks):
        s.stop()


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
        if wait_started(self.popen, lambda: port_in_use("127.0.0.1", self.https_port), 15):
            return self
        log = (self.root / "logs" / "error.log")
        raise RuntimeError(f"nginx did not start:\n{log.read_text() if log.exists() else ''}")

    def stop(self) -> None:
        if self.popen is not None:
            stop_process(self.popen, grace=10)
        self.popen = None
