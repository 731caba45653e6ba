"""The WSGI entry point for gunicorn (`Procfile`): web only; workers run as `tambon worker`."""

from bot.app import create_app
from bot.cli import configure_logging
from bot.startup import freeze_heap

configure_logging()
app = create_app()
freeze_heap()
