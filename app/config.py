"""Settings, read from the environment with the ``RELEVE_`` prefix (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
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
    max_media_bytes: int = Field(default=15 * 1024 * 1024, ge=1024)
    # Largest photo in pixels (width x height), checked before decoding: a small file can
    # announce a huge picture. At most Pillow's own bomb threshold (app/media/images.py).
    max_media_pixels: int = Field(default=40_000_000, ge=1, le=80_000_000)
    # Writes per minute per token (four times that per client address); 0 turns limits off.
    rate_limit_per_minute: int = Field(default=120, ge=0)
    # Run the webhook delivery worker in this process (any number of processes may share it).
    webhooks_worker: bool = True
    # Webhooks go to public internet addresses only; these comma-separated host names,
    # addresses and networks (CIDR) may be called too (a self-hosted intranet).
    webhook_allowed_hosts: str = ""
    # Who may show /embed/{slug} in a frame: the value of CSP frame-ancestors ("*": any site;
    # e.g. "'self' https://www.example.fr" to allow only those).
    embed_frame_ancestors: str = "*"

    def database_url_value(self) -> str | None:
        return self.database_url.get_secret_value() if self.database_url else None


def media_directory(settings: Settings) -> Path:
    return settings.media_dir or settings.data_dir / "media"
