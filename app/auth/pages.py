"""The two small pages account links open, in French or English (by Accept-Language):
/setup (the first administrator) and /account (verify an address, choose a new password,
ask for a reset link). Plain HTML and a few lines of JavaScript; no external resource.

The token travels in the URL fragment (``#token=...``), which browsers never send to the
server; the script posts it to the API only when the person submits the form, so a mail
scanner that prefetches the link uses nothing.
"""

from __future__ import annotations

import json
from html import escape

from app.i18n import Language

TEXTS: dict[str, dict[Language, str]] = {
    "setup_title": {"en": "Relevé: first administrator", "fr": "Relevé : premier administrateur"},
    "setup_intro": {
        "en": "Create the administrator account of this Relevé server.",
        "fr": "Créez le compte administrateur de ce serveur Relevé.",
    },
    "setup_done": {
        "en": "This server already has an administrator: this page no longer does anything. "
        "Sign in from the home page.",
        "fr": "Ce serveur a déjà un administrateur : cette page ne sert plus. Connectez-vous "
        "depuis la page d'accueil.",
    },
    "username": {"en": "User name", "fr": "Nom d'utilisateur"},
    "email": {"en": "E-mail address", "fr": "Adresse électronique"},
    "password": {
        "en": "Password (at least 10 characters)",
        "fr": "Mot de passe (10 caractères au moins)",
    },
    "create": {"en": "Create the administrator", "fr": "Créer l'administrateur"},
    "next_steps": {
        "en": "Done. Next: sign in on the home page with your user name or e-mail address, "
        "create a campaign, and set RELEVE_SMTP_HOST so that e-mails are sent.",
        "fr": "C'est fait. Ensuite : connectez-vous sur la page d'accueil avec votre nom "
        "d'utilisateur ou votre adresse, créez une campagne et renseignez RELEVE_SMTP_HOST "
        "pour que les courriels partent.",
    },
    "no_token": {
        "en": "This link has no token: use the one `releve serve` printed.",
        "fr": "Ce lien ne contient pas de jeton : utilisez celui affiché par `releve serve`.",
    },
    "account_title": {"en": "Relevé: your account", "fr": "Relevé : votre compte"},
    "confirm": {"en": "Confirm this address", "fr": "Confirmer cette adresse"},
    "confirmed": {"en": "Your address is confirmed.", "fr": "Votre adresse est confirmée."},
    "new_password": {
        "en": "New password (at least 10 characters)",
        "fr": "Nouveau mot de passe (10 caractères au moins)",
    },
    "set_password": {"en": "Set the new password", "fr": "Enregistrer le mot de passe"},
    "password_set": {
        "en": "Your password is changed; you were signed out everywhere. Sign in again.",
        "fr": "Votre mot de passe est changé ; vous avez été déconnecté partout. Reconnectez-vous.",
    },
    "ask_reset": {"en": "Send me a reset link", "fr": "M'envoyer un lien de réinitialisation"},
    "reset_sent": {
        "en": "If an account has this address, a link is on its way.",
        "fr": "Si un compte a cette adresse, un lien est en route.",
    },
    "home": {"en": "Home page", "fr": "Page d'accueil"},
}

_STYLE = (
    "body{font:1rem/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}"
    "label{display:block;margin-top:1rem}input{width:100%;padding:.5rem;font-size:1rem}"
    "button{margin-top:1rem;padding:.6rem 1rem;font-size:1rem}[role=alert]{color:#a00}"
)
# Shared by both pages: post a form as JSON, show the problem's detail or call done().
_SCRIPT = """
const params = new URLSearchParams(location.hash.slice(1) || location.search.slice(1));
history.replaceState(null, "", location.pathname);
const say = (text, alert) => { const out = document.getElementById("out");
  out.textContent = text; out.setAttribute("role", alert ? "alert" : "status"); };
async function post(url, body, done) {
  const response = await fetch(url, {method: "POST", body: JSON.stringify(body),
    headers: {"Content-Type": "application/json",
              "Accept-Language": document.documentElement.lang}});
  if (response.ok) { done(); return; }
  const problem = await response.json().catch(() => ({}));
  const details = (problem.errors || []).map((e) => e.detail).join(" ");
  say([problem.detail, details].filter(Boolean).join(" "), true);
}
"""


def _t(key: str, language: Language) -> str:
    return escape(TEXTS[key][language])


def _page(language: Language, title: str, body: str, script: str) -> str:
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{_t(title, language)}</title><style>{_STYLE}</style></head><body><main>"
        f"<h1>{_t(title, language)}</h1>{body}"
        f'<p id="out" role="status" aria-live="polite"></p>'
        f'<p><a href="/">{_t("home", language)}</a></p></main>'
        f"<script>{_SCRIPT}{script}</script></body></html>"
    )


def _field(name: str, label: str, kind: str, language: Language, auto: str) -> str:
    return (
        f'<label for="{name}">{_t(label, language)}</label>'
        f'<input id="{name}" name="{name}" type="{kind}" autocomplete="{auto}" required>'
    )


def setup_page(language: Language, admin_exists: bool) -> str:
    if admin_exists:
        return _page(language, "setup_title", f"<p>{_t('setup_done', language)}</p>", "")
    form = (
        f'<p>{_t("setup_intro", language)}</p><form id="setup">'
        + _field("username", "username", "text", language, "username")
        + _field("email", "email", "email", language, "email")
        + _field("password", "password", "password", language, "new-password")
        + f'<button type="submit">{_t("create", language)}</button></form>'
    )
    script = f"""
const form = document.getElementById("setup");
if (!params.get("token")) say({_js(language, "no_token")}, true);
form.addEventListener("submit", (event) => {{ event.preventDefault();
  const data = Object.fromEntries(new FormData(form));
  post("/api/v1/setup", {{...data, token: params.get("token") || ""}},
       () => {{ form.hidden = true; say({_js(language, "next_steps")}); }}); }});
"""
    return _page(language, "setup_title", form, script)


def account_page(language: Language) -> str:
    body = (
        f'<form id="verify" hidden><button type="submit">{_t("confirm", language)}</button></form>'
        '<form id="reset" hidden>'
        + _field("password", "new_password", "password", language, "new-password")
        + f'<button type="submit">{_t("set_password", language)}</button></form>'
        '<form id="ask" hidden>'
        + _field("email", "email", "email", language, "email")
        + f'<button type="submit">{_t("ask_reset", language)}</button></form>'
    )
    script = f"""
const token = params.get("verify") || params.get("email_change");
const reset = params.get("reset");
const shown = document.getElementById(token ? "verify" : reset ? "reset" : "ask");
shown.hidden = false;
const finish = (key) => () => {{ shown.hidden = true; say(key); }};
shown.addEventListener("submit", (event) => {{ event.preventDefault();
  const data = Object.fromEntries(new FormData(shown));
  if (token) post("/api/v1/auth/verify", {{token}}, finish({_js(language, "confirmed")}));
  else if (reset) post("/api/v1/auth/password-reset/confirm",
                       {{token: reset, password: data.password}},
                       finish({_js(language, "password_set")}));
  else post("/api/v1/auth/password-reset", data, finish({_js(language, "reset_sent")})); }});
"""
    return _page(language, "account_title", body, script)


def _js(language: Language, key: str) -> str:
    return json.dumps(TEXTS[key][language])
