"""The web pages beyond the webhook. Each module adds a `register(app, services)` here."""

REGISTRARS: list = []


def _bench_floor(app, services) -> None:
    """`POST /bench/floor` for bench/webhook.py, only when TAMBON_BENCH_FLOOR=1."""
    import os

    if os.environ.get("TAMBON_BENCH_FLOOR") == "1":
        from bot.bench_floor import register

        register(app, services)


REGISTRARS.append(_bench_floor)
