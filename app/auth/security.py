"""Password hashing (argon2id), API token generation and hashing, and the browser session's
cookie names and CSRF token."""

from __future__ import annotations

import base64
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

TOKEN_PREFIX = "rlv_"
# A browser session is an api_tokens row of this name, its token carried by SESSION_COOKIE.
BROWSER_TOKEN_NAME = "browser"
SESSION_COOKIE = "releve_session"
# Readable by the console's scripts: its value must come back in the CSRF header on writes.
CSRF_COOKIE = "releve_csrf"
CSRF_HEADER = "X-CSRF-Token"
_hasher = PasswordHasher()
# Verifying against this when the user does not exist keeps response times alike, so timing
# does not reveal which user names exist.
_DUMMY_HASH = _hasher.hash("not a real password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def csrf_token_for(session_token: str) -> str:
    """The CSRF token of a session, derived from its (HttpOnly) token: nothing to store, the
    same in every process, and out of reach of a page that can set cookies but not read ours."""
    digest = hashlib.sha256(b"releve-csrf:" + session_token.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
