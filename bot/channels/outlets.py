"""Where the outbox's messages go: LINE, or Messenger for a Messenger address (never a
web-chat session: it has no way to be reached later).

Has the calls of `bot.line_api.LineApi` that delivery and the worker use, so either is
handed the one object; a reply token exists only on LINE.
"""

from __future__ import annotations

import logging

from bot.line_api import LineApi, SendResult
from storage.channels import MESSENGER, WEB, channel_of

log = logging.getLogger("tambon.delivery")


class Outlets:
    def __init__(self, line: LineApi, messenger=None):
        self.line = line
        self.messenger = messenger  # a MessengerApi, or None when the channel is off

    def reply(self, reply_token: str, messages: list[dict]) -> SendResult:
        return self.line.reply(reply_token, messages)

    def push(self, to: str, messages: list[dict], retry_key: str) -> SendResult:
        if channel_of(to) == WEB:
            # A browser is answered in its own request and is never written to later.
            return SendResult(ok=False, status=410, error="a web-chat session takes no push")
        if channel_of(to) == MESSENGER:
            if self.messenger is None:
                # Not retried: the channel was switched off; the row fails and is logged.
                return SendResult(ok=False, status=410, error="Messenger is off")
            return self.messenger.push(to, messages, retry_key)
        return self.line.push(to, messages, retry_key)

    def content(self, message_id: str, limit: int) -> bytes:
        return self.line.content(message_id, limit)
