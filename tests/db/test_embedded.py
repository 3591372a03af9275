"""The embedded PostGIS manager, against real initdb/pg_ctl: one cluster per test."""

from __future__ import annotations

import os
import re
import select
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import asyncpg
import pytest

from app.db.embedded import (
    EmbeddedAlreadyRunning,
    EmbeddedPostgres,
    EmbeddedPostgresError,
    find_postgres_bindir,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

# A Relevé process that holds the cluster until it is killed or sent SIGTERM.
HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from app.db.embedded import EmbeddedPostgres, install_signal_handlers

    install_signal_handlers()
    with EmbeddedPostgres(Path(sys.argv[1]), fast=True) as pg:
        print(pg.port, flush=True)
        time.sleep(600)
    """
)

Spawn = Callable[[], subprocess.Popen[str]]


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    data_dir = tmp_path / "data"
    yield data_dir
    # Also stops a server orphaned by a killed holder; as root, removes /var/lib/releve/<hash>.
    EmbeddedPostgres(data_dir).destroy()


@pytest.fixture
def spawn_holder(data_dir: Path) -> Iterator[Spawn]:
    """Start HOLDER on data_dir in a child process and wait until its server is up."""
    children: list[subprocess.Popen[str]] = []

    def spawn() -> subprocess.Popen[str]:
        env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
        child = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(data_dir)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        children.append(child)
        assert child.stdout is not None
        ready, _, _ = select.select([child.stdout], [], [], 60)
        if not ready or not child.stdout.readline():
            child.kill()
            pytest.fail(f"holder did not start: {child.communicate(timeout=30)[1]}")
        return child

    yield spawn
    for child in children:
        child.kill()
        child.communicate(timeout=30)


def postmaster_pid(pg: EmbeddedPostgres) -> int:
    return int((pg.cluster_dir / "postmaster.pid").read_text().split()[0])


def is_alive(pid: int) -> bool:
    """False once the process is gone or a zombie (its new parent may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def wait_dead(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while is_alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


async def test_start_connect_stop_and_restart_keeps_data(data_dir: Path) -> None:
    # Async on purpose: the sync helpers must also work inside a running event loop.
    with EmbeddedPostgres(data_dir, fast=True) as pg:
        assert pg.psql("SELECT postgis_version()").startswith("3.")
        assert re.fullmatch(
            r"postgresql\+asyncpg://releve:[0-9a-f]{48}@127\.0\.0\.1:\d+/releve",
            pg.sqlalchemy_url(),
        )
        connection = await asyncpg.connect(pg.dsn())
        extensions = await connection.fetch("SELECT extname FROM pg_extension ORDER BY 1")
        await connection.close()
        assert {"postgis", "btree_gist", "unaccent"} <= {row["extname"] for row in extensions}
        pg.psql("CREATE TABLE site (name text)", "INSERT INTO site VALUES ('Mont Ventoux')")
        pg.create_database("copy", template="releve")
        assert pg.psql("SELECT name FROM site", database="copy") == "Mont Ventoux"
        pg.drop_database("copy")
        pg.drop_database("copy")  # already gone: no error
        server = postmaster_pid(pg)

    assert wait_dead(server)
    assert not (pg.cluster_dir / "postmaster.pid").exists()
    with pytest.raises(EmbeddedPostgresError, match="not started"):
        pg.dsn()
    with EmbeddedPostgres(data_dir, fast=True) as again:
        assert again.psql("SELECT name FROM site") == "Mont Ventoux"


def test_cluster_lives_where_postgres_can_reach_it(data_dir: Path) -> None:
    pg = EmbeddedPostgres(data_dir)
    if os.geteuid() == 0:
        assert pg.base_dir.parent == Path("/var/lib/releve")
        assert re.fullmatch(r"[0-9a-f]{12}", pg.base_dir.name)
    else:
        assert pg.base_dir == data_dir.resolve() / "pgdata"
    assert pg.cluster_dir.parent == pg.base_dir
    assert len(str(pg.socket_dir)) < 30


def test_start_after_a_crash(data_dir: Path, spawn_holder: Spawn) -> None:
    pg = EmbeddedPostgres(data_dir, fast=True)

    # The Relevé process dies; its server keeps running, orphaned.
    holder = spawn_holder()
    orphan = postmaster_pid(pg)
    holder.kill()
    holder.wait(timeout=30)
    assert is_alive(orphan)
    with pg:
        assert wait_dead(orphan)
        assert pg.psql("SELECT 1") == "1"

    # Both die: postmaster.pid names a dead process.
    holder = spawn_holder()
    server = postmaster_pid(pg)
    holder.kill()
    holder.wait(timeout=30)
    os.kill(server, signal.SIGKILL)
    assert wait_dead(server)
    with pg:
        assert pg.psql("SELECT 1") == "1"

    # After a reboot the PID may belong to another program: it must be left alone.
    with subprocess.Popen(["sleep", "60"]) as unrelated:
        pid_file = pg.cluster_dir / "postmaster.pid"
        pid_file.write_text(f"{unrelated.pid}\n{pg.cluster_dir}\n")
        with pg:
            assert pg.psql("SELECT 1") == "1"
        assert unrelated.poll() is None
        unrelated.kill()


def test_second_instance_is_refused(data_dir: Path, spawn_holder: Spawn) -> None:
    holder = spawn_holder()
    pg = EmbeddedPostgres(data_dir, fast=True)

    with pytest.raises(EmbeddedAlreadyRunning) as refused:
        pg.start()

    assert str(refused.value) == (
        f"Relevé is already running on data directory {data_dir.resolve()} (pid {holder.pid}); "
        "stop it first or set RELEVE_DATA_DIR to another directory"
    )
    # SIGTERM ends the holder cleanly (install_signal_handlers): its server stops with it.
    server = postmaster_pid(pg)
    holder.terminate()
    assert holder.wait(timeout=30) == 128 + signal.SIGTERM
    assert wait_dead(server)
    with pg:
        assert pg.psql("SELECT 1") == "1"


def test_binaries_newest_version_with_postgis(tmp_path: Path) -> None:
    for version in ("9.6", "14", "16"):
        initdb = tmp_path / f"usr/lib/postgresql/{version}/bin/initdb"
        initdb.parent.mkdir(parents=True)
        initdb.touch()
    for version in ("9.6", "14"):
        control = tmp_path / f"usr/share/postgresql/{version}/extension/postgis.control"
        control.parent.mkdir(parents=True)
        control.touch()

    found = find_postgres_bindir(root=tmp_path, pg_config=None)

    assert found == tmp_path / "usr/lib/postgresql/14/bin"


def test_missing_postgis_names_the_install_command(tmp_path: Path) -> None:
    initdb = tmp_path / "usr/lib/postgresql/16/bin/initdb"
    initdb.parent.mkdir(parents=True)
    initdb.touch()
    sudo = "" if os.geteuid() == 0 else "sudo "

    with pytest.raises(EmbeddedPostgresError) as missing:
        find_postgres_bindir(root=tmp_path, pg_config=None)

    assert f"Install it with: {sudo}apt-get install postgresql-16-postgis-3" in str(missing.value)
