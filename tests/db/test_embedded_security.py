"""Who can reach the embedded cluster: only the Relevé process, with its generated passwords;
the app role is no superuser; clusters made with `trust` by earlier versions are converted."""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest

from app.db import migrate
from app.db.embedded import EmbeddedPostgres, EmbeddedPostgresError
from app.db.embedded_auth import hba_trusts, load_credentials
from tests.live import free_port

SUBPROCESS_TIMEOUT_S = 120
OLD_PG_HBA = "local all all trust\nhost  all all 127.0.0.1/32 trust\n"
needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="switching to another user needs root")


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    data_dir = tmp_path / "data"
    yield data_dir
    EmbeddedPostgres(data_dir).destroy()


def psql_as_nobody(pg: EmbeddedPostgres, host: str, role: str) -> subprocess.CompletedProcess[str]:
    """psql run by the unprivileged account `nobody`, which knows no password (-w: no prompt)."""
    psql = str(pg.bindir / "psql")
    command = ["runuser", "-u", "nobody", "--", psql, "-X", "-w", "-h", host]
    command += ["-p", str(pg.port), "-U", role, "-d", "releve", "-c", "SELECT 1"]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
    return subprocess.run(
        command, capture_output=True, text=True, env=env, cwd="/", timeout=SUBPROCESS_TIMEOUT_S
    )


def assert_locked_out(pg: EmbeddedPostgres) -> None:
    for host in ("127.0.0.1", str(pg.socket_dir)):
        for role in ("releve", "releve_admin"):
            result = psql_as_nobody(pg, host, role)
            assert result.returncode != 0, f"nobody connected as {role} through {host}"
            refusal = result.stderr.lower()
            assert "password" in refusal or "permission denied" in refusal, result.stderr


async def app_role_facts(dsn: str) -> tuple[bool, str]:
    connection = await asyncpg.connect(dsn, timeout=30)
    try:
        superuser = await connection.fetchval(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        )
        try:
            await connection.execute("COPY (SELECT 1) TO PROGRAM 'id'")
        except asyncpg.PostgresError as error:
            refusal = str(error)
        else:
            refusal = ""
    finally:
        await connection.close()
    return superuser, refusal


@needs_root
def test_another_local_user_cannot_connect(data_dir: Path) -> None:
    with EmbeddedPostgres(data_dir, fast=True) as pg:
        assert_locked_out(pg)


def test_app_role_is_no_superuser(data_dir: Path) -> None:
    with EmbeddedPostgres(data_dir, fast=True) as pg:
        superuser, refusal = asyncio.run(app_role_facts(pg.dsn()))
        assert superuser is False
        assert "must be superuser" in refusal
        assert pg.psql("SELECT current_setting('is_superuser')") == "on"


def test_passwords_file_is_private(data_dir: Path) -> None:
    with EmbeddedPostgres(data_dir, fast=True) as pg:
        status = pg.credentials_file.stat()
        assert status.st_mode & 0o777 == 0o600
        assert status.st_uid == os.geteuid()
        assert pg.credentials.app_password in pg.credentials_file.read_text()
        assert pg.credentials.app_password != pg.credentials.admin_password


def make_legacy_cluster(pg: EmbeddedPostgres) -> None:
    """What earlier versions made: bootstrap superuser `releve`, trust, the schema migrated
    by that superuser, and a row of data."""
    account = None
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        account = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}"]
        account += ["--init-groups", "--"]
    for directory in (pg.base_dir, pg.socket_dir):
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")

    def server(*args: str) -> None:
        command = [*(account or []), *args]
        subprocess.run(command, cwd=pg.base_dir, check=True, capture_output=True,
                       timeout=SUBPROCESS_TIMEOUT_S)  # fmt: skip

    initdb, pg_ctl = str(pg.bindir / "initdb"), str(pg.bindir / "pg_ctl")
    server(initdb, "-D", str(pg.cluster_dir), "-U", "releve", "-A", "trust", "--no-sync")
    (pg.cluster_dir / "pg_hba.conf").write_text(OLD_PG_HBA)
    port = free_port()
    options = f"-p {port} -h 127.0.0.1 -k {pg.socket_dir} -c fsync=off"
    log = str(pg.cluster_dir / "postgres.log")  # also keeps the server off our pipes
    server(pg_ctl, "-D", str(pg.cluster_dir), "-w", "-t", "60", "-l", log, "-o", options, "start")
    try:
        psql = [str(pg.bindir / "psql"), "-X", "-h", str(pg.socket_dir), "-p", str(port)]
        psql += ["-U", "releve", "-v", "ON_ERROR_STOP=1"]
        subprocess.run([*psql, "-d", "postgres", "-c", "CREATE DATABASE releve"],
                       check=True, capture_output=True, timeout=SUBPROCESS_TIMEOUT_S)  # fmt: skip
        migrate.upgrade(f"postgresql+asyncpg://releve@127.0.0.1:{port}/releve")
        insert = "INSERT INTO users (id, display_name) VALUES (gen_random_uuid(), 'Camille')"
        subprocess.run([*psql, "-d", "releve", "-c", insert],
                       check=True, capture_output=True, timeout=SUBPROCESS_TIMEOUT_S)  # fmt: skip
    finally:
        server(pg_ctl, "-D", str(pg.cluster_dir), "-w", "-t", "60", "-m", "fast", "stop")


async def read_names(dsn: str) -> list[str]:
    connection = await asyncpg.connect(dsn, timeout=30)
    try:
        rows = await connection.fetch("SELECT display_name FROM users")
    finally:
        await connection.close()
    return [row["display_name"] for row in rows]


def test_trust_cluster_of_an_earlier_version_is_converted(data_dir: Path) -> None:
    pg = EmbeddedPostgres(data_dir, fast=True)
    make_legacy_cluster(pg)

    with pg:
        assert not hba_trusts(pg.cluster_dir / "pg_hba.conf")
        if os.geteuid() == 0:
            assert_locked_out(pg)
        superuser, refusal = asyncio.run(app_role_facts(pg.dsn()))
        assert superuser is False and "must be superuser" in refusal
        assert asyncio.run(read_names(pg.dsn())) == ["Camille"]
        # The app role now owns the schema: every migration goes down and up again as it.
        migrate.downgrade(pg.sqlalchemy_url(), "base")
        migrate.upgrade(pg.sqlalchemy_url())

    with pg:  # a converted cluster starts as any other
        assert asyncio.run(read_names(pg.dsn())) == []


def test_a_standby_copies_the_cluster_with_the_maintenance_password(
    data_dir: Path, tmp_path: Path
) -> None:
    with EmbeddedPostgres(data_dir, fast=True) as pg:
        command = [str(pg.bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(pg.port)]
        command += [
            "-U",
            "releve_admin",
            "-w",
            "-D",
            str(tmp_path / "standby"),
            "-X",
            "fetch",
            "-c",
            "fast",
        ]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C"}
        refused = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=SUBPROCESS_TIMEOUT_S
        )
        env["PGPASSWORD"] = pg.credentials.admin_password
        copied = subprocess.run(
            command, capture_output=True, text=True, env=env, timeout=SUBPROCESS_TIMEOUT_S
        )
    assert refused.returncode != 0 and "password" in refused.stderr
    assert copied.returncode == 0, copied.stderr
    assert (tmp_path / "standby" / "PG_VERSION").is_file()


def test_a_damaged_passwords_file_is_named(tmp_path: Path) -> None:
    damaged = tmp_path / "credentials.json"
    damaged.write_text('{"releve": "only one"')

    with pytest.raises(EmbeddedPostgresError, match=r"credentials\.json is damaged"):
        load_credentials(damaged)
    assert load_credentials(tmp_path / "missing.json") is None
