"""The web pages beyond the webhook. Each module adds a `register(app, services)` here."""

REGISTRARS: list = []


def _bench_floor(app, services) -> None:
    """`POST /bench/floor` for bench/webhook.py, only when TAMBON_BENCH_FLOOR=1."""
    import os

    if os.environ.get("TAMBON_BENCH_FLOOR") == "1":
        from bot.bench_floor import register

        register(app, services)


REGISTRARS.append(_bench_floor)


def _console(app, services) -> None:
    from bot.console import register

    register(app, services)


REGISTRARS.append(_console)


def _public(app, services) -> None:
    from bot.public import register

    register(app, services)


def _simulator(app, services) -> None:
    # The chat simulator signs events with the channel secret: development only, and its
    # route is absent whenever real LINE credentials are configured.
    if services.settings.development:
        from bot.simulator import register

        register(app, services)


def _error_pages(app, services) -> None:
    # Thai 404, 405 and 500 pages for every URL, not Werkzeug's English.
    from bot.public.errors import register

    register(app)


def _webchat(app, services) -> None:
    from bot.channels.webchat import register

    register(app, services)


REGISTRARS.append(_public)
REGISTRARS.append(_webchat)
REGISTRARS.append(_simulator)
REGISTRARS.append(_error_pages)
