"""The `tambon` command: serve, worker, db, fake-line, chat, keys, and bot/commands/*."""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.settings import FAKE_LINE_PATH, FAKE_MESSENGER_PATH, SettingsError, load_settings
from storage.db import describe_failure


def configure_logging(level: str = "INFO") -> None:
    logging.basicConfig(
        level=level, stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@click.group()
def cli() -> None:
    """Tambon Desk: the LINE chatbot back end of a Thai local government office."""


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-worker", is_flag=True, help="Do not run the worker thread in this process.")
def serve(host: str, port: int, no_worker: bool) -> None:
    """Run the web service with its worker (the embedded default: SQLite, development keys)."""
    from werkzeug.serving import run_simple

    from bot.startup import prepare

    services = prepare(port=port, host=host)
    from bot.app import create_app

    app = create_app(services)
    if not no_worker:
        worker = _make_worker(services)
        services.worker_wakeup = worker.wakeup
        worker.start_thread()
    settings = services.settings
    if settings.development:
        click.echo(
            f"tambon: DEVELOPMENT MODE — no LINE credentials; replies go to the fake LINE API "
            f"at {settings.line_api_base}.\n"
            f"tambon: chat with the bot in another terminal: tambon chat --url http://{host}:{port}",
            err=True,
        )
    # Werkzeug's access log writes the client's address; the public pages promise not to.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    run_simple(host, port, app, threaded=True, use_reloader=False)


@cli.command()
def worker() -> None:
    """Run the worker as its own process (production: several, on PostgreSQL)."""
    import signal

    from bot.startup import prepare

    services = prepare(port=None, migrate=False)
    running = _make_worker(services)

    def finish(signum, _frame):
        # A deploy sends SIGTERM: finish the event and the sends in hand, then leave, rather
        # than have them taken over by another worker after their lease runs out.
        logging.getLogger("tambon.worker").info("signal %s: stopping", signum)
        running.stop()

    signal.signal(signal.SIGTERM, finish)
    signal.signal(signal.SIGINT, finish)
    running.run_forever()


def _make_worker(services):
    from bot.worker import Worker

    return Worker(services.sessions, services.vault, services.org, services.line_api(),
                  nice=services.settings.worker_nice, messenger=services.messenger_api())


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to DATABASE_URL."""
    from bot.startup import ready_database
    from storage.db import make_engine

    settings = load_settings()
    ready_database(make_engine(settings.database_url), migrate=True)
    click.echo("tambon: database is up to date")


@cli.command("fake-line")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8090, show_default=True, type=int)
def fake_line(host: str, port: int) -> None:
    """Run the fake LINE Messaging API alone (point LINE_API_BASE at it; development only)."""
    from werkzeug.serving import run_simple

    from bot.fake_line import create_fake_line_app
    from bot.startup import check_port

    if not load_settings().development:
        raise SettingsError("the fake LINE API runs in development only (TAMBON_ENV)")
    check_port(host, port)

    click.echo(f"tambon: fake LINE API on http://{host}:{port}", err=True)
    run_simple(host, port, create_fake_line_app(), threaded=True)


@cli.command()
@click.option("--url", default="http://127.0.0.1:8000", show_default=True,
              help="The running `tambon serve`.")
@click.option("--line-api", default=None,
              help=f"The fake LINE API that records replies [default: URL{FAKE_LINE_PATH}]")
@click.option("--user", default="Uchat0000000000000000000000000001", show_default=True,
              help="The LINE user id to send as.")
@click.option("--follow", is_flag=True, help="Start by adding the bot as a friend.")
@click.option("--wait", default=10.0, show_default=True, help="Seconds to wait for a reply.")
@click.option("--channel", type=click.Choice(["line", "messenger", "web"]), default="line",
              show_default=True,
              help="Be a LINE user, a person writing on Messenger, or a web-chat browser.")
@click.option("--messenger-api", default=None,
              help=f"The fake Send API [default: URL{FAKE_MESSENGER_PATH}]")
def chat(url: str, line_api: str | None, user: str, follow: bool, wait: float, channel: str,
         messenger_api: str | None) -> None:
    """Talk to the bot as a LINE (or Messenger) user does (lines from standard input when it
    is not a terminal)."""
    from bot.chat import run_chat

    if channel == "web":
        from bot.channels.web_chat_cli import run_web_chat

        run_web_chat(url=url, wait=max(wait, 30.0))
        return
    settings = load_settings()
    if channel == "messenger":
        from bot.channels.messenger_chat import run_messenger_chat

        if settings.messenger is None:
            raise click.ClickException(
                "Messenger is off: set MESSENGER_APP_SECRET, MESSENGER_PAGE_TOKEN and "
                "MESSENGER_VERIFY_TOKEN here and for `tambon serve`")
        psid = user if user.isdigit() else "1000000000000001"
        run_messenger_chat(url=url, api=messenger_api or url.rstrip("/") + FAKE_MESSENGER_PATH,
                           psid=psid, secret=settings.messenger.app_secret, wait=wait)
        return
    run_chat(url=url, line_api=line_api or url.rstrip("/") + FAKE_LINE_PATH, user=user,
             secret=settings.channel_secret, follow=follow, wait=wait)


@cli.group()
def keys() -> None:
    """The key ring."""


@keys.command("new")
@click.argument("path", type=click.Path(dir_okay=False))
def keys_new(path: str) -> None:
    """Write a new production key ring to PATH (mode 0600)."""
    from pathlib import Path

    from storage.vault import KeyRing

    target = Path(path)
    if target.exists():
        raise click.ClickException(f"{path} exists; refusing to overwrite a key ring")
    KeyRing.generate(development=False).save_file(target)
    click.echo(f"tambon: new key ring written to {path}; keep a copy offline")


def _add_discovered_commands() -> None:
    """Each bot/commands/*.py may export COMMANDS (a list of click commands to add to
    `tambon`) and GROUP_COMMANDS ({"keys": [...]}: commands to add under a group)."""
    import bot.commands as package

    groups = {"keys": keys, "db": db}
    for module_info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"bot.commands.{module_info.name}")
        for command in getattr(module, "COMMANDS", []):
            cli.add_command(command)
        for group_name, commands in getattr(module, "GROUP_COMMANDS", {}).items():
            for command in commands:
                groups[group_name].add_command(command)


def main() -> None:
    configure_logging()
    _add_discovered_commands()
    try:
        cli(standalone_mode=True)
    except SettingsError as error:
        click.echo(f"tambon: {error}", err=True)
        sys.exit(2)
    except DBAPIError as error:  # a command's database went away: one line, no trace
        click.echo(f"tambon: {_database_problem(error)}", err=True)
        sys.exit(2)


def _database_problem(error: DBAPIError) -> str:
    try:
        return describe_failure(make_url(load_settings().database_url), error)
    except SettingsError as problem:
        return str(problem)
