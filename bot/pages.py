"""The web pages beyond the webhook. Each module adds a `register(app, services)` here."""

REGISTRARS: list = []
