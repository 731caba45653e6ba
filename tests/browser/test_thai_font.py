"""The tofu check can fail: a machine without a Thai font draws every Thai letter as a box,
and the browser tests must say so rather than pass on a page no villager can read.

The machine has Thai fonts (scripts/test installs fonts-thai-tlwg), so the browser here is
started with a fontconfig that lists only the machine's fonts without Thai: what a fresh
Debian with Chromium alone shows."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.browser.conftest import start_chromium
from tests.browser.layout import at_width, look, screenshot, thai_problems

pytestmark = pytest.mark.browser


def _font_files(pattern: str) -> set[str]:
    listed = subprocess.run(["fc-list", pattern, "--format", "%{file}\n"], check=True,
                            capture_output=True, text=True).stdout
    return {line for line in listed.splitlines() if line}


@pytest.fixture
def fonts_without_thai(tmp_path) -> dict[str, str]:
    """An environment whose fontconfig sees every font of this machine but those with Thai."""
    if shutil.which("fc-list") is None:
        pytest.skip("no fontconfig (fc-list) on this machine")
    thai = _font_files(":lang=th") | _font_files(":charset=0e01")
    folder = tmp_path / "fonts"
    folder.mkdir()
    for n, path in enumerate(sorted(_font_files(":") - thai)):
        (folder / f"{n}-{os.path.basename(path)}").symlink_to(path)
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        f"<fontconfig><dir>{folder}</dir><cachedir>{tmp_path / 'cache'}</cachedir>"
        "</fontconfig>\n", encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config)}


def test_thai_drawn_as_boxes_fails_the_page(live_server, fonts_without_thai, screens):
    browser = start_chromium(env=fonts_without_thai)
    try:
        at_width(browser, 390)
        browser.get(live_server + "/")
        screenshot(browser, screens, "front-page-without-a-thai-font-390")
        problems = thai_problems(browser)
        assert problems and all("tofu" in p for p in problems), problems
        with pytest.raises(AssertionError, match="drawn as boxes"):
            look(browser, screens, "front-page-without-a-thai-font")
    finally:
        browser.quit()


def test_thai_with_the_machines_fonts_passes(browser, live_server):
    at_width(browser, 390)
    browser.get(live_server + "/")
    assert thai_problems(browser) == []
