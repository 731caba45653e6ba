"""Where a chat user is reached: one string per person, whatever the channel.

A LINE user id is kept as LINE gives it (`U` and 32 hex digits), so every row written
before other channels existed still means what it meant. A Messenger user is
`fb:<page-scoped id>`. The address is what the vault seals and what the outbox sends to;
each channel has its own blind-index purpose, so one person's LINE and Messenger ids never
share an index value.
"""

from __future__ import annotations

LINE = "line"
MESSENGER = "messenger"
WEB = "web"
# The chats whose users the desk can write to again (an officer's answer, a status).
CHAT_CHANNELS = (LINE, MESSENGER)

MESSENGER_PREFIX = "fb:"
_PURPOSES = {LINE: "line-user", MESSENGER: "messenger-user"}


def messenger_address(psid: str) -> str:
    return MESSENGER_PREFIX + psid


def channel_of(address: str) -> str:
    return MESSENGER if address.startswith(MESSENGER_PREFIX) else LINE


def messenger_psid(address: str) -> str:
    if not address.startswith(MESSENGER_PREFIX):
        raise ValueError("not a Messenger address")
    return address[len(MESSENGER_PREFIX):]


def user_purpose(address: str) -> str:
    """The blind-index purpose for this user's address: LINE's as before, Messenger's own."""
    return _PURPOSES[channel_of(address)]
