"""User-facing messages in French and English, chosen by ``Accept-Language``."""

from __future__ import annotations

from typing import Literal

Language = Literal["fr", "en"]
SUPPORTED: tuple[Language, ...] = ("en", "fr")
DEFAULT_LANGUAGE: Language = "en"


def negotiate_language(header: str | None) -> Language:
    """Pick fr or en from an Accept-Language header, honouring q-values; default en."""
    if not header:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()))
    for negative_quality, _, tag in sorted(ranked):
        primary = tag.split("-")[0]
        if negative_quality < 0 and primary in SUPPORTED:
            return primary  # type: ignore[return-value,unused-ignore]
    return DEFAULT_LANGUAGE


def label_text(label: dict[str, str] | None, language: str = DEFAULT_LANGUAGE) -> str:
    """A form text in ``language``: its exact tag, then its primary language, then English,
    French and whatever language the text has (labels may be in any BCP 47 language)."""
    if not label:
        return ""
    wanted = language.lower()
    by_tag = {tag.lower(): text for tag, text in label.items()}
    primary = wanted.split("-")[0]
    for tag in (wanted, primary):
        if tag in by_tag:
            return by_tag[tag]
    for tag, text in by_tag.items():
        if tag.split("-")[0] == primary:
            return text
    return by_tag.get("en") or by_tag.get("fr") or next(iter(by_tag.values()))
