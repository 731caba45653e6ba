"""The WSGI entry point for gunicorn (`Procfile`): web only; workers run as `tambon worker`.

A start-up mistake (a setting, the database unreachable or not upgraded, a bad key ring)
prints one line and exits with gunicorn's "worker failed to boot" code, so gunicorn stops
rather than restarting the worker in a loop.
"""

import sys

from bot.app import create_app
from bot.cli import configure_logging
from bot.settings import SettingsError
from bot.startup import freeze_heap, web_services

WORKER_BOOT_ERROR = 3  # gunicorn.arbiter.Arbiter.WORKER_BOOT_ERROR

configure_logging()
try:
    app = create_app(web_services())
except SettingsError as error:
    print(f"tambon: {error}", file=sys.stderr, flush=True)
    sys.exit(WORKER_BOOT_ERROR)
freeze_heap()
