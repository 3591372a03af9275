"""The server side of the embedded cluster: its files, the programs that run it (initdb,
pg_ctl, psql) and the steps of starting and stopping it, including after a crash.

`EmbeddedPostgres` (app/db/embedded.py) builds its public contract on this class.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pwd
import signal
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from functools import cached_property
from pathlib import Path
from urllib.parse import quote

from app.db import embedded_auth as auth
from app.db.embedded_os import (
    CLIENT_TIMEOUT_S,
    EmbeddedPostgresError,
    bind_port,
    clean_env,
    cmdline,
    cwd_of,
    find_postgres_bindir,
    install_hint,
    is_alive,
    pids_with_cwd,
    read_from,
    read_int,
    run,
    tail,
    wait_for,
)

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


class ServerControl:
    """Files, programs and start/stop steps of one cluster (see app/db/embedded.py)."""

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
        self._port: int | None = None
        self._server_pid: int | None = None
        self._credentials: auth.Credentials | None = None

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


def postmaster_status(pid_file: Path) -> int | None:
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
