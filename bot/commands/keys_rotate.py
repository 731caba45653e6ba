"""`tambon keys rotate`: add a ring key, make it active, save the ring, re-wrap every
case key under it. Old keys stay in the ring, so every row keeps opening."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("rotate")
@click.option("--file", "path", type=click.Path(dir_okay=False), default=None,
              help="The key ring file to rotate [default: TAMBON_KEYRING_FILE].")
@click.option("--rewrap-only", is_flag=True,
              help="Add no key: only re-wrap case keys not yet under the active key "
                   "(after an interrupted run, or cases filed by a process on the old ring).")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="Cases per transaction.")
def rotate(path: str | None, rewrap_only: bool, batch: int) -> None:
    """Rotate the key ring: new active key, every case key re-wrapped."""
    from bot.settings import load_settings
    from storage.db import make_engine, make_session_factory
    from storage.rotation import rewrap_all
    from storage.vault import KeyRing, KeyRingError, Vault

    settings = load_settings()
    target = Path(path) if path else settings.keyring_file
    try:
        if target.is_file():
            ring, source = KeyRing.load_file(target), "file"
        elif settings.keyring_json:
            ring, source = KeyRing.from_env_value(settings.keyring_json), "env"
        else:
            raise click.ClickException(f"no key ring at {target} and TAMBON_KEYRING is not set")
    except KeyRingError as error:
        raise click.ClickException(str(error)) from None
    if source == "env" and rewrap_only is False and not path:
        raise click.ClickException(
            "the key ring comes from TAMBON_KEYRING; give --file PATH to write the rotated "
            "ring, then put that file's text into TAMBON_KEYRING")
    if not rewrap_only:
        old = ring.active_id
        ring = ring.with_new_active_key()
        ring.save_file(target)  # saved before any row changes: a crash loses nothing
        click.echo(f"tambon: key ring {target}: new active key {ring.active_id} "
                   f"(was {old}; old keys kept)")
    vault = Vault(ring)
    engine = make_engine(settings.database_url)
    try:
        result = rewrap_all(make_session_factory(engine), vault, batch_size=batch)
    finally:
        engine.dispose()
    click.echo(f"tambon: {result.checked} cases checked, {result.rewrapped} case keys "
               f"re-wrapped under {ring.active_id}")
    if not rewrap_only:
        # Running processes with a ring file pick up the new key the first time they meet
        # it; cases they sealed under the old key meanwhile are caught by a second pass.
        click.echo("tambon: processes that read the ring from an environment variable need a "
                   "restart; then run `tambon keys rotate --rewrap-only` once more for cases "
                   "filed meanwhile")


GROUP_COMMANDS = {"keys": [rotate]}
