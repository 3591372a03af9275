"""Operating-system helpers of the embedded cluster: binaries, subprocesses, the instance lock
and process inspection through /proc (Linux only)."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import FrameType

# util-linux, on every Debian: switches to the account, then execs (see `run`).
SETPRIV = "setpriv"
CLIENT_TIMEOUT_S = 120


class EmbeddedPostgresError(RuntimeError):
    """The embedded cluster could not be found, set up, started, stopped or used."""


class EmbeddedAlreadyRunning(EmbeddedPostgresError):
    """Another Relevé process holds the cluster of this data directory."""


def run(
    args: Sequence[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    account: tuple[int, int] | None = None,
    input_text: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a program to completion within `timeout` seconds, as `account` (uid, gid) if given.

    The account switch is done by exec'ing ``setpriv``, never in the forked child (``user=``,
    ``group=``, ``preexec_fn``): a child forked from a multi-threaded process that calls
    setgroups/setuid before exec can block for ever on a lock another thread held at fork.
    """
    command = list(args)
    if account is not None:
        uid, gid = account
        command = [SETPRIV, f"--reuid={uid}", f"--regid={gid}", "--init-groups", "--", *command]
    try:
        return subprocess.run(
            command,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            input=input_text,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as error:
        name = Path(args[0]).name
        raise EmbeddedPostgresError(f"{name} did not finish within {timeout:g} s") from error


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
    raise EmbeddedPostgresError(install_hint(root))


def _debian_bindirs(root: Path) -> list[Path]:
    bindirs = [initdb.parent for initdb in (root / "usr/lib/postgresql").glob("*/bin/initdb")]
    return sorted(bindirs, key=lambda bindir: _version_key(bindir.parent.name), reverse=True)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(number) for number in re.findall(r"\d+", version))


def _pg_config_bindir(pg_config: str) -> Path | None:
    executable = shutil.which(pg_config)
    if executable is None:
        return None
    try:
        result = run([executable, "--bindir", "--sharedir"], timeout=30)
    except EmbeddedPostgresError:
        return None
    lines = result.stdout.splitlines()
    if result.returncode != 0 or len(lines) < 2:
        return None
    bindir, sharedir = Path(lines[0]), Path(lines[1])
    has_postgis = (sharedir / "extension/postgis.control").is_file()
    return bindir if has_postgis and (bindir / "initdb").is_file() else None


def install_hint(root: Path) -> str:
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


class InstanceLock:
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
        pid = read_int(self.path)
        return str(pid) if pid is not None else "unknown"

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the descriptor drops the flock
        self._fd = None


def clean_env(password: str | None = None) -> dict[str, str]:
    """The environment for PostgreSQL programs: no PG* variables (a PGHOST or PGPORT meant for
    another server must not leak in), messages in English so that errors can be matched, and
    the password for the client when given (the environment, unlike argv, is private)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    if password is not None:
        env["PGPASSWORD"] = password
    return env


def read_int(path: Path) -> int | None:
    try:
        first_line = path.read_text().partition("\n")[0].strip()
    except OSError:
        return None
    return int(first_line) if first_line.isdigit() else None


def read_from(path: Path, offset: int) -> str:
    try:
        with path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")
    except OSError:
        return ""


def tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def cmdline(pid: int) -> list[str] | None:
    """The argv of a live process; None when it is gone or a zombie (empty cmdline)."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return [os.fsdecode(arg) for arg in raw.split(b"\0") if arg] or None


def is_alive(pid: int) -> bool:
    """False once the process is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def cwd_of(pid: int) -> Path | None:
    try:
        return Path(os.readlink(f"/proc/{pid}/cwd"))
    except OSError:
        return None


def pids_with_cwd(directory: Path) -> list[int]:
    # PostgreSQL processes chdir into their data directory, so this finds a cluster's backends.
    pids = (int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return [pid for pid in pids if pid != os.getpid() and cwd_of(pid) == directory]


def wait_for(condition: Callable[[], bool], *, timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def bind_port(port: int) -> int:
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
