"""A real push service for the tests: the push-service side of RFC 8030 on 127.0.0.1 (aiohttp),
checking the VAPID Authorization header (RFC 8292: an ES256 JWT for this origin, verified with
the key it names) and decrypting each aes128gcm payload (RFC 8291) with the private key of a
browser subscription the test made."""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.live import free_port


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class BrowserSubscription:
    """What a browser's pushManager.subscribe makes: an endpoint and its keys (the private
    key stays in the browser, here in the test)."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    def to_json(self) -> dict[str, Any]:
        public = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64(public), "auth": b64(self.auth)}}


@dataclass
class Received:
    name: str
    ttl: int
    vapid_key: str
    claims: dict[str, Any]
    message: dict[str, Any]


@dataclass
class PushService:
    origin: str
    subscriptions: dict[str, BrowserSubscription] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    # Names answered 410 Gone (the browser unsubscribed) or 503 (the service is down).
    gone: set[str] = field(default_factory=set)
    failing: set[str] = field(default_factory=set)

    def subscribe(self, name: str) -> BrowserSubscription:
        endpoint = f"{self.origin}/push/{name}-{secrets.token_hex(4)}"
        subscription = BrowserSubscription(
            name, endpoint, ec.generate_private_key(ec.SECP256R1()), secrets.token_bytes(16)
        )
        self.subscriptions[endpoint.rsplit("/", 1)[1]] = subscription
        return subscription

    def to(self, name: str) -> list[Received]:
        return [item for item in self.received if item.name == name]

    async def handle(self, request: web.Request) -> web.Response:
        subscription = self.subscriptions.get(request.match_info["id"])
        if subscription is None or subscription.name in self.gone:
            return web.Response(status=410)
        if subscription.name in self.failing:
            return web.Response(status=503)
        ttl = request.headers.get("TTL")
        if ttl is None or not ttl.isdigit():
            return web.Response(status=400, text="TTL missing")
        if request.headers.get("Content-Encoding") != "aes128gcm":
            return web.Response(status=415)
        try:
            key, claims = self.check_vapid(request.headers.get("Authorization", ""))
        except ValueError as error:
            return web.Response(status=401, text=str(error))
        plain = http_ece.decrypt(
            await request.read(), private_key=subscription.private_key,
            auth_secret=subscription.auth, version="aes128gcm",
        )  # fmt: skip
        self.received.append(Received(subscription.name, int(ttl), key, claims, json.loads(plain)))
        return web.Response(status=201, headers={"Location": f"{self.origin}/message/1"})

    def check_vapid(self, authorization: str) -> tuple[str, dict[str, Any]]:
        """RFC 8292: ``vapid t=<JWT>, k=<public key>``; the JWT's ES256 signature verifies
        with k, its audience is this origin and it expires within 24 hours."""
        scheme, _, rest = authorization.partition(" ")
        if scheme.lower() != "vapid":
            raise ValueError("not a vapid Authorization")
        parts = dict(p.strip().split("=", 1) for p in rest.split(","))
        token, key = parts["t"], parts["k"]
        header, payload, signature = token.split(".")
        if json.loads(unb64(header)).get("alg") != "ES256":
            raise ValueError("not ES256")
        raw = unb64(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
        try:
            public.verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
        except Exception as error:
            raise ValueError("bad JWT signature") from error
        claims = json.loads(unb64(payload))
        if claims.get("aud") != self.origin:
            raise ValueError(f"audience {claims.get('aud')}")
        if not time.time() < claims["exp"] <= time.time() + 24 * 3600:
            raise ValueError("expiry")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("subject")
        return key, claims


@asynccontextmanager
async def push_service() -> AsyncIterator[PushService]:
    port = free_port()
    service = PushService(f"http://127.0.0.1:{port}")
    app = web.Application()
    app.router.add_post("/push/{id}", service.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield service
    finally:
        await runner.cleanup()
