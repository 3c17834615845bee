"""A PostgreSQL server for the tests, and a fresh database for each test.

The server is, in order of preference:

1. the one named by ``$EXTRACTOR_TEST_PG`` (a SQLAlchemy URL whose role may create databases),
   as ``.ci/run`` exports it; if that server cannot be reached the tests fail rather than skip;
2. a throwaway server this module starts itself (``initdb`` into a temporary directory, ``pg_ctl
   start`` on a free port of 127.0.0.1), when PostgreSQL's programs are on the machine;
3. none: the PostgreSQL tests are skipped, with the reason shown in pytest's summary.

The core is standard library only, so ``.ci/run`` uses it with the system Python before the
virtual environment exists::

    python3 tests/pg.py start DIR     # initdb into DIR, start, create a role and a database; prints the URL
    python3 tests/pg.py stop DIR      # stop the server and delete DIR

In pytest, load it with ``pytest_plugins = ("tests.pg",)`` (rather than importing it, so that it
is loaded once): it provides the fixtures ``pg_server`` (a URL whose role may create databases),
``pg_url`` (a new database for one test) and ``pg_databases`` (new databases on demand).
"""
from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

ENV = "EXTRACTOR_TEST_PG"
NO_SERVER = f"no PostgreSQL server: set {ENV} or install postgresql"
ROLE = PASSWORD = DATABASE = "extractor"
_SERVER_OWNER = "postgres"  # PostgreSQL refuses to run as root; as root the server runs as this user


class Unavailable(Exception):
    """No PostgreSQL server can be started here; the message says why."""


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl: from PATH, else Debian's /usr/lib/postgresql/N/bin."""
    candidates: list[Path] = []
    for name in ("pg_ctl", "initdb"):
        found = shutil.which(name)
        if found:
            candidates.append(Path(found).resolve().parent)
    by_version = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(n) for n in re.findall(r"\d+", p)], reverse=True)
    candidates += [Path(p) for p in by_version]
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run(args: list[str], as_owner: bool, **kwargs) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    extra = {"user": _SERVER_OWNER, "group": pwd.getpwnam(_SERVER_OWNER).pw_gid, "extra_groups": []} if as_owner else {}
    return subprocess.run(args, capture_output=True, text=True, stdin=subprocess.DEVNULL, **extra, **kwargs)


def _check(proc: subprocess.CompletedProcess[str], what: str) -> None:
    if proc.returncode != 0:
        raise Unavailable(f"{what} failed ({proc.returncode}): {(proc.stderr or proc.stdout).strip()[-800:]}")


def start(base: Path) -> str:
    """initdb into base/data, start the server, create role and database; returns their URL."""
    bindir = find_bindir()
    if bindir is None:
        raise Unavailable(NO_SERVER)
    as_owner = os.geteuid() == 0
    if as_owner:
        try:
            owner = pwd.getpwnam(_SERVER_OWNER)
        except KeyError:
            raise Unavailable(f"{NO_SERVER} (running as root and there is no {_SERVER_OWNER!r} user to run it as)") from None
    base.mkdir(parents=True, exist_ok=True)
    base.chmod(0o700)
    if as_owner:
        os.chown(base, owner.pw_uid, owner.pw_gid)
    data = base / "data"
    _check(_run([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-E", "UTF8", "--no-locale", "--no-sync",
                 "--auth-local=trust", "--auth-host=scram-sha-256"], as_owner), "initdb")
    for _attempt in range(5):  # the free port may be taken between choosing and binding it
        port = _free_port()
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {base} "
                   "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50")
        proc = _run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
                     "-o", options, "start"], as_owner)
        if proc.returncode == 0:
            break
        log = (base / "server.log").read_text(errors="replace") if (base / "server.log").exists() else ""
        if "could not bind" not in log and "in use" not in log:
            _check(proc, f"pg_ctl start ({log.strip()[-400:]})")
    else:
        _check(proc, "pg_ctl start")
    (base / "port").write_text(str(port))
    psql = bindir / "psql" if (bindir / "psql").is_file() else Path(shutil.which("psql") or "psql")
    sql = [f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{PASSWORD}'", f"CREATE DATABASE {DATABASE} OWNER {ROLE}"]
    args = [str(psql), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", str(base), "-p", str(port), "-U", "postgres", "-d", "postgres"]
    for statement in sql:
        args += ["-c", statement]
    _check(_run(args, as_owner), "creating the test role and database")
    return url_for(port)


def url_for(port: int, database: str = DATABASE) -> str:
    return f"postgresql+psycopg://{ROLE}:{PASSWORD}@127.0.0.1:{port}/{database}"


def stop(base: Path) -> None:
    """Stop the server started in base (if it runs) and delete base."""
    bindir = find_bindir()
    if bindir is not None and (base / "data" / "postmaster.pid").exists():
        _run([str(bindir / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "-w", "stop"], os.geteuid() == 0)
    shutil.rmtree(base, ignore_errors=True)


# --- pytest: a session server and a fresh database per test -------------------------------

try:
    import pytest
except ModuleNotFoundError:  # run as a script by .ci/run, before the virtual environment exists
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture(scope="session")
    def pg_server() -> Iterator[str]:
        """A URL whose role may create databases, or the tests that need one are skipped."""
        configured = os.environ.get(ENV)
        if configured:
            yield configured
            return
        # Not under pytest's tmp_path: that is private to this user, and the server may run as postgres.
        base = Path(tempfile.mkdtemp(prefix="extractor-pg-"))
        try:
            try:
                url = start(base)
            except Unavailable as exc:
                pytest.skip(str(exc))
            yield url
        finally:
            stop(base)

    @pytest.fixture
    def pg_url(pg_server: str) -> Iterator[str]:
        """A URL for a new, empty database on the test server; dropped after the test."""
        with fresh_database(pg_server) as url:
            yield url

    @pytest.fixture(scope="session")
    def pg_databases(pg_server: str) -> Callable[[], contextlib.AbstractContextManager[str]]:
        """For fixtures wider than a test: `with pg_databases() as url:` a new database, then gone."""
        return lambda: fresh_database(pg_server)


@contextlib.contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A uniquely named database on server_url's server (or, without CREATEDB, a schema), then gone."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ProgrammingError
    from sqlalchemy.pool import NullPool

    name = f"extractor_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            try:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
                kind = "database"
            except ProgrammingError:  # no CREATEDB: a schema of its own in the given database instead
                conn.execute(text(f'CREATE SCHEMA "{name}"'))
                kind = "schema"
        base = make_url(server_url)
        if kind == "database":
            url = base.set(database=name)
        else:
            url = base.update_query_dict({"options": f"-csearch_path={name}"})
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                if kind == "database":
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                else:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    finally:
        admin.dispose()


def _main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: python3 tests/pg.py start|stop DIR", file=sys.stderr)
        return 2
    command, base = argv[0], Path(argv[1])
    if command == "stop":
        stop(base)
        return 0
    try:
        print(start(base))
    except Unavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
