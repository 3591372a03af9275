"""A finding's figures as people read them, in French and English.

An issue keeps its raw figures (metres, percentages) for API clients; its messages show them
the way each language writes them. In a template, ``{outside_m:distance}`` reads "850 m",
"1,2 km" (French) or "1.2 km" (English), or "34 km"; ``{overlap_percent:percent}`` reads
"12,5 %" or "12.5%"; a bare ``{distance_m}`` is the number alone ("68,3" in French), for
wordings that write the unit themselves.
"""

from __future__ import annotations

import string
from typing import Any

from app.i18n import Language
from app.quality.messages import RULE_MESSAGES

# French groups thousands with a narrow no-break space and writes a decimal comma.
_SEPARATORS: dict[Language, dict[int, str]] = {
    "fr": str.maketrans({",": "\u202f", ".": ","}),
    "en": {},
}


def number(value: float, language: Language, decimals: int = 1) -> str:
    """``value`` with at most ``decimals`` decimals, grouped and punctuated as ``language`` is."""
    text = f"{round(value, decimals):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.translate(_SEPARATORS[language])


def distance(metres: float, language: Language) -> str:
    """Whole metres under 1 km, then km with one decimal under 10 km, then whole km."""
    if round(metres) < 1000:
        return f"{number(metres, language, 0)} m"
    kilometres = metres / 1000
    return f"{number(kilometres, language, 1 if kilometres < 10 else 0)} km"


def percent(value: float, language: Language) -> str:
    return f"{number(value, language)} %" if language == "fr" else f"{number(value, language)}%"


_SPECS = {"distance": distance, "percent": percent}


class _Figures(string.Formatter):
    def __init__(self, language: Language) -> None:
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value) if format_spec in _SPECS else super().format_field(value, format_spec)
        if format_spec in _SPECS:
            return _SPECS[format_spec](value, self.language)
        if format_spec:
            return str(super().format_field(value, format_spec))
        return number(value, self.language)


def fill(template: str, language: Language, figures: dict[str, Any]) -> str:
    """``template`` with the figures as ``language`` writes them; raises KeyError, IndexError or
    ValueError for a field the figures lack or a bad format."""
    return _Figures(language).format(template, **figures)


def finding_message(code: str, language: Language, figures: dict[str, Any]) -> str:
    """The catalogue's wording of a finding; a zero tolerance goes unsaid."""
    if figures.get("tolerance_m") and f"{code}_tolerance" in RULE_MESSAGES:
        code = f"{code}_tolerance"
    templates = RULE_MESSAGES.get(code)
    if templates is None:
        return code
    try:
        return fill(templates[language], language, figures)
    except (KeyError, IndexError, ValueError):
        return templates[language]
