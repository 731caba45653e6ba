"""What a person does in the browser, shared by the browser tests: send a form and wait
for the next page, sign in to the console (with TOTP, which every account has)."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from tests.test_console_support import PASSWORD, SEEDS, totp_now


def submit(browser, element) -> None:
    """Click a submit button and wait until the next page has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 20).until(expected_conditions.staleness_of(page))


def sign_in(browser, base: str, username: str, seed: bytes | None = None, clock=None) -> None:
    """Password, then the code from the account's app (its seed from make_officer unless
    given; every account has one)."""
    seed = seed if seed is not None else SEEDS.get(username)
    browser.delete_all_cookies()
    browser.get(base + "/console/login")
    browser.find_element(By.ID, "username").send_keys(username)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit(browser, browser.find_element(By.ID, "sign-in"))
    if seed is not None:
        assert "/console/totp" in browser.current_url
        browser.find_element(By.ID, "code").send_keys(totp_now(username, seed, clock))
        submit(browser, browser.find_element(By.ID, "verify"))


def sign_out(browser) -> None:
    submit(browser, browser.find_element(By.ID, "logout"))
