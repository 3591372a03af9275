"""The unsubscribe page a notification e-mail links to: GET asks to confirm (a mail scanner
that opens the link changes nothing), the form's POST, like a mail client's RFC 8058
one-click POST, turns the e-mails off. Plain HTML, no script, no external resource."""

from __future__ import annotations

from html import escape

from app.i18n import Language

TEXTS: dict[str, dict[Language, str]] = {
    "title": {"en": "Relevé: e-mail notifications", "fr": "Relevé : notifications par courriel"},
    "ask_campaign": {
        "en": "Stop the e-mails about your contributions to “{campaign}”?",
        "fr": "Ne plus recevoir de courriels sur vos contributions à « {campaign} » ?",
    },
    "ask_all": {
        "en": "Stop every e-mail about your contributions?",
        "fr": "Ne plus recevoir aucun courriel sur vos contributions ?",
    },
    "button": {"en": "Unsubscribe", "fr": "Me désinscrire"},
    "done": {
        "en": "Done: you will get no more of these e-mails. Push notifications, if you turned "
        "them on, stay as they are.",
        "fr": "C'est fait : vous ne recevrez plus ces courriels. Les notifications push, si "
        "vous les avez activées, ne changent pas.",
    },
}
_STYLE = (
    "body{font:1rem/1.5 system-ui,sans-serif;margin:0;padding:1rem}"
    "main{max-width:34rem;margin:auto}"
    "button{font:inherit;padding:.6rem 1.2rem;min-height:44px}"
)


def _page(language: Language, body: str) -> str:
    title = escape(TEXTS["title"][language])
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{title}</title><style>{_STYLE}</style></head><body><main>"
        f"<h1>{title}</h1>{body}</main></body></html>"
    )


def confirm_page(language: Language, campaign: str | None) -> str:
    question = (TEXTS["ask_campaign"][language].format(campaign=campaign) if campaign
                else TEXTS["ask_all"][language])  # fmt: skip
    return _page(
        language,
        f'<form method="post"><p>{escape(question)}</p>'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        f'<button type="submit">{escape(TEXTS["button"][language])}</button></form>',
    )


def done_page(language: Language) -> str:
    return _page(language, f'<p role="status">{escape(TEXTS["done"][language])}</p>')
