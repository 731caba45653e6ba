"""Where a chat user is reached: one string per person, whatever the channel.

A LINE user id is kept as LINE gives it (`U` and 32 hex digits), so every row written
before other channels existed still means what it meant. A Messenger user is
`fb:<page-scoped id>`; a browser of the web chat `web:<its session>`. The address is what
the vault seals and what the outbox sends to; each channel has its own blind-index
purpose, so one person's ids on two channels never share an index value.
"""

from __future__ import annotations

from storage.vault.blind_index import LINE_USER

LINE = "line"
MESSENGER = "messenger"
WEB = "web"
# The chats whose users the desk can write to again (an officer's answer, a status).
CHAT_CHANNELS = (LINE, MESSENGER)

MESSENGER_PREFIX = "fb:"
WEB_PREFIX = "web:"
_PURPOSES = {LINE: LINE_USER, MESSENGER: "messenger-user", WEB: "web-chat-session"}


def messenger_address(psid: str) -> str:
    return MESSENGER_PREFIX + psid


def web_address(session: str) -> str:
    return WEB_PREFIX + session


def channel_of(address: str) -> str:
    if address.startswith(MESSENGER_PREFIX):
        return MESSENGER
    if address.startswith(WEB_PREFIX):
        return WEB
    return LINE


def messenger_psid(address: str) -> str:
    if not address.startswith(MESSENGER_PREFIX):
        raise ValueError("not a Messenger address")
    return address[len(MESSENGER_PREFIX):]


def user_purpose(address: str) -> str:
    """The blind-index purpose for this user's address: LINE's as before, Messenger's own."""
    return _PURPOSES[channel_of(address)]
