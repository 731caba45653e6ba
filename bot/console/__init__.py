"""The officer console (issue 6): a queue per office, case work, custodian-approved
identity, accounts, all under /console.

    register(app, services)   # from bot/pages.py REGISTRARS
"""

from __future__ import annotations


def register(app, services) -> None:
    from bot.console import (  # noqa: F401  (routes on the blueprint)
        views_account,
        views_admin,
        views_cases,
        views_manual,
        views_offices,
    )
    from bot.console.web import console

    app.register_blueprint(console, url_prefix="/console")
