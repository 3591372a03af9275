"""Settings, read from the environment with the ``RELEVE_`` prefix (never at import time)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RELEVE_", env_file=".env", extra="ignore")

    # With no database URL, `releve serve` starts the embedded PostGIS cluster in data_dir.
    database_url: SecretStr | None = None
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    migrate_on_start: bool = True
    db_pool_size: int = 10
    # Largest request body accepted by the observation endpoints, in bytes.
    max_body_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    max_batch_features: int = Field(default=1000, ge=1, le=100_000)
    # Largest reference layer file accepted by POST /api/v1/reference-layers, in bytes.
    max_upload_bytes: int = Field(default=200 * 1024 * 1024, ge=1024)
    public_url: str | None = None
    # Photos: stored under media_dir (default: <data_dir>/media), by content hash.
    media_dir: Path | None = None
    # Basemaps served at /basemaps: PMTiles or MBTiles archives (default: <data_dir>/basemaps),
    # besides the demo ones `make setup` builds (app/basemaps/registry.py).
    basemaps_dir: Path | None = None
    # GeoPackage and FlatGeobuf exports, built once per data version (default: <data_dir>/exports).
    exports_dir: Path | None = None
    max_media_bytes: int = Field(default=15 * 1024 * 1024, ge=1024)
    # Audio files of audio questions (stored as sent): a few minutes of speech or bird song.
    max_audio_bytes: int = Field(default=25 * 1024 * 1024, ge=1024)
    # Largest photo in pixels (width x height), checked before decoding: a small file can
    # announce a huge picture. At most Pillow's own bomb threshold (app/media/images.py).
    max_media_pixels: int = Field(default=40_000_000, ge=1, le=80_000_000)
    # Writes per minute per token (four times that per client address); 0 turns limits off.
    rate_limit_per_minute: int = Field(default=120, ge=0)
    # Failed sign-ins (POST /auth/token) allowed per account and per client address in a
    # window of signin_window_minutes; past that, 429 before any password is hashed. 0: off.
    signin_failures_per_account: int = Field(default=10, ge=0)
    signin_failures_per_address: int = Field(default=50, ge=0)
    signin_window_minutes: int = Field(default=15, ge=1, le=24 * 60)
    # Device accounts (POST /auth/device) one client address may create per hour; 0: no limit.
    device_accounts_per_hour: int = Field(default=20, ge=0)
    # Bearer tokens (device tokens too) expire this many days after they were issued.
    token_lifetime_days: int = Field(default=90, ge=1, le=3650)
    # Browser sessions (POST /auth/session, the console) end this many hours after sign-in.
    session_lifetime_hours: int = Field(default=12, ge=1, le=24 * 90)
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated IPs or
    # CIDRs); empty: none, the client address is the TCP peer's.
    trusted_proxies: str = ""
    # Run the webhook delivery worker in this process (any number of processes may share it).
    webhooks_worker: bool = True
    # Webhooks go to public internet addresses only; these comma-separated host names,
    # addresses and networks (CIDR) may be called too (a self-hosted intranet).
    webhook_allowed_hosts: str = ""
    # Who may show /embed/{slug} in a frame: the value of CSP frame-ancestors ("*": any site;
    # e.g. "'self' https://www.example.fr" to allow only those).
    embed_frame_ancestors: str = "*"
    # Sites whose pages may read the public data (CORS), comma-separated origins; "*": any.
    # Never with credentials: a page elsewhere reads what anyone may read, or what its own
    # bearer token allows.
    cors_origins: str = "*"
    # Any signed-in named (non-device) user may create an organisation and become its admin;
    # when false, only instance admins create organisations.
    self_service_organisations: bool = False
    # E-mail (sign-up, verification, password reset, e-mail change): sent through this SMTP
    # server; without a host, each message (with its link) is written to the log instead.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False
    smtp_from: str = "Relevé <noreply@localhost>"
    # Run the e-mail delivery worker in this process (any number of processes may share it).
    email_worker: bool = True
    # Notifications to contributors (app/notifications): the daily digest goes out at this
    # hour (UTC); the VAPID contact push services may write to (mailto: or https: URL; by
    # default the smtp_from address).
    notification_digest_hour: int = Field(default=17, ge=0, le=23)
    push_contact: str | None = None
    # Run the notification worker (e-mails queued from the timeline, digests, Web Push).
    notifications_worker: bool = True
    # Password-reset requests per hour, per client address and per e-mail address; 0: off.
    reset_requests_per_address: int = Field(default=20, ge=0)
    reset_requests_per_email: int = Field(default=3, ge=0)
    # Self sign-ups per hour per client address; 0: no limit.
    signups_per_hour: int = Field(default=20, ge=0)
    # Sign-in through OpenID Connect (app/auth/oidc*.py): on when the issuer and the client id
    # are set. The provider registers <public URL>/api/v1/auth/oidc/callback as redirect URI.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    # The provider's name on the console's sign-in button ("Se connecter avec {name}").
    oidc_name: str = "OpenID Connect"
    # Space-separated; "openid" is always asked for.
    oidc_scopes: str = "openid email profile"
    # How long a sign-in may stay at the provider before its state is forgotten.
    oidc_login_minutes: int = Field(default=10, ge=1, le=60)

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for entry in trusted_proxy_list(value):
            ipaddress.ip_network(entry, strict=False)  # ValueError names the bad entry
        return value

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_is_http(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("the OpenID Connect issuer is an https:// URL")
        return value.rstrip("/") if value else value

    def database_url_value(self) -> str | None:
        return self.database_url.get_secret_value() if self.database_url else None

    def cors_origin_list(self) -> list[str]:
        return [
            origin.strip().rstrip("/") for origin in self.cors_origins.split(",") if origin.strip()
        ]


def media_directory(settings: Settings) -> Path:
    return settings.media_dir or settings.data_dir / "media"


def exports_directory(settings: Settings) -> Path:
    return settings.exports_dir or settings.data_dir / "exports"


def trusted_proxy_list(value: str) -> list[str]:
    return [entry.strip() for entry in value.split(",") if entry.strip()]


def uvicorn_proxy_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy options: forwarded headers are believed only from trusted proxies.

    uvicorn's own default believes them from 127.0.0.1, so any local client (or a proxy that
    does not strip them) could pick the address the per-address limits count.
    """
    proxies = trusted_proxy_list(settings.trusted_proxies)
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies}
