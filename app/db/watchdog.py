"""`releve serve` watches its embedded PostgreSQL and restarts it when it dies.

Without it, a killed or crashed postmaster left the service answering 503 for ever, with no
exit for a supervisor to notice. The watchdog checks the postmaster every `interval_s`; when it
is gone it starts it again on the same port (PostgreSQL replays its WAL: crash recovery) and the
pool reconnects (pool_pre_ping). After `attempts` failed restarts in a row it calls `give_up`,
which makes the process exit non-zero so that the supervisor restarts everything.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from app.db.embedded import EmbeddedPostgres, EmbeddedPostgresError

logger = logging.getLogger("releve.embedded")


class PostmasterWatchdog:
    """A daemon thread that restarts the embedded server after a crash; see the module doc."""

    def __init__(
        self,
        postgres: EmbeddedPostgres,
        give_up: Callable[[], None],
        *,
        interval_s: float = 1.0,
        attempts: int = 3,
    ) -> None:
        self.postgres = postgres
        self.give_up = give_up
        self.interval_s = interval_s
        self.attempts = attempts
        self.gave_up = False
        # Seconds without a server, one entry per recovered crash (bounded by interval_s
        # below: the server may have died just after the check before).
        self.outages: list[float] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="postmaster-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 120) -> None:
        """Stop watching (waiting for a restart in progress to finish, within `timeout_s`)."""
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout_s)

    def _watch(self) -> None:
        last_seen_alive = time.monotonic()
        while not self._stopping.wait(self.interval_s):
            if self.postgres.server_alive():
                last_seen_alive = time.monotonic()
                continue
            logger.error("embedded PostgreSQL (cluster %s) died", self.postgres.cluster_dir)
            detected = time.monotonic()
            if not self._restart():
                if not self._stopping.is_set():
                    self.gave_up = True
                    self.give_up()
                return
            now = time.monotonic()
            outage = now - last_seen_alive
            self.outages.append(outage)
            logger.warning(
                "embedded PostgreSQL restarted in %.1f s; unavailable for at most %.1f s",
                now - detected,
                outage,
            )
            last_seen_alive = time.monotonic()

    def _restart(self) -> bool:
        for attempt in range(1, self.attempts + 1):
            if self._stopping.is_set():
                return False
            try:
                self.postgres.recover()
                return True
            except EmbeddedPostgresError as error:
                logger.error("restart %d/%d failed: %s", attempt, self.attempts, error)
                self._stopping.wait(attempt * self.interval_s)
        return False
