"""The public web (issue 7): anonymous tips, tracking with the case secret, the web
satisfaction form and the ITA statistics, for people without a LINE account.

    register(app, services)   # from bot/pages.py REGISTRARS

Nothing here records who sent what: no IP address is stored or logged (rate limits
count a keyed hash of it, bot/limits.py), no cookie is set but the CSRF one before a form is
sent, no page asks anything of another site, and a case secret only ever travels in a
POST body.
"""

from __future__ import annotations


def register(app, services) -> None:
    from bot.public import home  # noqa: F401  (the front page's route, on the blueprint)
    from bot.public.web import public

    app.register_blueprint(public)
