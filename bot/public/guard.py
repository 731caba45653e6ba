"""The public pages' guard: the CSRF cookie's name and scope, and the headers every page
carries (the tokens themselves: bot/csrf.py; the rate limits: bot/limits.py)."""

from __future__ import annotations

CSRF_COOKIE = "tambon_csrf"
CSRF_SCOPE = "public"
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")

