"""Helpers for the change feed and webhook tests: a committed world, feed polling, writes that
bypass the HTTP layer, and a real HTTP receiver on a loopback socket."""

from __future__ import annotations

import asyncio
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import orjson
from sqlalchemy import text

from app.db.session import Database
from app.observations import repository as observations
from tests.factories import campaign_body, make_user, point_feature

FEED = "/api/v1/changes"


@dataclass(slots=True)
class World:
    """Committed users and campaigns (through the API) for tests that need real commits."""

    client: httpx.AsyncClient
    database: Database
    admin: dict[str, str]
    contributor: dict[str, str]
    contributor_id: uuid.UUID


async def make_world(client: httpx.AsyncClient, database: Database) -> World:
    _, admin = await make_user(database, admin=True)
    contributor, headers = await make_user(database)
    world = World(client, database, admin, headers, contributor.id)
    await create_campaign(world, "arbres")
    return world


async def create_campaign(world: World, slug: str, **changes: Any) -> dict[str, Any]:
    body = campaign_body(slug, **changes)
    response = await world.client.post("/api/v1/campaigns", json=body, headers=world.admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def submit(
    world: World, slug: str = "arbres", headers: dict[str, str] | None = None, **kwargs: Any
) -> dict[str, Any]:
    feature = kwargs.pop("feature", None) or point_feature(**kwargs)
    response = await world.client.post(
        f"/api/v1/campaigns/{slug}/observations", json=feature, headers=headers or world.contributor
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def edit(
    world: World, feature: dict[str, Any], headers: dict[str, str] | None = None, **properties: Any
) -> dict[str, Any]:
    version = feature["properties"]["version"]
    response = await world.client.patch(
        f"/api/v1/observations/{feature['id']}",
        json={"properties": properties},
        headers={**(headers or world.contributor), "If-Match": f'"{version}"'},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def withdraw(
    world: World, observation_id: str, headers: dict[str, str] | None = None
) -> None:
    response = await world.client.delete(
        f"/api/v1/observations/{observation_id}", headers=headers or world.contributor
    )
    assert response.status_code == 200, response.text


async def write_change(
    database: Database, observation_id: str, kind: str, status: str, hidden: bool | None = None
) -> None:
    """A status change or moderation as the review workflow records it: a new version."""
    async with database.session() as session:
        if hidden is not None:
            await session.execute(
                text(
                    "UPDATE observations SET hidden_at = CASE WHEN :h THEN now() END WHERE id = :i"
                ),
                {"h": hidden, "i": uuid.UUID(observation_id)},
            )
        row = (
            await session.execute(
                text("SELECT properties, observed_at, accuracy_m FROM observations WHERE id = :i"),
                {"i": uuid.UUID(observation_id)},
            )
        ).one()
        await observations.write_version(
            session, uuid.UUID(observation_id), kind=kind, user_id=None, wkb=None,
            properties_json=orjson.dumps(row[0]).decode(), observed_at=row[1],
            accuracy_m=row[2], status=status, reason="test",
        )  # fmt: skip
        await session.commit()


async def poll(
    client: httpx.AsyncClient, since: str | None = None, **params: Any
) -> tuple[list[dict[str, Any]], str]:
    query = {"since": since, **params} if since else params
    response = await client.get(FEED, params=query)
    assert response.status_code == 200, response.text
    body = response.json()
    return body["changes"], body["next"]


async def drain(
    client: httpx.AsyncClient, since: str | None = None, expect: int = 0, **params: Any
) -> tuple[list[dict[str, Any]], str]:
    """Every change after ``since``, page by page; waits (up to 10 s) for at least ``expect``,
    since the feed only shows changes once every older transaction has ended."""
    items: list[dict[str, Any]] = []
    for _ in range(200):
        page, next_cursor = await poll(client, since, **params)
        items += page
        if not page and len(items) >= expect:
            return items, next_cursor
        if not page:
            await asyncio.sleep(0.05)
        since = next_cursor
    raise AssertionError(f"waited for {expect} changes, got {len(items)}: {items}")


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 (a thread) that answers 500 to its first ``failures``
    requests (or to all when ``failures`` is None), then 204; it records every request."""

    failures: int | None = 0
    requests: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/hook"

    def accepted(self) -> list[tuple[dict[str, str], bytes]]:
        return [(headers, body) for headers, body, status in self.requests if status < 300]

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:  # the server answers each request in a thread of its own
            failing = self.failures is None or len(self.requests) < self.failures
            status = 500 if failing else 204
            self.requests.append((headers, body, status))
        return status

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status = receiver.answer({k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass  # keep the test output quiet

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
