"""Display names chosen by contributors: printable, bounded, and not passing for staff.

A name is compared after folding case and accents and dropping digits, separators and a few
filler words, so ``Admin``, ``admin1``, ``Modérateur``, ``s.t.a.f.f`` and ``Relevé team`` all
read as a reserved word.
"""

from __future__ import annotations

import re
import unicodedata

from app.errors import FieldError, ValidationFailed

MAX_LENGTH = 60
RESERVED = frozenset(
    {
        "admin", "administrateur", "administratrice", "administrator", "adm", "root",
        "moderateur", "moderatrice", "moderator", "modo", "mod", "staff", "validator",
        "validateur", "validatrice", "support", "assistance", "helpdesk", "releve", "owner",
        "proprietaire", "official", "officiel", "system", "systeme",
    }
)  # fmt: skip
# Words that turn a reserved word into an equally official-looking name ("Relevé team").
_FILLERS = frozenset(
    {"team", "equipe", "the", "le", "la", "les", "l", "de", "du", "des", "d", "of", "app"}
)
# Zero-width joiner: part of many emoji sequences; other format characters can hide text.
_ALLOWED_FORMAT = frozenset({"\u200d"})


def _folded(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _hidden_character(name: str) -> str | None:
    for character in name:
        category = unicodedata.category(character)
        if category in ("Cc", "Cs", "Co", "Cn") or (
            category == "Cf" and character not in _ALLOWED_FORMAT
        ):
            return f"U+{ord(character):04X}"
    return None


def reserved_word(name: str) -> str | None:
    """The staff word ``name`` reads as, or None."""
    words = re.findall(r"[^\W\d_]+", _folded(name))
    meaningful = [word for word in words if word not in _FILLERS]
    for candidate in ("".join(meaningful), "".join(words)):
        if candidate in RESERVED:
            return candidate
    return None


def _problem(name: object) -> tuple[str, dict[str, object]] | None:
    if not isinstance(name, str):
        return "display_name_required", {}
    cleaned = name.strip()
    if not cleaned:
        return "display_name_required", {}
    if (character := _hidden_character(cleaned)) is not None:
        return "display_name_control_character", {"character": character}
    if len(cleaned) > MAX_LENGTH:
        return "too_long", {"maximum": MAX_LENGTH, "length": len(cleaned)}
    if (word := reserved_word(cleaned)) is not None:
        return "display_name_reserved", {"name": cleaned, "word": word}
    return None


def checked_display_name(name: object, member: str = "/display_name") -> str:
    """``name`` without surrounding spaces; ValidationFailed (422, naming ``member``) else."""
    problem = _problem(name)
    if problem is not None:
        code, params = problem
        raise ValidationFailed([FieldError(member, code, params)])
    assert isinstance(name, str)
    return name.strip()
