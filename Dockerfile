# Relevé application image. It does not embed PostgreSQL: point RELEVE_DATABASE_URL at a
# PostGIS server (see compose.yaml). Migrations run at start unless RELEVE_MIGRATE_ON_START=false.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    RELEVE_HOST=0.0.0.0 \
    RELEVE_PORT=8000 \
    RELEVE_DATA_DIR=/var/lib/releve

WORKDIR /srv/releve
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY pwa ./pwa
# Editable install: migrations/ and pwa/ are found beside the app package.
RUN pip install --no-cache-dir -e . \
    && useradd --system --home-dir /var/lib/releve --create-home releve

USER releve
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"
CMD ["releve", "serve"]
