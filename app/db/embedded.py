"""A private PostgreSQL + PostGIS cluster for one Relevé data directory.

`releve serve` uses it when no RELEVE_DATABASE_URL is configured, and the tests use it for a
throwaway cluster (DESIGN.md, "Embedded PostGIS"). Where the cluster lives (`base_dir`):

- not root: ``<data_dir>/pgdata``;
- root: PostgreSQL refuses to run as root, so the server binaries run as the ``postgres`` user
  and the cluster lives in ``/var/lib/releve/<12 hex of sha1(absolute data_dir)>``, which
  ``postgres`` owns and can reach (a checkout under ``/root``, mode 700, is not reachable).

``base_dir`` holds ``cluster/`` (PGDATA, with the server log ``postgres.log``), ``releve.lock``
(held by the Relevé process that started the server), ``port`` (the last port, reused when
free so that URLs stay stable) and ``credentials.json`` (mode 0600: the generated passwords,
see app/db/embedded_auth.py). The Unix socket is in ``/tmp/releve-<8 hex>``: the kernel
refuses socket paths longer than about 100 characters. Linux only: stale servers are recognised
through /proc.

Other commands on the same data directory attach to the running server (`start(attach=True)`)
instead of being refused; only a second owner (a second `releve serve`) is.
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading
import time
from pathlib import Path
from types import TracebackType

from app.db import embedded_auth as auth
from app.db.embedded_os import (
    EmbeddedAlreadyRunning,
    EmbeddedPostgresError,
    InstanceLock,
    find_postgres_bindir,
    install_signal_handlers,
    is_alive,
    tail,
)
from app.db.embedded_server import START_TIMEOUT_S, ServerControl, postmaster_status

__all__ = [
    "EmbeddedAlreadyRunning",
    "EmbeddedPostgres",
    "EmbeddedPostgresError",
    "find_postgres_bindir",
    "install_signal_handlers",
]

DEFAULT_DATABASE = "releve"


class EmbeddedPostgres(ServerControl):
    """The embedded cluster of one data directory; see the module docstring for the layout.

    `start()` (or `with`) initialises the cluster on first use, starts the server on a free
    127.0.0.1 port and a Unix socket in `socket_dir`, and makes sure database ``releve`` exists,
    owned by the app role, with PostGIS, btree_gist, unaccent and pg_trgm. `fast=True` trades
    durability on power loss for speed (tests only).
    """

    install_signal_handlers = staticmethod(install_signal_handlers)

    def __init__(self, data_dir: Path, *, fast: bool = False, bindir: Path | None = None) -> None:
        super().__init__(data_dir, fast=fast, bindir=bindir)
        self._lock = InstanceLock(self.base_dir / "releve.lock")
        self._lifecycle = threading.Lock()
        self._owner_pid: int | None = None
        self._attached = False

    @property
    def started(self) -> bool:
        """True in the process that started the server, until `stop()`."""
        return self._owner_pid == os.getpid()

    @property
    def attached(self) -> bool:
        """True when this manager uses a server another process started (`start(attach=True)`)."""
        return self._attached

    def dsn(self, database: str = DEFAULT_DATABASE) -> str:
        """A libpq/asyncpg URL for `database`, over TCP on loopback as the app role."""
        return self._url(auth.APP_ROLE, self.credentials.app_password, database)

    def admin_dsn(self, database: str = DEFAULT_DATABASE) -> str:
        """The same as the maintenance superuser (replication, cluster-wide settings)."""
        return self._url(auth.ADMIN_ROLE, self.credentials.admin_password, database)

    def sqlalchemy_url(self, database: str = DEFAULT_DATABASE) -> str:
        """The SQLAlchemy (asyncpg driver) URL for `database`, as the app role."""
        return self.dsn(database).replace("postgresql://", "postgresql+asyncpg://", 1)

    def start(self, *, attach: bool = False) -> None:
        """Start the server (initialising the cluster on first use); idempotent in a process.

        When another process holds this data directory: with `attach`, use its server (waiting
        until it is ready); without, raise EmbeddedAlreadyRunning. Raises EmbeddedPostgresError,
        with the end of the server log, when the server does not start.
        """
        if self.started or self._attached:
            return
        self._prepare_base_dir()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._lock.acquire():
            if not attach:
                raise EmbeddedAlreadyRunning(
                    f"Relevé is already running on data directory {self.data_dir} "
                    f"(pid {self._lock.holder()}); stop it first or set RELEVE_DATA_DIR to "
                    "another directory"
                )
            if self._try_attach():
                return
            if time.monotonic() > deadline:
                raise EmbeddedPostgresError(
                    f"Relevé (pid {self._lock.holder()}) holds {self.data_dir} but its "
                    f"PostgreSQL server is not ready; see {self.log_file}"
                )
            time.sleep(0.2)
        self._start_owned()

    def stop(self) -> None:
        """Stop the server (fast shutdown: sessions are cut) and release the data directory.

        An attached manager only forgets the server: its owner keeps it running."""
        if self._attached:
            self._attached = False
            self._port = None
            return
        with self._lifecycle:
            if not self.started:
                return
            atexit.unregister(self.stop)
            try:
                self._shutdown_server(quiet=False)
            finally:
                self._owner_pid = None
                self._port = None
                self._server_pid = None
                self._lock.release()

    def destroy(self) -> None:
        """Stop the server and delete the cluster and its socket directory (throwaway clusters).

        Raises EmbeddedAlreadyRunning when another process holds the data directory.
        """
        self.stop()
        if self.base_dir.exists():
            if not self._lock.acquire():
                raise EmbeddedAlreadyRunning(f"another process holds {self.data_dir}")
            try:
                self._clear_previous_server()
                shutil.rmtree(self.base_dir)
            finally:
                self._lock.release()
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def server_alive(self) -> bool:
        """True while the postmaster this manager started is running (not a zombie)."""
        return self._server_pid is not None and is_alive(self._server_pid)

    def recover(self) -> None:
        """Start the server again, on the same port, after it died (PostgreSQL replays its WAL:
        crash recovery). Raises EmbeddedPostgresError when it does not come back."""
        with self._lifecycle:
            if not self.started:
                raise EmbeddedPostgresError("the embedded PostgreSQL server is not started")
            self._clear_previous_server()
            self._prepare_socket_dir()
            self._launch([self.port])

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def psql(self, *statements: str, database: str = DEFAULT_DATABASE) -> str:
        """Run SQL statements with psql as the maintenance superuser; return the unaligned
        tuples output. The SQL goes through stdin: passwords in it never show in argv."""
        return self._psql(auth.ADMIN_ROLE, self.credentials.admin_password, statements, database)

    def create_database(self, name: str, template: str | None = None) -> None:
        """Create database `name` owned by the app role, with the extensions, as a copy of
        `template` if given (no session may use it)."""
        template_args = ["-T", template] if template else []
        owner = ["-O", auth.APP_ROLE]
        command = self._maintenance_command("createdb", *owner, *template_args, "--", name)
        self._client(command, password=self.credentials.admin_password)
        self.psql(*auth.extension_statements(), database=name)

    def drop_database(self, name: str) -> None:
        """Drop database `name` if it exists, disconnecting its sessions."""
        command = self._maintenance_command("dropdb", "--if-exists", "--force", "--", name)
        self._client(command, password=self.credentials.admin_password)

    def _start_owned(self) -> None:
        try:
            self._load_or_make_credentials()
            self._ensure_initialised()
            self._clear_previous_server()
            self._prepare_socket_dir()
            self._launch(self._candidate_ports())
            self._secure()
            self._ensure_database()
        except BaseException:
            self._shutdown_server(quiet=True)
            self._port = None
            self._lock.release()
            raise
        self._owner_pid = os.getpid()
        atexit.register(self.stop)

    def _load_or_make_credentials(self) -> None:
        self._credentials = auth.load_credentials(self.credentials_file)
        if self._credentials is None:
            self._credentials = auth.Credentials.generate()
            auth.save_credentials(self.credentials_file, self._credentials)

    def _try_attach(self) -> bool:
        """Use the server of the process holding the lock once it is ready; False until then."""
        status = postmaster_status(self.cluster_dir / "postmaster.pid")
        credentials = auth.load_credentials(self.credentials_file)
        if status is None or credentials is None:
            return False
        self._credentials = credentials
        self._port = status
        self._attached = True
        return True

    def _ensure_initialised(self) -> None:
        """Run initdb once per cluster; it works in a staging directory renamed when complete,
        so an interrupted first run never leaves a half-made cluster behind."""
        if (self.cluster_dir / "PG_VERSION").is_file():
            return
        if self.cluster_dir.exists():
            raise EmbeddedPostgresError(
                f"{self.cluster_dir} is not a PostgreSQL cluster; remove it"
            )
        staging = self.base_dir / "cluster.initdb"
        shutil.rmtree(staging, ignore_errors=True)
        password_file = self._server_file("initdb.pw", self.credentials.admin_password)
        args = [self._bin("initdb"), "-D", str(staging), "-U", auth.ADMIN_ROLE, "-E", "UTF8"]
        args += ["--locale=C", "--auth=scram-sha-256", f"--pwfile={password_file}"]
        args += ["--no-instructions", *(["--no-sync"] if self.fast else [])]
        try:
            result = self._run(args, as_server=True, timeout=START_TIMEOUT_S * 5)
        finally:
            password_file.unlink(missing_ok=True)
        if result.returncode != 0:
            output = tail(result.stdout + result.stderr)
            raise EmbeddedPostgresError(f"initdb failed for {self.cluster_dir}:\n{output}")
        self._write_hba(staging / "pg_hba.conf")
        staging.rename(self.cluster_dir)

    def _secure(self) -> None:
        """Convert a cluster that still trusts local connections, bring pg_hba.conf up to date,
        then (re)set the app role."""
        hba = self.cluster_dir / "pg_hba.conf"
        if hba.read_text() != auth.PG_HBA:
            if auth.hba_trusts(hba):
                self._convert_trust_cluster()
            self._write_hba(hba)
            self._pg_ctl("reload", timeout=10)
        self.psql(*auth.app_role_statements(self.credentials.app_password), database="postgres")

    def _convert_trust_cluster(self) -> None:
        """Passwords and an unprivileged app role for a cluster made by an earlier version, done
        while `trust` still lets us in (see app/db/embedded_auth.py)."""
        create = [auth.CREATE_CONVERSION_ROLE]
        self._psql(auth.LEGACY_SUPERUSER, None, create, "postgres")
        conversion = auth.conversion_statements(self.credentials.admin_password)
        self._psql(auth.CONVERSION_ROLE, None, conversion, "postgres")
        databases = self._psql(auth.ADMIN_ROLE, None, [auth.APPLICATION_DATABASES], "postgres")
        for database in databases.split():
            transfer = [auth.TRANSFER_OWNERSHIP, auth.TRANSFER_EXTENSIONS]
            self._psql(auth.ADMIN_ROLE, None, transfer, database)
        self._psql(auth.ADMIN_ROLE, None, [f"DROP ROLE {auth.CONVERSION_ROLE}"], "postgres")

    def _ensure_database(self) -> None:
        query = f"SELECT 1 FROM pg_database WHERE datname = '{DEFAULT_DATABASE}'"
        if not self.psql(query, database="postgres"):
            self.create_database(DEFAULT_DATABASE)
        else:
            self.psql(*auth.extension_statements())
