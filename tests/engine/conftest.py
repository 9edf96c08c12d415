"""Fixtures shared by the engine's tests: a throwaway PostgreSQL server.

`pg_server` starts one cluster per test session (initdb into a temporary folder,
loopback only, trust authentication) and removes it afterwards; `pg_url` is a fresh
database in it. Skipped only when no PostgreSQL server binaries are installed
(Debian: `apt-get install postgresql`). Used by test_postgres.py and test_migrations.py.
"""

from __future__ import annotations

import dataclasses
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_USER = "postgres"


# --------------------------------------------------------------------------- the server


def _server_bindir() -> Path | None:
    """Where initdb, pg_ctl and postgres live: $PG_BINDIR, Debian's layout, pg_config, or PATH."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        reverse=True,  # newest major version first
        key=lambda p: [int(x) if x.isdigit() else -1 for x in Path(p).parent.name.split(".")],
    )
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            candidates.append(
                subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, timeout=10).stdout.strip()
            )
        except (OSError, subprocess.SubprocessError):
            pass
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).parent))
    for c in candidates:
        if c and all((Path(c) / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return Path(c)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclasses.dataclass
class PgServer:
    port: int
    _names: itertools.count = dataclasses.field(default_factory=lambda: itertools.count(1))

    def url(self, database: str = "postgres", driver: str = "postgresql+psycopg") -> str:
        return f"{driver}://{PG_USER}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        engine = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(text(sql))
        finally:
            engine.dispose()

    def create_database(self, options: str = "ENCODING 'UTF8' TEMPLATE template0") -> str:
        name = f"promo_{os.getpid()}_{next(self._names)}"
        self.admin(f"CREATE DATABASE {name} {options}")
        return name


@pytest.fixture(scope="session")
def pg_server():
    bindir = _server_bindir()
    if bindir is None:
        pytest.skip(
            "no PostgreSQL server binaries installed (initdb, pg_ctl, postgres); on Debian: apt-get install postgresql"
        )
    as_root = os.geteuid() == 0
    if as_root:  # PostgreSQL refuses to run as root: run it as the postgres OS user
        try:
            owner = pwd.getpwnam(PG_USER)
        except KeyError:
            pytest.fail(f"running as root and there is no {PG_USER!r} OS user to run PostgreSQL as")
    # short path: the Unix socket lives in it too (sockets are limited to ~100 characters)
    base = Path(tempfile.mkdtemp(prefix="pgtest-", dir="/tmp"))
    if as_root:
        os.chown(base, owner.pw_uid, owner.pw_gid)

    def run(*cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
        full = (["runuser", "-u", PG_USER, "--"] if as_root else []) + list(cmd)
        return subprocess.run(full, capture_output=True, text=True, timeout=timeout, cwd=base)

    data, log = base / "data", base / "server.log"
    port = _free_port()
    try:
        init = run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            PG_USER,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-locale",
            "--no-sync",
        )
        assert init.returncode == 0, f"initdb failed:\n{init.stdout}\n{init.stderr}"
        options = (
            f"-k {base} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        start = run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
            timeout=90,
        )
        assert start.returncode == 0, f"pg_ctl start failed:\n{start.stdout}\n{start.stderr}\n" + (
            log.read_text(errors="replace") if log.exists() else ""
        )
        yield PgServer(port)
    finally:
        if (data / "postmaster.pid").exists():
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server):
    return pg_server.url(pg_server.create_database())
