"""Headless Chromium (Debian's chromium + chromium-driver) against the console on a
loopback port. Selenium is given the driver's path, so Selenium Manager fetches nothing."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.browser.layout import WIDTHS, at_width

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            # chromedriver now and then answers "unhandled inspector error" (about one run of
            # the browser suite in four here): rerun on WebDriver errors only, so a failed
            # assertion still fails at once.
            item.add_marker(pytest.mark.flaky(reruns=2, only_rerun=["WebDriverException"]))


SCREENSHOT_DIR_ENV = "TAMBON_SCREENSHOT_DIR"
_screens: list[Path] = []


@pytest.fixture(scope="session")
def screens(tmp_path_factory) -> Path:
    """Where the browser tests keep their screenshots for review: $TAMBON_SCREENSHOT_DIR,
    or a fresh folder under pytest's temporary directory; printed at the end of the run."""
    chosen = os.environ.get(SCREENSHOT_DIR_ENV)
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    _screens.append(folder)
    return folder


def pytest_terminal_summary(terminalreporter):
    for folder in _screens:
        count = len(list(folder.glob("*.png")))
        terminalreporter.write_line(f"browser screenshots ({count}): {folder}")


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def start_chromium(env: dict[str, str] | None = None):
    """Headless Chromium through Debian's chromedriver; `env` for the browser's process
    (e.g. FONTCONFIG_FILE), else this process's environment."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("no /usr/bin/chromium and /usr/bin/chromedriver "
                    "(apt-get install -y chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1280,900",
                 "--lang=th"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER, env=env),
                              options=options)
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def browser():
    driver = start_chromium()
    yield driver
    driver.quit()


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request, browser) -> int:
    """The test runs twice: in a phone's width (390 px) and a desktop's (1280 px)."""
    at_width(browser, request.param)
    return request.param
