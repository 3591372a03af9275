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
import contextlib
import hashlib
import os
import pwd
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from types import TracebackType
from urllib.parse import quote

from app.db import embedded_auth as auth
from app.db.embedded_os import (
    CLIENT_TIMEOUT_S,
    EmbeddedAlreadyRunning,
    EmbeddedPostgresError,
    InstanceLock,
    bind_port,
    clean_env,
    cmdline,
    cwd_of,
    find_postgres_bindir,
    install_hint,
    install_signal_handlers,
    is_alive,
    pids_with_cwd,
    read_from,
    read_int,
    run,
    tail,
    wait_for,
)

__all__ = [
    "EmbeddedAlreadyRunning",
    "EmbeddedPostgres",
    "EmbeddedPostgresError",
    "find_postgres_bindir",
    "install_signal_handlers",
]

DEFAULT_DATABASE = "releve"
SERVER_ACCOUNT = "postgres"
ROOT_CLUSTERS_DIR = Path("/var/lib/releve")
# Not tempfile.gettempdir(): $TMPDIR may be long, or unreachable by the postgres user.
SOCKET_PARENT = Path("/tmp")
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 60
# pg_ctl waits itself; this bounds the pg_ctl process (a hang must never block a caller).
PG_CTL_SLACK_S = 30
PORT_ATTEMPTS = 3
LOG_ROTATE_BYTES = 10 * 1024 * 1024


class EmbeddedPostgres:
    """The embedded cluster of one data directory; see the module docstring for the layout.

    `start()` (or `with`) initialises the cluster on first use, starts the server on a free
    127.0.0.1 port and a Unix socket in `socket_dir`, and makes sure database ``releve`` exists,
    owned by the app role, with PostGIS, btree_gist and unaccent. `fast=True` trades durability
    on power loss for speed (tests only).
    """

    install_signal_handlers = staticmethod(install_signal_handlers)

    def __init__(self, data_dir: Path, *, fast: bool = False, bindir: Path | None = None) -> None:
        self.data_dir = data_dir.resolve()
        self.fast = fast
        self._as_root = os.geteuid() == 0
        self._given_bindir = bindir
        if self._as_root:
            digest = hashlib.sha1(str(self.data_dir).encode(), usedforsecurity=False)
            self.base_dir = ROOT_CLUSTERS_DIR / digest.hexdigest()[:12]
        else:
            self.base_dir = self.data_dir / "pgdata"
        self.cluster_dir = self.base_dir / "cluster"
        self.log_file = self.cluster_dir / "postgres.log"
        self.credentials_file = self.base_dir / "credentials.json"
        socket_digest = hashlib.sha1(str(self.cluster_dir).encode(), usedforsecurity=False)
        self.socket_dir = SOCKET_PARENT / f"releve-{socket_digest.hexdigest()[:8]}"
        self._lock = InstanceLock(self.base_dir / "releve.lock")
        self._lifecycle = threading.Lock()
        self._port: int | None = None
        self._owner_pid: int | None = None
        self._server_pid: int | None = None
        self._attached = False
        self._credentials: auth.Credentials | None = None

    # --- public contract -------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """True in the process that started the server, until `stop()`."""
        return self._owner_pid == os.getpid()

    @property
    def attached(self) -> bool:
        """True when this manager uses a server another process started (`start(attach=True)`)."""
        return self._attached

    @property
    def port(self) -> int:
        """The server's TCP port on 127.0.0.1; the server must be started."""
        if self._port is None:
            raise EmbeddedPostgresError("the embedded PostgreSQL server is not started")
        return self._port

    @property
    def credentials(self) -> auth.Credentials:
        if self._credentials is None:
            raise EmbeddedPostgresError("the embedded PostgreSQL server is not started")
        return self._credentials

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

    # --- directories, lock and accounts ----------------------------------------------------

    @cached_property
    def bindir(self) -> Path:
        """The PostgreSQL bin directory in use (found on first use)."""
        return self._given_bindir or find_postgres_bindir()

    @cached_property
    def _server_account(self) -> tuple[int, int] | None:
        """(uid, gid) the server binaries run as: postgres when we are root, else ourselves."""
        if not self._as_root:
            return None
        try:
            entry = pwd.getpwnam(SERVER_ACCOUNT)
        except KeyError:
            raise EmbeddedPostgresError(
                f"Running as root needs the {SERVER_ACCOUNT!r} system user. "
                + install_hint(Path("/"))
            ) from None
        return entry.pw_uid, entry.pw_gid

    def _give_to_server(self, path: Path) -> None:
        if self._server_account is not None:
            os.chown(path, *self._server_account)

    def _prepare_base_dir(self) -> None:
        if self._as_root:
            ROOT_CLUSTERS_DIR.mkdir(parents=True, exist_ok=True)
            ROOT_CLUSTERS_DIR.chmod(0o755)  # postgres must traverse it
        self.base_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._give_to_server(self.base_dir)
        if self._as_root:
            # Says which checkout a directory under /var/lib/releve belongs to.
            (self.base_dir / "data_dir").write_text(f"{self.data_dir}\n")

    def _prepare_socket_dir(self) -> None:
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        self._give_to_server(self.socket_dir)
        owner = self._server_account[0] if self._server_account else os.geteuid()
        if self.socket_dir.stat().st_uid != owner:
            raise EmbeddedPostgresError(f"{self.socket_dir} belongs to another user; remove it")
        # Sockets and their lock files left by a crashed server of this cluster.
        for entry in self.socket_dir.glob(".s.PGSQL.*"):
            entry.unlink(missing_ok=True)

    # --- subprocesses ----------------------------------------------------------------------

    def _bin(self, name: str) -> str:
        return str(self.bindir / name)

    def _run(
        self,
        args: Sequence[str],
        *,
        as_server: bool = False,
        timeout: float = CLIENT_TIMEOUT_S,
        password: str | None = None,
        input_text: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        return run(
            args,
            timeout=timeout,
            cwd=self.base_dir,  # reachable by postgres, unlike a checkout under /root
            env=clean_env(password),
            account=self._server_account if as_server else None,
            input_text=input_text,
        )

    def _pg_ctl(
        self, *args: str, timeout: float = STOP_TIMEOUT_S
    ) -> subprocess.CompletedProcess[str]:
        command = [self._bin("pg_ctl"), "-D", str(self.cluster_dir), *args]
        return self._run(command, as_server=True, timeout=timeout + PG_CTL_SLACK_S)

    def _psql(
        self, role: str, password: str | None, statements: Iterable[str], database: str
    ) -> str:
        args = [self._bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-w"]
        args += [*self._connection_args(role), "-d", database, "-f", "-"]
        script = "".join(f"{statement};\n" for statement in statements)
        return self._client(args, password=password, input_text=script)

    def _connection_args(self, role: str = auth.ADMIN_ROLE) -> list[str]:
        return ["-h", str(self.socket_dir), "-p", str(self.port), "-U", role]

    def _maintenance_command(self, program: str, *args: str) -> list[str]:
        connection = self._connection_args()
        return [self._bin(program), *connection, "-w", "--maintenance-db=postgres", *args]

    def _client(
        self, args: list[str], *, password: str | None, input_text: str | None = None
    ) -> str:
        result = self._run(args, password=password, input_text=input_text)
        if result.returncode != 0:
            name = Path(args[0]).name
            raise EmbeddedPostgresError(f"{name} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    # --- lifecycle steps -------------------------------------------------------------------

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
        status = _postmaster_status(self.cluster_dir / "postmaster.pid")
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

    def _server_file(self, name: str, content: str) -> Path:
        """A file in base_dir, mode 0600, readable by the server account only."""
        path = self.base_dir / name
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(content + "\n")
        self._give_to_server(path)
        return path

    def _write_hba(self, hba: Path) -> None:
        staging = hba.with_name("pg_hba.conf.new")
        staging.write_text(auth.PG_HBA)
        staging.chmod(0o600)
        self._give_to_server(staging)
        staging.rename(hba)

    def _secure(self) -> None:
        """Convert a cluster that still trusts local connections, then (re)set the app role."""
        hba = self.cluster_dir / "pg_hba.conf"
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

    def _clear_previous_server(self) -> None:
        """Make way after a crash. Called with the instance lock held, so any server still
        running on this cluster is an orphan of a dead Relevé process: stop it. A pid file
        whose PID is dead or belongs to another program is stale: delete it."""
        pid_file = self.cluster_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        pid = read_int(pid_file)
        if pid is not None and self._is_cluster_postmaster(pid):
            self._stop_orphan(pid)
        self._wait_until_cluster_unused()
        pid_file.unlink(missing_ok=True)

    def _is_cluster_postmaster(self, pid: int) -> bool:
        args = cmdline(pid)
        if not args or Path(args[0]).name not in {"postgres", "postmaster"}:
            return False
        return str(self.cluster_dir) in args or cwd_of(pid) == self.cluster_dir

    def _stop_orphan(self, pid: int) -> None:
        result = self._pg_ctl("stop", "-m", "fast", "-w", "-t", str(STOP_TIMEOUT_S))
        if result.returncode != 0 and cmdline(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def _wait_until_cluster_unused(self) -> None:
        """Wait for the backends of a dead postmaster (their working directory is the cluster)
        to exit, killing stragglers: starting over them would let two servers share files."""
        if wait_for(lambda: not pids_with_cwd(self.cluster_dir), timeout=5.0):
            return
        for pid in pids_with_cwd(self.cluster_dir):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        if not wait_for(lambda: not pids_with_cwd(self.cluster_dir), timeout=5.0):
            pids = pids_with_cwd(self.cluster_dir)
            raise EmbeddedPostgresError(f"processes {pids} still use {self.cluster_dir}")

    def _launch(self, ports: Iterable[int]) -> None:
        """Start the server with `pg_ctl -w`; retry on another port if one was taken first."""
        self._rotate_log()
        for port in ports:
            log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
            options = self._server_options(port)
            result = self._pg_ctl("start", "-w", "-t", str(START_TIMEOUT_S), "-s", *options)
            if result.returncode == 0:
                self._port = port
                self._server_pid = read_int(self.cluster_dir / "postmaster.pid")
                (self.base_dir / "port").write_text(f"{port}\n")
                return
            log = read_from(self.log_file, log_offset)
            if "Address already in use" not in log:
                raise EmbeddedPostgresError(
                    f"PostgreSQL did not start (cluster {self.cluster_dir}, log "
                    f"{self.log_file}):\n{tail(result.stdout + result.stderr + log)}"
                )
        raise EmbeddedPostgresError(f"no free port found on 127.0.0.1 for {self.cluster_dir}")

    def _server_options(self, port: int) -> list[str]:
        # pg_ctl hands -o to /bin/sh; the socket directory never contains shell syntax.
        options = f"-p {port} -h 127.0.0.1 -k {self.socket_dir}"
        if self.fast:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        return ["-l", str(self.log_file), "-o", options]

    def _candidate_ports(self) -> Iterator[int]:
        previous = read_int(self.base_dir / "port")
        if previous is not None and bind_port(previous):
            yield previous
        for _ in range(PORT_ATTEMPTS):
            yield bind_port(0)

    def _rotate_log(self) -> None:
        if self.log_file.exists() and self.log_file.stat().st_size > LOG_ROTATE_BYTES:
            self.log_file.replace(self.log_file.with_name("postgres.log.1"))

    def _ensure_database(self) -> None:
        query = f"SELECT 1 FROM pg_database WHERE datname = '{DEFAULT_DATABASE}'"
        if not self.psql(query, database="postgres"):
            self.create_database(DEFAULT_DATABASE)
        else:
            self.psql(*auth.extension_statements())

    def _shutdown_server(self, *, quiet: bool) -> None:
        pid_file = self.cluster_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        pid = read_int(pid_file)
        if pid is None or not self._is_cluster_postmaster(pid):
            # The server died (crash, kill): nothing to stop; its backends exit on their own.
            self._wait_until_cluster_unused()
            pid_file.unlink(missing_ok=True)
            return
        for mode in ("fast", "immediate"):
            result = self._pg_ctl("stop", "-m", mode, "-w", "-t", str(STOP_TIMEOUT_S))
            if result.returncode == 0:
                return
        if not quiet:
            message = tail(result.stdout + result.stderr)
            raise EmbeddedPostgresError(
                f"could not stop PostgreSQL in {self.cluster_dir}: {message}"
            )

    def _url(self, role: str, password: str, database: str) -> str:
        return (
            f"postgresql://{role}:{quote(password, safe='')}@127.0.0.1:{self.port}/"
            f"{quote(database, safe='')}"
        )


def _postmaster_status(pid_file: Path) -> int | None:
    """The port of a running server that accepts connections, from its postmaster.pid (line 4:
    port, line 8: status), or None while it starts, stops or is gone."""
    try:
        lines = pid_file.read_text().splitlines()
    except OSError:
        return None
    if len(lines) < 8 or lines[7].strip() != "ready" or not lines[0].isdigit():
        return None
    if not is_alive(int(lines[0])) or not lines[3].strip().isdigit():
        return None
    return int(lines[3])
