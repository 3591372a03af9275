"""The `releve` command as a newcomer runs it: serve with the embedded PostGIS and the demo;
other commands alongside a running `serve`; `serve` living through a crash of its PostgreSQL."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.cli import EXIT_DATABASE_LOST
from app.db.embedded import EmbeddedPostgres
from tests.factories import campaign_body, point_feature
from tests.live import free_port

COMMAND_TIMEOUT_S = 180
RECOVERY_BOUND_S = 60


def wait_for(url: str, process: subprocess.Popen[Any], timeout_s: float = 90) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"releve serve exited early with status {process.returncode}")
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer in {timeout_s} s")


def releve_env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELEVE_")}
    return env | {
        "RELEVE_DATA_DIR": str(data_dir),
        "RELEVE_PORT": str(port),
        "RELEVE_RATE_LIMIT_PER_MINUTE": "0",
    }


def releve(data_dir: Path, *args: str, port: int, log: Path | None = None) -> subprocess.Popen[str]:
    """`releve ARGS` in a child process; output to `log` (a server's access log would fill a
    pipe nobody reads, and block it) or to a pipe for short commands."""
    command = [sys.executable, "-c", "from app.cli import main; main()", *args]
    output = log.open("w") if log else subprocess.PIPE
    try:
        return subprocess.Popen(
            command, env=releve_env(data_dir, port), stdout=output, stderr=subprocess.STDOUT,
            text=True,
        )  # fmt: skip
    finally:
        if log:
            output.close()  # type: ignore[union-attr]


def run_releve(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from app.cli import main; main()", *args]
    env = releve_env(data_dir, free_port())
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S, check=False
    )


@dataclass
class Served:
    process: subprocess.Popen[str]
    base_url: str
    log: Path
    cluster: EmbeddedPostgres


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """`releve serve` on a fresh data directory (its own embedded cluster), up and healthy."""
    port, log = free_port(), tmp_path / "serve.log"
    process = releve(tmp_path, "serve", port=port, log=log)
    cluster = EmbeddedPostgres(tmp_path)
    try:
        base_url = f"http://127.0.0.1:{port}"
        if wait_for(f"{base_url}/healthz", process).status_code != 200:
            pytest.fail(log.read_text())
        yield Served(process, base_url, log, cluster)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        cluster.destroy()


def test_serve_with_demo_then_stop_cleanly(tmp_path: Path) -> None:
    port = free_port()
    server = releve(tmp_path, "serve", "--demo", port=port, log=tmp_path / "serve.log")
    cluster = EmbeddedPostgres(tmp_path)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", server).status_code == 200
        page = httpx.get(
            f"http://127.0.0.1:{port}/api/v1/campaigns/reperes-geodesiques-31/observations?limit=1000"
        ).json()
        assert page["numberReturned"] == 381
        second = releve(tmp_path, "serve", port=free_port())
        output, _ = second.communicate(timeout=60)
        assert second.returncode != 0 and "already running" in output
        server.send_signal(signal.SIGTERM)
        # uvicorn shuts down gracefully, then re-raises SIGTERM: 128 + 15 is the usual status.
        assert server.wait(timeout=60) in (0, 128 + signal.SIGTERM)
        assert not (cluster.cluster_dir / "postmaster.pid").exists()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)
        cluster.destroy()


def create_admin(served: Served, name: str) -> dict[str, str]:
    """`releve users create NAME --admin` while serve runs; the header of its token."""
    created = run_releve(served.cluster.data_dir, "users", "create", name, "--admin")
    assert created.returncode == 0, created.stdout + created.stderr
    token = created.stdout.strip().splitlines()[-1]
    return {"Authorization": f"Bearer {token}"}


def test_commands_attach_to_a_running_serve(served: Served) -> None:
    headers = create_admin(served, "validatrice")

    me = httpx.get(f"{served.base_url}/api/v1/me", headers=headers, timeout=10)
    assert me.status_code == 200 and me.json()["display_name"] == "validatrice"
    listed = run_releve(served.cluster.data_dir, "layers", "list")
    assert listed.returncode == 0 and "No reference layers." in listed.stdout
    # The commands left the server of `serve` running.
    assert httpx.get(f"{served.base_url}/healthz", timeout=10).status_code == 200


@dataclass
class Load:
    """Writers posting observations with their own UUIDs, retrying each until acknowledged."""

    base_url: str
    slug: str
    headers: list[dict[str, str]]
    acknowledged: list[str] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    stop: threading.Event = field(default_factory=threading.Event)

    def write(self, headers: dict[str, str]) -> None:
        url = f"{self.base_url}/api/v1/campaigns/{self.slug}/observations"
        with httpx.Client(timeout=15) as client:
            while not self.stop.is_set():
                feature = point_feature(observation_id=uuid.uuid4())
                while not self.stop.is_set():  # the same UUID until acknowledged
                    try:
                        response = client.post(url, json=feature, headers=headers)
                    except httpx.TransportError:
                        time.sleep(0.2)
                        continue
                    self.statuses.add(response.status_code)
                    if response.status_code in (200, 201):
                        self.acknowledged.append(feature["id"])
                        break
                    time.sleep(0.2)

    def wait_for_count(self, count: int, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while len(self.acknowledged) < count:
            assert time.monotonic() < deadline, f"only {len(self.acknowledged)} writes"
            time.sleep(0.1)


def start_load(served: Served, writers: int) -> tuple[Load, list[threading.Thread]]:
    admin = create_admin(served, "owner")
    body = campaign_body("crash")
    created = httpx.post(f"{served.base_url}/api/v1/campaigns", json=body, headers=admin)
    assert created.status_code == 201, created.text
    devices = [httpx.post(f"{served.base_url}/api/v1/auth/device", timeout=10) for _ in range(4)]
    tokens = [{"Authorization": f"Bearer {device.json()['access_token']}"} for device in devices]
    load = Load(served.base_url, "crash", tokens)
    threads = [
        threading.Thread(target=load.write, args=(tokens[i % len(tokens)],), daemon=True)
        for i in range(writers)
    ]
    for thread in threads:
        thread.start()
    return load, threads


def wait_healthy(base_url: str, timeout_s: float) -> float:
    """Seconds until /healthz answers 200."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        try:
            if httpx.get(f"{base_url}/healthz", timeout=5).status_code == 200:
                return time.monotonic() - start
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"/healthz did not answer 200 within {timeout_s} s of the crash")


def test_serve_restarts_its_postgres_after_a_kill(served: Served) -> None:
    load, threads = start_load(served, writers=4)
    try:
        load.wait_for_count(20, timeout_s=60)
        postmaster = int((served.cluster.cluster_dir / "postmaster.pid").read_text().split()[0])
        os.kill(postmaster, signal.SIGKILL)
        killed_at_count = len(load.acknowledged)

        recovery_s = wait_healthy(served.base_url, RECOVERY_BOUND_S)
        load.wait_for_count(killed_at_count + 20, timeout_s=60)
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=30)

    print(
        f"\nrecovery: /healthz 200 again {recovery_s:.2f} s after kill -9 of the postmaster; "
        f"{len(load.acknowledged)} writes acknowledged, all read back below"
    )
    assert served.process.poll() is None
    assert load.statuses <= {200, 201, 503}, load.statuses
    assert "embedded PostgreSQL restarted" in served.log.read_text()
    admin = create_admin(served, "reader")
    with httpx.Client(base_url=served.base_url, headers=admin, timeout=15) as client:
        missing = [
            observation_id
            for observation_id in load.acknowledged
            if client.get(f"/api/v1/observations/{observation_id}").status_code != 200
        ]
    assert missing == [], f"{len(missing)} of {len(load.acknowledged)} acknowledged writes lost"


def test_external_database_outage_answers_503_then_recovers(tmp_path: Path) -> None:
    # A small cluster of its own: stopping the suite's shared cluster would break other tests.
    database = EmbeddedPostgres(tmp_path / "external", fast=True)
    database.start()
    port, log = free_port(), tmp_path / "serve.log"
    env = releve_env(tmp_path / "data", port) | {"RELEVE_DATABASE_URL": database.sqlalchemy_url()}
    command = [sys.executable, "-c", "from app.cli import main; main()", "serve"]
    with log.open("w") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        assert wait_for(f"{base_url}/healthz", process).status_code == 200
        database.stop()

        started = time.monotonic()
        during = httpx.post(f"{base_url}/api/v1/auth/device", timeout=30)
        assert time.monotonic() - started < 10
        assert during.status_code == 503
        assert during.headers["content-type"] == "application/problem+json"
        assert during.json()["code"] == "database_unavailable"
        assert httpx.get(f"{base_url}/healthz", timeout=30).status_code == 503

        database.start()  # the same port: it is reused when free
        wait_healthy(base_url, RECOVERY_BOUND_S)
        assert httpx.post(f"{base_url}/api/v1/auth/device", timeout=30).status_code == 201
    finally:
        process.kill()
        process.wait(timeout=30)
        database.destroy()


def test_serve_exits_non_zero_when_its_postgres_cannot_come_back(served: Served) -> None:
    cluster_port = int((served.cluster.base_dir / "port").read_text())
    postmaster = int((served.cluster.cluster_dir / "postmaster.pid").read_text().split()[0])
    with socket.socket() as squatter:
        # As PostgreSQL does: the client connections left in TIME_WAIT do not stop the bind.
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        os.kill(postmaster, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while True:  # take the port as soon as the dead server lets go of it
            try:
                squatter.bind(("127.0.0.1", cluster_port))
                break
            except OSError:
                assert time.monotonic() < deadline, "the port stayed taken"
                time.sleep(0.01)
        squatter.listen()

        status = served.process.wait(timeout=RECOVERY_BOUND_S)

    assert status == EXIT_DATABASE_LOST, served.log.read_text()
    assert "could not be restarted" in served.log.read_text()
