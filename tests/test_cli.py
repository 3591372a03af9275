"""The `releve` command as a newcomer runs it: serve with the embedded PostGIS and the demo."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.db.embedded import EmbeddedPostgres
from tests.live import free_port


def wait_for(url: str, process: subprocess.Popen[str], timeout_s: float = 90) -> httpx.Response:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(
                f"releve serve exited early:\n{process.stdout.read() if process.stdout else ''}"
            )
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.3)
    pytest.fail(f"{url} did not answer in {timeout_s} s")


def releve(data_dir: Path, *args: str, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELEVE_")}
    env |= {"RELEVE_DATA_DIR": str(data_dir), "RELEVE_PORT": str(port)}
    command = [sys.executable, "-c", "from app.cli import main; main()", *args]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def test_serve_with_demo_then_stop_cleanly(tmp_path: Path) -> None:
    port = free_port()
    server = releve(tmp_path, "serve", "--demo", port=port)
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
        cluster.destroy()
