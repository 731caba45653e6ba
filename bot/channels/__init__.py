"""Channels are adapters at the edge: each has its webhook, its renderer and its sender.

The handlers speak the channel-neutral messages of `handlers.messages`; `neutral` reads
them back as plain values, and each channel's module renders them within its own limits:
`line` (as they are), `messenger` (Meta's Send API), `web` (the web chat's JSON).
"""
