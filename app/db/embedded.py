"""A private PostgreSQL + PostGIS cluster for one Relevé data directory.

`releve serve` uses it when no RELEVE_DATABASE_URL is configured, and the tests use it for a
throwaway cluster (DESIGN.md, "Embedded PostGIS"). Where the cluster lives (`base_dir`):

- not root: ``<data_dir>/pgdata``;
- root: PostgreSQL refuses to run as root, so the server binaries run as the ``postgres`` user
  and the cluster lives in ``/var/lib/releve/<12 hex of sha1(absolute data_dir)>``, which
  ``postgres`` owns and can reach (a checkout under ``/root``, mode 700, is not reachable).

``base_dir`` holds ``cluster/`` (PGDATA, with the server log ``postgres.log``), ``releve.lock``
(held by the Relevé process that started the server) and ``port`` (the last port, reused when
free so that URLs stay stable). The Unix socket is in ``/tmp/releve-<8 hex>``: the kernel
refuses socket paths longer than about 100 characters. Linux only: stale servers are recognised
through /proc.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from types import FrameType, TracebackType
from urllib.parse import quote

SUPERUSER = "releve"
DEFAULT_DATABASE = "releve"
EXTENSIONS = ("postgis", "btree_gist")
SERVER_ACCOUNT = "postgres"
ROOT_CLUSTERS_DIR = Path("/var/lib/releve")
# Not tempfile.gettempdir(): $TMPDIR may be long, or unreachable by the postgres user.
SOCKET_PARENT = Path("/tmp")
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 60
PORT_ATTEMPTS = 3
LOG_ROTATE_BYTES = 10 * 1024 * 1024
# The cluster is private: trust, but only on the Unix socket and IPv4 loopback.
PG_HBA = """\
# Written by Relevé: trust on the Unix socket and 127.0.0.1 only; the cluster is private.
local all all trust
host  all all 127.0.0.1/32 trust
"""


class EmbeddedPostgresError(RuntimeError):
    """The embedded cluster could not be found, set up, started, stopped or used."""


class EmbeddedAlreadyRunning(EmbeddedPostgresError):
    """Another Relevé process holds the cluster of this data directory."""


def find_postgres_bindir(*, root: Path = Path("/"), pg_config: str | None = "pg_config") -> Path:
    """Return the bin directory of the newest PostgreSQL whose share dir has PostGIS.

    Looks at the Debian layout under `root` first, then asks `pg_config` (if on PATH). Raises
    EmbeddedPostgresError with the install command when none fits.
    """
    for bindir in _debian_bindirs(root):
        version = bindir.parent.name
        if (root / "usr/share/postgresql" / version / "extension/postgis.control").is_file():
            return bindir
    found = _pg_config_bindir(pg_config) if pg_config else None
    if found is not None:
        return found
    raise EmbeddedPostgresError(_install_hint(root))


def _debian_bindirs(root: Path) -> list[Path]:
    bindirs = [initdb.parent for initdb in (root / "usr/lib/postgresql").glob("*/bin/initdb")]
    return sorted(bindirs, key=lambda bindir: _version_key(bindir.parent.name), reverse=True)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(number) for number in re.findall(r"\d+", version))


def _pg_config_bindir(pg_config: str) -> Path | None:
    executable = shutil.which(pg_config)
    if executable is None:
        return None
    result = subprocess.run(
        [executable, "--bindir", "--sharedir"], capture_output=True, text=True, check=False
    )
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) < 2:
        return None
    bindir, sharedir = Path(lines[0]), Path(lines[1])
    has_postgis = (sharedir / "extension/postgis.control").is_file()
    return bindir if has_postgis and (bindir / "initdb").is_file() else None


def _install_hint(root: Path) -> str:
    installed = [bindir.parent.name for bindir in _debian_bindirs(root)]
    version = installed[0] if installed else "15"
    sudo = "" if os.geteuid() == 0 else "sudo "
    return (
        "PostgreSQL with PostGIS was not found (looked in /usr/lib/postgresql/*/bin and "
        f"pg_config). Install it with: {sudo}apt-get install postgresql-{version}-postgis-3 "
        "(or set RELEVE_DATABASE_URL to an existing PostGIS database)."
    )


def install_signal_handlers() -> None:
    """Make SIGTERM and SIGHUP raise SystemExit, and SIGINT KeyboardInterrupt.

    Python's default for SIGTERM/SIGHUP kills the process without running finally blocks or
    atexit, which would leave the server running. Call from the main thread; uvicorn installs
    its own handlers later, and those also end in a clean exit.
    """
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


class EmbeddedPostgres:
    """The embedded cluster of one data directory; see the module docstring for the layout.

    `start()` (or `with`) initialises the cluster on first use, starts the server on a free
    127.0.0.1 port and a Unix socket in `socket_dir`, and makes sure database ``releve`` exists
    with PostGIS and btree_gist. `fast=True` trades durability for speed (tests only).
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
        socket_digest = hashlib.sha1(str(self.cluster_dir).encode(), usedforsecurity=False)
        self.socket_dir = SOCKET_PARENT / f"releve-{socket_digest.hexdigest()[:8]}"
        self._lock = _InstanceLock(self.base_dir / "releve.lock")
        self._port: int | None = None
        self._owner_pid: int | None = None

    # --- public contract -------------------------------------------------------------------

    @property
    def started(self) -> bool:
        """True in the process that started the server, until `stop()`."""
        return self._owner_pid == os.getpid()

    @property
    def port(self) -> int:
        """The server's TCP port on 127.0.0.1; the server must be started."""
        if self._port is None:
            raise EmbeddedPostgresError("the embedded PostgreSQL server is not started")
        return self._port

    def dsn(self, database: str = DEFAULT_DATABASE) -> str:
        """A libpq/asyncpg URL for `database`, over TCP on loopback as the superuser."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{quote(database, safe='')}"

    def sqlalchemy_url(self, database: str = DEFAULT_DATABASE) -> str:
        """The SQLAlchemy (asyncpg driver) URL for `database`."""
        return self.dsn(database).replace("postgresql://", "postgresql+asyncpg://", 1)

    def start(self) -> None:
        """Start the server (initialising the cluster on first use); idempotent in a process.

        Raises EmbeddedAlreadyRunning when another process holds this data directory, and
        EmbeddedPostgresError, with the end of the server log, when the server does not start.
        """
        if self.started:
            return
        self._prepare_base_dir()
        self._acquire_lock()
        try:
            self._ensure_initialised()
            self._clear_previous_server()
            self._prepare_socket_dir()
            self._launch()
            self._ensure_database()
        except BaseException:
            self._shutdown_server(quiet=True)
            self._port = None
            self._lock.release()
            raise
        self._owner_pid = os.getpid()
        atexit.register(self.stop)

    def stop(self) -> None:
        """Stop the server (fast shutdown: sessions are cut) and release the data directory."""
        if not self.started:
            return
        atexit.unregister(self.stop)
        try:
            self._shutdown_server(quiet=False)
        finally:
            self._owner_pid = None
            self._port = None
            self._lock.release()

    def destroy(self) -> None:
        """Stop the server and delete the cluster and its socket directory (throwaway clusters).

        Raises EmbeddedAlreadyRunning when another process holds the data directory.
        """
        self.stop()
        if self.base_dir.exists():
            self._acquire_lock()
            try:
                self._clear_previous_server()
                shutil.rmtree(self.base_dir)
            finally:
                self._lock.release()
        shutil.rmtree(self.socket_dir, ignore_errors=True)

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
        """Run SQL statements with psql as the superuser; return the unaligned tuples output."""
        args = [self._bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        args += [*self._connection_args(), "-d", database]
        for statement in statements:
            args += ["-c", statement]
        return self._client(args)

    def create_database(self, name: str, template: str | None = None) -> None:
        """Create database `name`, as a copy of `template` if given (no session may use it)."""
        template_args = ["-T", template] if template else []
        self._client(self._maintenance_command("createdb", *template_args, "--", name))

    def drop_database(self, name: str) -> None:
        """Drop database `name` if it exists, disconnecting its sessions."""
        self._client(self._maintenance_command("dropdb", "--if-exists", "--force", "--", name))

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
                + _install_hint(Path("/"))
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

    def _acquire_lock(self) -> None:
        if not self._lock.acquire():
            raise EmbeddedAlreadyRunning(
                f"Relevé is already running on data directory {self.data_dir} "
                f"(pid {self._lock.holder()}); stop it first or set RELEVE_DATA_DIR to "
                "another directory"
            )

    # --- subprocesses ----------------------------------------------------------------------

    def _bin(self, name: str) -> str:
        return str(self.bindir / name)

    def _run(
        self, args: Sequence[str], *, as_server: bool = False
    ) -> subprocess.CompletedProcess[str]:
        account = self._server_account if as_server else None
        return subprocess.run(
            list(args),
            cwd=self.base_dir,  # reachable by postgres, unlike a checkout under /root
            env=_clean_env(),
            capture_output=True,
            text=True,
            check=False,
            user=account[0] if account else None,
            group=account[1] if account else None,
            extra_groups=[] if account else None,
        )

    def _pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return self._run([self._bin("pg_ctl"), "-D", str(self.cluster_dir), *args], as_server=True)

    def _connection_args(self) -> list[str]:
        return ["-h", str(self.socket_dir), "-p", str(self.port), "-U", SUPERUSER]

    def _maintenance_command(self, program: str, *args: str) -> list[str]:
        connection = self._connection_args()
        return [self._bin(program), *connection, "--maintenance-db=postgres", *args]

    def _client(self, args: list[str]) -> str:
        result = self._run(args)
        if result.returncode != 0:
            name = Path(args[0]).name
            raise EmbeddedPostgresError(f"{name} failed: {result.stderr.strip()}")
        return result.stdout.strip()

    # --- lifecycle steps -------------------------------------------------------------------

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
        args = [self._bin("initdb"), "-D", str(staging), "-U", SUPERUSER, "-E", "UTF8"]
        args += ["--locale=C", "-A", "trust", "--no-instructions"]
        if self.fast:
            args.append("--no-sync")
        result = self._run(args, as_server=True)
        if result.returncode != 0:
            output = _tail(result.stdout + result.stderr)
            raise EmbeddedPostgresError(f"initdb failed for {self.cluster_dir}:\n{output}")
        hba = staging / "pg_hba.conf"
        hba.write_text(PG_HBA)
        hba.chmod(0o600)
        self._give_to_server(hba)
        staging.rename(self.cluster_dir)

    def _clear_previous_server(self) -> None:
        """Make way after a crash. Called with the instance lock held, so any server still
        running on this cluster is an orphan of a dead Relevé process: stop it. A pid file
        whose PID is dead or belongs to another program is stale: delete it."""
        pid_file = self.cluster_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        pid = _read_int(pid_file)
        if pid is not None and self._is_cluster_postmaster(pid):
            self._stop_orphan(pid)
        self._wait_until_cluster_unused()
        pid_file.unlink(missing_ok=True)

    def _is_cluster_postmaster(self, pid: int) -> bool:
        args = _cmdline(pid)
        if not args or Path(args[0]).name not in {"postgres", "postmaster"}:
            return False
        return str(self.cluster_dir) in args or _cwd(pid) == self.cluster_dir

    def _stop_orphan(self, pid: int) -> None:
        result = self._pg_ctl("stop", "-m", "fast", "-w", "-t", str(STOP_TIMEOUT_S))
        if result.returncode != 0 and _cmdline(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def _wait_until_cluster_unused(self) -> None:
        """Wait for the backends of a dead postmaster (their working directory is the cluster)
        to exit, killing stragglers: starting over them would let two servers share files."""
        if _wait_for(lambda: not _pids_with_cwd(self.cluster_dir), timeout=5.0):
            return
        for pid in _pids_with_cwd(self.cluster_dir):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        if not _wait_for(lambda: not _pids_with_cwd(self.cluster_dir), timeout=5.0):
            pids = _pids_with_cwd(self.cluster_dir)
            raise EmbeddedPostgresError(f"processes {pids} still use {self.cluster_dir}")

    def _launch(self) -> None:
        """Start the server with `pg_ctl -w`; retry on another port if one was taken first."""
        self._rotate_log()
        for port in self._candidate_ports():
            log_offset = self.log_file.stat().st_size if self.log_file.exists() else 0
            options = self._server_options(port)
            result = self._pg_ctl("start", "-w", "-t", str(START_TIMEOUT_S), "-s", *options)
            if result.returncode == 0:
                self._port = port
                (self.base_dir / "port").write_text(f"{port}\n")
                return
            log = _read_from(self.log_file, log_offset)
            if "Address already in use" not in log:
                raise EmbeddedPostgresError(
                    f"PostgreSQL did not start (cluster {self.cluster_dir}, log "
                    f"{self.log_file}):\n{_tail(result.stdout + result.stderr + log)}"
                )
        raise EmbeddedPostgresError(f"no free port found on 127.0.0.1 for {self.cluster_dir}")

    def _server_options(self, port: int) -> list[str]:
        # pg_ctl hands -o to /bin/sh; the socket directory never contains shell syntax.
        options = f"-p {port} -h 127.0.0.1 -k {self.socket_dir}"
        if self.fast:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        return ["-l", str(self.log_file), "-o", options]

    def _candidate_ports(self) -> Iterator[int]:
        previous = _read_int(self.base_dir / "port")
        if previous is not None and _bind_port(previous):
            yield previous
        for _ in range(PORT_ATTEMPTS):
            yield _bind_port(0)

    def _rotate_log(self) -> None:
        if self.log_file.exists() and self.log_file.stat().st_size > LOG_ROTATE_BYTES:
            self.log_file.replace(self.log_file.with_name("postgres.log.1"))

    def _ensure_database(self) -> None:
        query = f"SELECT 1 FROM pg_database WHERE datname = '{DEFAULT_DATABASE}'"
        if not self.psql(query, database="postgres"):
            self.create_database(DEFAULT_DATABASE)
        self.psql(*(f"CREATE EXTENSION IF NOT EXISTS {name}" for name in EXTENSIONS))

    def _shutdown_server(self, *, quiet: bool) -> None:
        if not (self.cluster_dir / "postmaster.pid").exists():
            return
        for mode in ("fast", "immediate"):
            result = self._pg_ctl("stop", "-m", mode, "-w", "-t", str(STOP_TIMEOUT_S))
            if result.returncode == 0:
                return
        if not quiet:
            message = _tail(result.stdout + result.stderr)
            raise EmbeddedPostgresError(
                f"could not stop PostgreSQL in {self.cluster_dir}: {message}"
            )


class _InstanceLock:
    """An exclusive flock held while a manager is started. The kernel drops it when the
    holder dies, so a crashed Relevé never leaves a stale lock behind."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        """Take the lock and record our PID in it; False when another process holds it."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def holder(self) -> str:
        """The PID recorded by the holder, or "unknown"."""
        pid = _read_int(self.path)
        return str(pid) if pid is not None else "unknown"

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the descriptor drops the flock
        self._fd = None


def _clean_env() -> dict[str, str]:
    """The environment for PostgreSQL programs: no PG* variables (a PGHOST or PGPORT meant for
    another server must not leak in), and messages in English so that errors can be matched."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


def _read_int(path: Path) -> int | None:
    try:
        first_line = path.read_text().partition("\n")[0].strip()
    except OSError:
        return None
    return int(first_line) if first_line.isdigit() else None


def _read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")
    except OSError:
        return ""


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _cmdline(pid: int) -> list[str] | None:
    """The argv of a live process; None when it is gone or a zombie (empty cmdline)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [os.fsdecode(arg) for arg in raw.split(b"\0") if arg] or None


def _cwd(pid: int) -> Path | None:
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None


def _pids_with_cwd(directory: Path) -> list[int]:
    # PostgreSQL processes chdir into their data directory, so this finds a cluster's backends.
    pids = (int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return [pid for pid in pids if pid != os.getpid() and _cwd(pid) == directory]


def _wait_for(condition: Callable[[], bool], *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _bind_port(port: int) -> int:
    """Bind `port` on loopback (0: any free one) and return its number, or 0 when taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # As PostgreSQL does, so that connections in TIME_WAIT do not make a port look taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return 0
        port_number: int = probe.getsockname()[1]
        return port_number
