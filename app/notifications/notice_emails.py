"""The notification e-mails, in French and English, as plain text and HTML (sent as
multipart/alternative), with the RFC 2369 / RFC 8058 unsubscribe headers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from app.config import Settings
from app.i18n import Language
from app.notifications.messages import EVENT_LINES, STAFF_KINDS, STATUS_NAMES
from app.notifications.models import OutgoingEmail

TEXTS: dict[str, dict[Language, str]] = {
    "subject": {"en": "Relevé: news of your contribution to {campaign}",
                "fr": "Relevé : du nouveau sur votre contribution à {campaign}"},
    "digest_subject": {"en": "Relevé: {count} update(s) on your contributions",
                       "fr": "Relevé : {count} nouvelle(s) de vos contributions"},
    "staff_subject": {"en": "Relevé: a contribution to review in {campaign}",
                      "fr": "Relevé : une contribution à vérifier dans {campaign}"},
    "staff_intro": {"en": "News of the campaign “{campaign}”:",
                    "fr": "Du nouveau dans la campagne « {campaign} » :"},
    "backlog_subject": {"en": "Relevé: {count} contributions wait for review in {campaign}",
                        "fr": "Relevé : {count} contributions attendent une vérification "
                              "dans {campaign}"},
    "backlog_line": {"en": "{count} contributions wait for review (alert threshold: {threshold}).",
                     "fr": "{count} contributions attendent une vérification (seuil d'alerte : "
                           "{threshold})."},
    "hello": {"en": "Hello {name},", "fr": "Bonjour {name},"},
    "intro": {"en": "News of your contribution to “{campaign}”:",
              "fr": "Du nouveau sur votre contribution à « {campaign} » :"},
    "digest_intro": {"en": "Today's news of your contributions:",
                     "fr": "Les nouvelles du jour sur vos contributions :"},
    "open": {"en": "See it", "fr": "La voir"},
    "why": {"en": "You get this e-mail because you asked for news of your contributions.",
            "fr": "Vous recevez ce courriel car vous avez demandé des nouvelles de vos "
                  "contributions."},
    "unsubscribe": {"en": "Stop these e-mails", "fr": "Ne plus recevoir ces courriels"},
}  # fmt: skip


def _t(key: str, language: Language, **params: object) -> str:
    return TEXTS[key][language].format(**params)


def language_of(value: str | None) -> Language:
    return "en" if value == "en" else "fr"


def event_line(row: Any, language: Language) -> str:
    """One sentence saying what happened (the same in e-mails and push messages)."""
    payload = row.payload or {}
    params: dict[str, object] = {"actor": row.actor or "?"}
    if row.kind == "status_changed":
        status = payload.get("to", "")
        params["status"] = STATUS_NAMES.get(status, {}).get(language, status)
    elif row.kind == "info_requested":
        params["question"] = payload.get("question", "")
    elif row.kind == "outcome":
        message = payload.get("message", "")
        params["message"] = message.get(language, "") if isinstance(message, dict) else message
    params["comment"] = payload.get("comment") or ""
    line = EVENT_LINES[row.kind][language].format(**params)
    if row.kind == "status_changed" and payload.get("comment"):
        line += f" « {payload['comment']} »" if language == "fr" else f" “{payload['comment']}”"
    return line


def base_url(settings: Settings) -> str:
    return (settings.public_url or f"http://{settings.host}:{settings.port}").rstrip("/")


def observation_link(settings: Settings, row: Any) -> str:
    """The author's timeline of it; for staff alerts, the campaign's review queue."""
    if row.kind in STAFF_KINDS:
        return review_link(settings, row.slug)
    return f"{base_url(settings)}/#/mine/{row.observation_id}"


def review_link(settings: Settings, slug: str) -> str:
    return f"{base_url(settings)}/#/c/{slug}/review"


def unsubscribe_link(settings: Settings, token: str) -> str:
    return f"{base_url(settings)}/notifications/unsubscribe/{token}"


@dataclass(frozen=True, slots=True)
class Item:
    campaign: str
    line: str
    link: str


def _text(language: Language, name: str, intro: str, items: Sequence[Item], stop: str) -> str:
    lines = [_t("hello", language, name=name), "", intro, ""]
    for item in items:
        lines += [f"- {item.campaign} : {item.line}" if language == "fr"
                  else f"- {item.campaign}: {item.line}", f"  {item.link}", ""]  # fmt: skip
    lines += ["--", _t("why", language), f"{_t('unsubscribe', language)}: {stop}", ""]
    return "\n".join(lines)


def _html(language: Language, name: str, intro: str, items: Sequence[Item], stop: str) -> str:
    entries = "".join(
        f"<li><strong>{escape(item.campaign)}</strong> : {escape(item.line)} "
        f'<a href="{escape(item.link)}">{escape(_t("open", language))}</a></li>'
        for item in items
    )
    return (
        f'<!doctype html><html lang="{language}"><body>'
        f"<p>{escape(_t('hello', language, name=name))}</p><p>{escape(intro)}</p>"
        f"<ul>{entries}</ul><hr><p><small>{escape(_t('why', language))} "
        f'<a href="{escape(stop)}">{escape(_t("unsubscribe", language))}</a></small></p>'
        "</body></html>"
    )


def _email(to: str, language: Language, subject: str, name: str, intro: str,
           items: Sequence[Item], stop: str) -> OutgoingEmail:  # fmt: skip
    headers = {"List-Unsubscribe": f"<{stop}>",
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
               "Auto-Submitted": "auto-generated"}  # fmt: skip
    return OutgoingEmail(
        to_address=to, subject=subject, language=language, headers=headers,
        body=_text(language, name, intro, items, stop),
        html_body=_html(language, name, intro, items, stop),
    )  # fmt: skip


def instant_email(settings: Settings, row: Any, stop: str) -> OutgoingEmail:
    """One event, one e-mail; ``stop`` is the unsubscribe link (for that campaign)."""
    language = language_of(row.language)
    item = Item(row.campaign_title, event_line(row, language), observation_link(settings, row))
    staff = "staff_" if row.kind in STAFF_KINDS else ""
    subject = _t(f"{staff}subject", language, campaign=row.campaign_title)
    intro = _t(f"{staff}intro" if staff else "intro", language, campaign=row.campaign_title)
    return _email(row.email, language, subject, row.display_name, intro, [item], stop)


def digest_email(settings: Settings, rows: Sequence[Any], stop: str) -> OutgoingEmail:
    """The day's events of one person in one e-mail; ``stop`` unsubscribes from all."""
    first = rows[0]
    language = language_of(first.language)
    items = [Item(row.campaign_title, event_line(row, language), observation_link(settings, row))
             for row in rows]  # fmt: skip
    subject = _t("digest_subject", language, count=len(rows))
    intro = _t("digest_intro", language)
    return _email(first.email, language, subject, first.display_name, intro, items, stop)


def backlog_email(settings: Settings, person: Any, campaign: Any, token: str) -> OutgoingEmail:
    """The day's alert that ``campaign``'s review backlog is over its threshold."""
    language = language_of(person.language)
    count, title = campaign.backlog, campaign.title
    line = _t("backlog_line", language, count=count, threshold=campaign.threshold)
    item = Item(title, line, review_link(settings, campaign.slug))
    subject = _t("backlog_subject", language, count=count, campaign=title)
    intro = _t("staff_intro", language, campaign=title)
    stop = unsubscribe_link(settings, token)
    return _email(person.email, language, subject, person.display_name, intro, [item], stop)
