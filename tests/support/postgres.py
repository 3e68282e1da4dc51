"""Throw-away PostgreSQL clusters for the storage and production suites.

``PostgresServer`` runs ``initdb`` into a temporary folder (or copies an initialised one) and starts ``postgres``
on a free loopback port with its unix socket in that folder. As root it runs as the ``postgres`` user
(PostgreSQL refuses root; the user is created with ``useradd`` if missing). ``pg_bindir_or_skip`` skips a test
only when the server binaries are missing; ``REQUIRE_POSTGRES=1`` turns that skip into a failure.
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from tooling.net import free_port

PG_USER = "postgres"


def find_pg_bindir() -> Path | None:
    """Folder with initdb/pg_ctl/postgres: PG_BINDIR, Debian's versioned folders, then PATH."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]))
    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(os.path.realpath(initdb)).parent)
    for folder in candidates:
        if all((folder / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def _chown_tree(root: Path, user: str) -> None:
    shutil.chown(root, user, user)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), pwd.getpwnam(user).pw_uid, pwd.getpwnam(user).pw_gid,
                     follow_symlinks=False)


def _ensure_pg_user() -> None:
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                       check=True)


class PostgresServer:
    """A throw-away PostgreSQL cluster on 127.0.0.1:<free port>, its unix socket in its own temp
    folder; ``stop()``/``start()`` simulate an outage, ``destroy()`` removes everything.

    ``init(template=...)`` copies an already initialised data folder instead of running initdb
    (initdb takes seconds; a copy takes milliseconds)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="leads-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sockets"
        self.logfile = self.root / "postgres.log"
        self.port = free_port()
        self.dbname = "leads_test"

    def _run(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = list(args)
        if self.as_root:
            cmd = ["runuser", "-u", PG_USER, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout)

    def init(self, template: Path | None = None) -> PostgresServer:
        self.sockets.mkdir()
        if template is not None:
            shutil.copytree(template, self.data, symlinks=True)
        if self.as_root:
            _ensure_pg_user()
            _chown_tree(self.root, PG_USER)
        if template is None:
            try:
                self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", PG_USER, "--auth=trust",
                          "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions", timeout=120)
            except subprocess.CalledProcessError as exc:
                raise RuntimeError(f"initdb failed:\n{exc.stdout}\n{exc.stderr}") from exc
        return self

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.logfile), "-o", options,
                      "-w", "-t", "60", "start", timeout=90)
        except subprocess.CalledProcessError as exc:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(f"postgres did not start:\n{exc.stdout}\n{exc.stderr}\n{log}") from exc

    def is_running(self) -> bool:
        return self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop",
                  check=False, timeout=90)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def admin(self, sql: str, dbname: str | None = None) -> None:
        import psycopg2

        dsn = f"host=127.0.0.1 port={self.port} user={PG_USER} dbname={dbname or self.dbname}"
        conn = psycopg2.connect(dsn, connect_timeout=10)
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    def create_test_database(self) -> None:
        self.admin(f'CREATE DATABASE "{self.dbname}"', dbname="postgres")

    def new_schema(self) -> str:
        """A fresh, empty schema; the URL puts it first (and alone) on the search_path."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        self.admin(f'CREATE SCHEMA "{schema}"')
        return schema

    def drop_schema(self, schema: str) -> None:
        with contextlib.suppress(Exception):
            self.admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')

    def url(self, schema: str | None = None) -> str:
        url = f"postgresql+psycopg2://{PG_USER}@127.0.0.1:{self.port}/{self.dbname}"
        if schema:
            url += f"?options=-csearch_path%3D{schema}"
        return url


def pg_bindir_or_skip() -> Path:
    bindir = find_pg_bindir()
    if bindir is None:
        reason = ("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in PG_BINDIR, "
                  "/usr/lib/postgresql/*/bin or PATH; install Debian's 'postgresql' package")
        if os.environ.get("REQUIRE_POSTGRES") == "1":
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}")
        print(f"skipping PostgreSQL tests: {reason}")
        pytest.skip(reason)
    return bindir
