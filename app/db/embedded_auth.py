"""Who may connect to the embedded cluster, and how: roles, passwords and pg_hba.conf.

Two roles, each with a generated password (SCRAM) kept in ``credentials.json`` (mode 0600)
beside the cluster:

- ``releve_admin``: the cluster's bootstrap superuser, for the manager's own work (create and
  drop databases, create the PostGIS extension);
- ``releve``: what the app and the migrations connect as; not a superuser, owner of the
  databases the manager creates (so it cannot run ``COPY ... TO PROGRAM`` or read files).

No ``trust`` anywhere: another local account knows neither password. Clusters made by earlier
versions (``trust``, the app connecting as the superuser ``releve``) are converted on start.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from app.db.embedded_os import EmbeddedPostgresError

APP_ROLE = "releve"
ADMIN_ROLE = "releve_admin"
# Earlier clusters: the bootstrap superuser was called like the app role.
LEGACY_SUPERUSER = "releve"
CONVERSION_ROLE = "releve_convert"
PG_HBA = f"""\
# Written by Relevé: passwords (SCRAM) on the Unix socket and 127.0.0.1 only; no trust.
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
# Streaming standbys (pg_basebackup) connect as the maintenance superuser.
local replication {ADMIN_ROLE} scram-sha-256
host  replication {ADMIN_ROLE} 127.0.0.1/32 scram-sha-256
"""
# PostGIS is not a trusted extension: the superuser creates it. The trusted ones are created
# as the app role so that it owns them (migrations may drop and create them again).
SUPERUSER_EXTENSIONS = ("postgis",)
APP_EXTENSIONS = ("btree_gist", "unaccent", "pg_trgm")


@dataclass(frozen=True)
class Credentials:
    app_password: str
    admin_password: str

    @classmethod
    def generate(cls) -> Credentials:
        # Hex only: safe in URLs and in SQL string literals without any quoting.
        return cls(secrets.token_hex(24), secrets.token_hex(24))


def load_credentials(path: Path) -> Credentials | None:
    """The credentials stored at `path`, or None when the file is missing. Raises
    EmbeddedPostgresError when it cannot be read (another account's) or is damaged."""
    try:
        values = json.loads(path.read_text())
        return Credentials(values[APP_ROLE], values[ADMIN_ROLE])
    except FileNotFoundError:
        return None
    except PermissionError as error:
        raise EmbeddedPostgresError(
            f"{path} is not readable: run Relevé as the account that started it"
        ) from error
    except (ValueError, KeyError, TypeError) as error:
        raise EmbeddedPostgresError(f"{path} is damaged: {error!r}") from error


def save_credentials(path: Path, credentials: Credentials) -> None:
    """Write the file (mode 0600 from its creation) and rename it into place."""
    staging = path.with_name(path.name + ".new")
    staging.unlink(missing_ok=True)
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        json.dump(
            {APP_ROLE: credentials.app_password, ADMIN_ROLE: credentials.admin_password}, file
        )
        file.flush()
        os.fsync(file.fileno())
    staging.rename(path)


def hba_trusts(hba: Path) -> bool:
    """True when pg_hba.conf has a `trust` line (a cluster made by an earlier version)."""
    lines = (line.split("#", 1)[0].split() for line in hba.read_text().splitlines())
    return any(words and words[-1] == "trust" for words in lines)


def app_role_statements(password: str) -> list[str]:
    """Create the app role if missing and (re)set its attributes and password."""
    return [
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} LOGIN;
            END IF;
        END $$""",
        f"ALTER ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION "
        f"NOBYPASSRLS PASSWORD '{password}'",
    ]


def extension_statements() -> list[str]:
    statements = [f"CREATE EXTENSION IF NOT EXISTS {name}" for name in SUPERUSER_EXTENSIONS]
    statements.append(f"SET ROLE {APP_ROLE}")
    statements += [f"CREATE EXTENSION IF NOT EXISTS {name}" for name in APP_EXTENSIONS]
    return statements


# Run by the legacy superuser while trust still holds: a superuser able to rename it.
CREATE_CONVERSION_ROLE = f"""DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{CONVERSION_ROLE}') THEN
        CREATE ROLE {CONVERSION_ROLE} SUPERUSER LOGIN;
    END IF;
END $$"""


def conversion_statements(admin_password: str) -> list[str]:
    """Run as the conversion role: the bootstrap superuser becomes releve_admin, a new
    non-superuser releve owns every application database. One transaction per DO block, so a
    crash leaves either the old or the new names."""
    return [
        f"""DO $$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ADMIN_ROLE}') THEN
                ALTER ROLE {LEGACY_SUPERUSER} RENAME TO {ADMIN_ROLE};
                CREATE ROLE {APP_ROLE} LOGIN;
            END IF;
        END $$""",
        f"ALTER ROLE {ADMIN_ROLE} PASSWORD '{admin_password}'",
        f"""DO $$ DECLARE name text; BEGIN
            FOR name IN SELECT datname FROM pg_database
                WHERE datname NOT IN ('postgres', 'template0', 'template1') LOOP
                EXECUTE format('ALTER DATABASE %I OWNER TO {APP_ROLE}', name);
            END LOOP;
        END $$""",
    ]


# Run as releve_admin in each application database: hand the app's objects (tables, views,
# sequences not owned by a column, functions, types) to the app role; extension members stay.
TRANSFER_OWNERSHIP = f"""DO $$ DECLARE statement text; BEGIN
    FOR statement IN
        SELECT format('ALTER TABLE %s OWNER TO {APP_ROLE}', c.oid::regclass)
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND c.relowner = '{ADMIN_ROLE}'::regrole
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
        UNION ALL
        SELECT format('ALTER ROUTINE %s OWNER TO {APP_ROLE}', p.oid::regprocedure)
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = '{ADMIN_ROLE}'::regrole
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
        UNION ALL
        SELECT format('ALTER TYPE %s OWNER TO {APP_ROLE}', t.oid::regtype)
        FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typowner = '{ADMIN_ROLE}'::regrole
          AND t.typtype IN ('e', 'd', 'r')
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                          AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE statement;
    END LOOP;
END $$"""

# Trusted extensions the legacy superuser created: the app role must own them for the
# migrations that drop and create them again. There is no ALTER EXTENSION ... OWNER; the owner
# column is all DROP EXTENSION checks (the stale pg_shdepend row only matters to DROP ROLE
# releve_admin, which never happens).
TRANSFER_EXTENSIONS = (
    f"UPDATE pg_extension SET extowner = '{APP_ROLE}'::regrole "
    f"WHERE extname IN ({', '.join(repr(name) for name in APP_EXTENSIONS)}) "
    f"AND extowner = '{ADMIN_ROLE}'::regrole"
)

APPLICATION_DATABASES = (
    "SELECT datname FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1')"
)
