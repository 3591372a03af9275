"""The OpenID Connect provider, as this app talks to it (Authlib over httpx).

Discovery (``/.well-known/openid-configuration``, kept per process), the authorization URL
(state, nonce, PKCE S256), the code exchange, the ID token verified against the issuer's JWKS
(signature, ``iss``, ``aud``, expiry, ``nonce``, ``at_hash``: Authlib's ``CodeIDToken``), and
the UserInfo claims when the ID token does not carry the e-mail (providers that conform to the
specification only return scope claims there: oidc-provider, ProConnect).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from authlib.oidc.core import CodeIDToken, UserInfo
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from app.config import Settings
from app.errors import BadRequest, DomainError, register_status

TIMEOUT_S = 10
# Seconds of clock difference tolerated between the provider and this server.
LEEWAY_S = 120
CALLBACK_PATH = "/api/v1/auth/oidc/callback"


class OidcRefused(BadRequest):
    """The sign-in cannot be accepted: its ``code`` says why (bad state, bad ID token...)."""

    code = "oidc_bad_id_token"


class OidcUnreachable(DomainError):
    """The provider did not answer, or answered nonsense (502)."""

    code = "oidc_provider_unreachable"


register_status(OidcUnreachable, 502)


@dataclass(frozen=True, slots=True)
class ProviderAccount:
    """Who the provider says signed in: its verified claims."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


@dataclass
class OidcProvider:
    """The configured provider; its metadata and keys are fetched once per process."""

    issuer: str
    client_id: str
    client_secret: str | None
    scopes: str
    metadata: dict[str, Any] = field(default_factory=dict)
    jwks: dict[str, Any] = field(default_factory=dict)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @classmethod
    def from_settings(cls, settings: Settings) -> OidcProvider | None:
        if not settings.oidc_issuer or not settings.oidc_client_id:
            return None
        secret = settings.oidc_client_secret
        scopes = settings.oidc_scopes.split()
        scopes = scopes if "openid" in scopes else ["openid", *scopes]
        return cls(
            settings.oidc_issuer,
            settings.oidc_client_id,
            secret.get_secret_value() if secret else None,
            " ".join(scopes),
        )

    def client(self, redirect_uri: str) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method="client_secret_basic" if self.client_secret else "none",
            scope=self.scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT_S,
        )

    async def load_metadata(self) -> dict[str, Any]:
        async with self._lock:
            if not self.metadata:
                url = self.issuer + "/.well-known/openid-configuration"
                found = await _get_json(url)
                if found.get("issuer", "").rstrip("/") != self.issuer:
                    raise OidcUnreachable(reason="the discovery document names another issuer")
                self.metadata = found
        return self.metadata

    async def keys(self, refresh: bool = False) -> KeySet:
        if refresh or not self.jwks:
            metadata = await self.load_metadata()
            self.jwks = await _get_json(metadata["jwks_uri"])
        try:
            return KeySet.import_key_set(self.jwks)  # type: ignore[arg-type]
        except (JoseError, ValueError, KeyError) as error:
            raise OidcUnreachable(reason="unreadable JWKS") from error


async def _get_json(url: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
            response = await client.get(url, headers=headers)
            response.raise_for_status()
            body = response.json()
    except (httpx.HTTPError, ValueError) as error:
        raise OidcUnreachable(reason=type(error).__name__) from error
    if not isinstance(body, dict):
        raise OidcUnreachable(reason="not a JSON object")
    return body


def authorization_url(
    provider: OidcProvider, redirect_uri: str, state: str, nonce: str, verifier: str, locale: str
) -> str:
    """The provider's sign-in page for this sign-in (code flow with PKCE S256)."""
    endpoint = provider.metadata["authorization_endpoint"]
    client = provider.client(redirect_uri)
    url, _ = client.create_authorization_url(
        endpoint, state=state, code_verifier=verifier, nonce=nonce, ui_locales=locale
    )
    return str(url)


async def exchange_code(
    provider: OidcProvider, redirect_uri: str, code: str, verifier: str, nonce: str
) -> ProviderAccount:
    """Trade the code for tokens, verify the ID token and return the account it names."""
    metadata = await provider.load_metadata()
    try:
        async with provider.client(redirect_uri) as client:
            token = await client.fetch_token(
                metadata["token_endpoint"], code=code, code_verifier=verifier
            )
    except OAuthError as error:
        raise OidcRefused("oidc_token_refused", error=str(error.error)) from error
    except Exception as error:
        # Authlib's transport is httpx, or httpx2 when installed: any failure to get an
        # answer is the provider's, never a 500 of ours.
        raise OidcUnreachable(reason=type(error).__name__) from error
    if "id_token" not in token:
        raise OidcRefused("oidc_bad_id_token", reason="no ID token")
    claims = await verified_id_token(provider, token, nonce)
    if claims.get("email") is None and metadata.get("userinfo_endpoint"):
        claims = await _with_userinfo(provider, claims, str(token["access_token"]))
    return _account(provider.issuer, claims)


async def verified_id_token(
    provider: OidcProvider, token: dict[str, Any], nonce: str
) -> dict[str, Any]:
    params = {"nonce": nonce, "client_id": provider.client_id}
    if "access_token" in token:
        params["access_token"] = token["access_token"]
    decoded = await _decode(provider, str(token["id_token"]))
    options = {"iss": {"essential": True, "values": [provider.issuer]}}
    claims = CodeIDToken(decoded.claims, decoded.header, options, params)
    try:
        claims.validate(leeway=LEEWAY_S)
    except JoseError as error:
        raise OidcRefused("oidc_bad_id_token", reason=error.error) from error
    return dict(claims)


async def _decode(provider: OidcProvider, value: str) -> Any:
    algorithms = provider.metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    registry = JWSRegistry(algorithms=[a for a in algorithms if a != "none"])
    for refresh in (False, True):  # a key the provider rotated in: fetch the JWKS again
        try:
            return jwt.decode(value, await provider.keys(refresh), registry=registry)
        except JoseError as error:
            if refresh or error.error not in ("invalid_key_id", "bad_signature"):
                raise OidcRefused("oidc_bad_id_token", reason=error.error) from error
        except ValueError as error:
            raise OidcRefused("oidc_bad_id_token", reason="malformed") from error
    raise AssertionError("unreachable")


async def _with_userinfo(
    provider: OidcProvider, claims: dict[str, Any], access_token: str
) -> dict[str, Any]:
    """The ID token's claims completed by UserInfo's (JSON, or a JWT signed by the issuer)."""
    endpoint = provider.metadata["userinfo_endpoint"]
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_S) as client:
            response = await client.get(
                endpoint, headers={"Authorization": f"Bearer {access_token}"}
            )
            response.raise_for_status()
    except httpx.HTTPError as error:
        raise OidcUnreachable(reason=type(error).__name__) from error
    if response.headers.get("content-type", "").startswith("application/jwt"):
        info = dict((await _decode(provider, response.text)).claims)
    else:
        info = response.json()
    # OpenID Connect Core 5.3.2: claims of another subject must not be used.
    if not isinstance(info, dict) or info.get("sub") != claims.get("sub"):
        raise OidcRefused("oidc_bad_id_token", reason="UserInfo names another subject")
    return {**UserInfo(info), **claims}


def _account(issuer: str, claims: dict[str, Any]) -> ProviderAccount:
    email = claims.get("email")
    name = claims.get("name") or claims.get("preferred_username")
    given = " ".join(str(claims[k]) for k in ("given_name", "family_name") if claims.get(k))
    return ProviderAccount(
        issuer=issuer,
        subject=str(claims["sub"]),
        email=email if isinstance(email, str) and "@" in email else None,
        email_verified=claims.get("email_verified") is True,
        name=str(name) if name else (given or None),
    )
