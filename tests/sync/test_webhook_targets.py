"""Webhooks cannot be pointed at the server's own network: non-public targets are refused at
registration and again at delivery, the delivery connects to the address that was checked, and
it reads a bounded answer."""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
import threading
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import trustme

from app.config import Settings
from app.db.session import Database
from app.main import create_app
from app.sync.deps import target_policy
from app.sync.targets import IPAddress, TargetPolicy, TargetRefused, is_public
from app.sync.worker import SEND_DEADLINE_SECONDS, deliver_due, delivery_client
from tests.sync.support import Receiver, World, make_world, submit

HOOKS = "/api/v1/campaigns/arbres/webhooks"
PUBLIC = ipaddress.ip_address("93.184.215.14")
LOOPBACK = ipaddress.ip_address("127.0.0.1")
REFUSED_URLS = (
    "http://127.0.0.1/hook",
    "http://127.1/hook",
    "http://2130706433/hook",
    "http://0x7f000001/hook",
    "http://[::1]/hook",
    "http://[fd00::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[64:ff9b::a9fe:a9fe]/hook",
    "http://localhost:8080/hook",
    "http://LOCALHOST./hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://0.0.0.0:5432/",
    "http://10.1.2.3/",
    "https://192.168.1.1/",
    "http://100.64.0.1/",
    "http://224.0.0.1/",
    "http://host.invalid/hook",
)


async def test_non_public_targets_are_refused_at_registration(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    for url in REFUSED_URLS:
        response = await client.post(HOOKS, json={"url": url}, headers=admin_headers)
        assert response.status_code == 422, (url, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        (error,) = response.json()["errors"]
        assert (error["path"], error["code"]) == ("/url", "webhook_url_not_public"), url
    assert (await client.get(HOOKS, headers=admin_headers)).json()["webhooks"] == []


async def test_credentials_in_the_url_are_refused(
    client: httpx.AsyncClient, campaign: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    for url in ("http://user:pass@127.0.0.1/", "https://user:pass@93.184.215.14/h"):
        response = await client.post(
            HOOKS, json={"url": url}, headers={**admin_headers, "Accept-Language": "fr"}
        )
        assert response.status_code == 422, url
        (error,) = response.json()["errors"]
        assert (error["path"], error["code"]) == ("/url", "webhook_url_credentials")
        assert "mot de passe" in error["detail"]


def test_addresses_are_judged_by_what_they_are() -> None:
    for text in ("93.184.215.14", "2606:4700::1111", "::ffff:93.184.215.14"):
        assert is_public(ipaddress.ip_address(text)), text
    for text in ("127.0.0.2", "::ffff:10.0.0.1", "2002:7f00:1::", "fe80::1", "240.0.0.1", "::"):
        assert not is_public(ipaddress.ip_address(text)), text


async def test_the_operator_may_allow_intranet_hosts() -> None:
    answers = {"wiki.intranet": [ipaddress.ip_address("10.8.0.4")], "other.intranet": [LOOPBACK]}

    async def resolver(host: str, port: int) -> list[IPAddress]:
        name = host.rstrip(".")
        return answers[name] if name in answers else [ipaddress.ip_address(name)]

    policy = TargetPolicy.parse(" wiki.intranet, 192.168.0.0/16 ,fd00::1", resolver)
    for url in ("http://WIKI.intranet./x", "http://192.168.4.5/", "http://[fd00::1]/"):
        assert (await policy.check(url)).address.is_private, url
    for url in ("http://other.intranet/", "http://172.16.0.1/", "http://[fd00::2]/"):
        with pytest.raises(TargetRefused, match="not a public address"):
            await policy.check(url)


class Answers:
    """A resolver that gives each name its list of answers in turn (the last one repeats)."""

    def __init__(self, **answers: Sequence[IPAddress]) -> None:
        self.answers = {name.replace("_", "."): list(values) for name, values in answers.items()}
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        if host not in self.answers:
            return [ipaddress.ip_address(host)]  # the tests' other URLs are literal addresses
        self.asked.append(host)
        queue = self.answers[host]
        return [queue.pop(0) if len(queue) > 1 else queue[0]] if queue else []


@pytest.fixture
def answers() -> Answers:
    return Answers(
        rebind_example=[PUBLIC, LOOPBACK],  # public when registered, loopback afterwards
        pinned_example=[LOOPBACK],
    )


@pytest.fixture
async def world(
    settings: Settings, committed_db: Database, answers: Answers
) -> AsyncIterator[World]:
    """A committed world whose app resolves webhook hosts with ``answers``."""
    app = create_app(settings, committed_db)
    app.dependency_overrides[target_policy] = lambda: TargetPolicy.parse("127.0.0.1", answers)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield await make_world(client, committed_db)


async def _register(world: World, url: str) -> dict[str, Any]:
    response = await world.client.post(HOOKS, json={"url": url}, headers=world.admin)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _last_delivery(world: World, hook: dict[str, Any]) -> dict[str, Any]:
    response = await world.client.get(f"{HOOKS}/{hook['id']}/deliveries", headers=world.admin)
    assert response.status_code == 200, response.text
    return dict(response.json()["deliveries"][0])


async def test_a_host_that_resolves_elsewhere_at_delivery_is_refused(
    world: World, receiver: Receiver, answers: Answers
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    hook = await _register(world, f"http://rebind.example:{port}/hook")  # public now
    await submit(world)
    strict = TargetPolicy(resolver=answers)  # loopback is not allowed for this worker
    assert await asyncio.wait_for(deliver_due(world.database, policy=strict), 60) == 1
    delivery = await _last_delivery(world, hook)
    assert receiver.requests == []
    assert (delivery["state"], delivery["last_status"]) == ("pending", None)
    # The same words whatever happened: nothing about ports, connections or timings.
    assert delivery["last_error"] == "target refused"
    assert answers.asked == ["rebind.example", "rebind.example"]


async def test_the_delivery_connects_to_the_checked_address_under_the_host_name(
    world: World, receiver: Receiver, answers: Answers
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    hook = await _register(world, f"http://pinned.example:{port}/hook?x=1")
    await submit(world)
    allowed = TargetPolicy.parse("127.0.0.0/8", answers)
    # Only our resolver knows pinned.example: the request can only come from the pinned address.
    assert await asyncio.wait_for(deliver_due(world.database, policy=allowed), 60) == 1
    ((headers, body),) = receiver.accepted()
    assert headers["host"] == f"pinned.example:{port}"
    assert headers["x-releve-event"] == "created" and body
    assert (await _last_delivery(world, hook))["state"] == "delivered"


class EndlessReceiver:
    """Answers 200 with a body that never ends (and a redirect for /moved)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.paths.append(self.path)
                if self.path == "/moved":
                    self.send_response(307)
                    self.send_header("Location", "/elsewhere")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.end_headers()  # no length: the body lasts until the connection closes
                try:
                    for _ in range(100_000):  # 6.4 GB at most
                        self.wfile.write(b"x" * 65536)
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endless() -> Iterator[EndlessReceiver]:
    receiver = EndlessReceiver()
    yield receiver
    receiver.stop()


async def test_answers_are_read_only_so_far_and_redirects_are_not_followed(
    world: World, endless: EndlessReceiver
) -> None:
    streaming = await _register(world, endless.url("/endless"))
    await submit(world)
    local = TargetPolicy.parse("127.0.0.1")
    assert await asyncio.wait_for(deliver_due(world.database, policy=local), 60) == 1
    assert (await _last_delivery(world, streaming))["state"] == "delivered"
    moved = await _register(world, endless.url("/moved"))
    await submit(world)
    assert await asyncio.wait_for(deliver_due(world.database, policy=local), 60) == 2
    delivery = await _last_delivery(world, moved)
    assert (delivery["last_status"], delivery["last_error"]) == (307, "HTTP 307")
    assert "/elsewhere" not in endless.paths


class TlsReceiver:
    """An HTTPS receiver on 127.0.0.1 with a certificate for ``name`` from a test authority;
    it records the server name each client asked for (SNI) and the Host of each request."""

    def __init__(self, authority: trustme.CA, name: str) -> None:
        self.server_names: list[str | None] = []
        self.hosts: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                receiver.hosts.append(self.headers["Host"])
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.issue_cert(name).configure_cert(context)
        context.sni_callback = lambda _socket, server_name, _context: self._asked(server_name)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _asked(self, server_name: str | None) -> None:
        self.server_names.append(server_name)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def test_tls_checks_the_certificate_of_the_host_name_not_of_the_address(
    world: World, answers: Answers
) -> None:
    authority = trustme.CA()
    client_context = ssl.create_default_context()
    authority.configure_trust(client_context)
    policy = TargetPolicy.parse("127.0.0.0/8", answers)
    for certified, expected in (("pinned.example", "delivered"), ("other.example", "pending")):
        receiver = TlsReceiver(authority, certified)
        try:
            hook = await _register(world, f"https://pinned.example:{receiver.port}/hook")
            await submit(world)
            async with delivery_client(verify=client_context) as client:
                sent = deliver_due(world.database, client=client, policy=policy)
                assert await asyncio.wait_for(sent, 60) >= 1
            delivery = await _last_delivery(world, hook)
            assert delivery["state"] == expected, (certified, delivery)
            assert receiver.server_names[-1] == "pinned.example"  # SNI: the name, not 127.0.0.1
            if expected == "delivered":
                assert receiver.hosts == [f"pinned.example:{receiver.port}"]
        finally:
            receiver.stop()
        await world.client.delete(f"{HOOKS}/{hook['id']}", headers=world.admin)
    # The certificate for another name was refused, so that request never reached the handler.
    assert delivery["last_error"] == "connection failed"
    assert receiver.hosts == []


class DrippingReceiver:
    """Answers 200 and then one byte of body every 0.2 s: each read is quick, the whole never
    ends (a per-read timeout alone would wait for it for ever)."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                try:
                    for _ in range(600):  # two minutes at most
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


async def test_a_receiver_that_never_finishes_is_cut_off(world: World) -> None:
    receiver = DrippingReceiver()
    try:
        port = receiver.server.server_address[1]
        hook = await _register(world, f"http://127.0.0.1:{port}/hook")
        await submit(world)
        local = TargetPolicy.parse("127.0.0.1")
        started = time.monotonic()
        assert await asyncio.wait_for(deliver_due(world.database, policy=local), 60) == 1
        assert time.monotonic() - started < SEND_DEADLINE_SECONDS + 10  # generous bound
        delivery = await _last_delivery(world, hook)
        assert (delivery["state"], delivery["last_error"]) == ("pending", "timeout")
    finally:
        receiver.stop()
