"""What a person sees, checked in the browser: the page at a phone's and a desktop's width,
a full-page screenshot kept for review, and the faults a villager would meet.

    at_width(browser, 390)
    browser.get(url)
    look(browser, screens, "landing")   # screenshot + every check below, or AssertionError

The checks (all in the page, by JavaScript, on what Chromium laid out):
- the page is no wider than the window (no sideways scrolling),
- no box holds content wider than itself (text cut off or spilling out), no element runs
  past the window's edge,
- no text is drawn smaller than 12 px (SVG text as rendered, after its scaling),
- no SVG text is cut by the edge of its drawing,
- no table header breaks one word a line,
- Thai is drawn with a font that has Thai letters, not as boxes (tofu).
"""

from __future__ import annotations

import base64
from pathlib import Path

WIDTHS = (390, 1280)
HEIGHTS = {390: 844, 1280: 900}
MIN_TEXT_PX = 12

_JS = Path(__file__).with_name("js")
_PROBLEMS_JS = (_JS / "page_problems.js").read_text(encoding="utf-8")
_TOFU_JS = (_JS / "thai_tofu.js").read_text(encoding="utf-8")


def at_width(browser, width: int) -> None:
    """Lay pages out as a phone (390 px, touch, meta viewport honoured) or a desktop does."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": HEIGHTS.get(width, 900), "deviceScaleFactor": 1,
        "mobile": width < 600})


def page_problems(browser) -> list[str]:
    return list(dict.fromkeys(browser.execute_script(_PROBLEMS_JS, MIN_TEXT_PX)))


def thai_problems(browser) -> list[str]:
    return browser.execute_script(_TOFU_JS)


def screenshot(browser, folder: Path, name: str) -> Path:
    """The whole page, not only the window, as PNG."""
    size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"],
                 "scale": 1}})
    path = folder / f"{name}.png"
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def look(browser, folder: Path, name: str) -> Path:
    """Save the page's screenshot as `name`-<width>.png, then fail on any fault above."""
    width = browser.execute_script("return window.innerWidth")
    path = screenshot(browser, folder, f"{name}-{width}")
    problems = page_problems(browser) + thai_problems(browser)
    assert not problems, f"{name} at {width}px ({path}):\n  " + "\n  ".join(problems[:15])
    return path
