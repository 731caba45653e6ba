"""CSRF tokens for every form: the public pages, the console's sign-in and its pages.

A token is a random nonce with its HMAC under the app's secret key and a *scope*, so a
token made for one purpose is worth nothing for another:

* before anyone is signed in (the public forms, the console's sign-in form) the scope is
  fixed ("public", "console-login") and the token also rides in a cookie: the form's
  copy must equal the cookie's (double submit), which a page on another site can neither
  read nor set;
* on a signed-in console page the scope names the session (the hash of its cookie's
  token), so a token is good only with the session it was made for.

The key is TAMBON_SECRET_KEY, the same in every process (production refuses to start
without it), so a form served by one gunicorn process is accepted by another.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

FIELD = "csrf_token"
MAX_CHARS = 200


def new_token(key: bytes, scope: str) -> str:
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_mac(key, scope, nonce)}"


def valid(key: bytes, scope: str, token: str | None) -> bool:
    """True when we made `token` for `scope`."""
    if not token or len(token) > MAX_CHARS or token.count(".") != 1:
        return False
    nonce, mac = token.split(".")
    return hmac.compare_digest(mac.encode(), _mac(key, scope, nonce).encode())


def check(key: bytes, scope: str, sent: str | None, cookie: str | None = None,
          *, double_submit: bool = False) -> bool:
    """The form's token is ours for `scope`; with `double_submit`, it also equals the
    cookie's."""
    if double_submit and (not cookie or not sent
                          or not hmac.compare_digest(cookie.encode(), sent.encode())):
        return False
    return valid(key, scope, sent)


def _mac(key: bytes, scope: str, nonce: str) -> str:
    message = f"csrf:{len(scope)}:{scope}:{nonce}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]
