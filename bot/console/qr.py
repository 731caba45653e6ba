"""QR codes drawn on the server as inline SVG (segno, pure Python): the console's strict
Content-Security-Policy allows no scripts and no images from elsewhere, and an otpauth URI
must never leave the server for a QR service."""

from __future__ import annotations

import segno
from markupsafe import Markup


def svg(data: str, title: str) -> Markup:
    """`data` as an inline <svg> element (dark on white, a quiet zone of 4 modules)."""
    code = segno.make(data, error="m", micro=False)
    return Markup(code.svg_inline(scale=5, border=4, dark="#000", light="#fff", title=title))
