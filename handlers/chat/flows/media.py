"""Taking a media message (image, video, audio, file) from LINE at once, within limits."""

from __future__ import annotations

import logging

from handlers.cases.evidence import MAX_BYTES, EvidenceFile, EvidenceRefused, sniff_content_type
from handlers.chat.context import Context

log = logging.getLogger("tambon.flows")

MEDIA_TYPES = ("image", "video", "audio", "file")


class FetchFailed(Exception):
    pass


def is_media(message: dict) -> bool:
    return message.get("type") in MEDIA_TYPES


def fetch(message: dict, ctx: Context) -> EvidenceFile:
    """The bytes of a media message. EvidenceRefused("too_big") before fetching when LINE
    already told the size (files), else as soon as the download passes the limit (images,
    video and audio come with no size); FetchFailed when LINE would not give the content."""
    declared = message.get("fileSize")
    if isinstance(declared, int) and declared > MAX_BYTES:
        raise EvidenceRefused("too_big")
    # Content the channel itself holds (LINE's servers, Meta's attachment store), fetched
    # through the worker's adapter; a LINE "external" URL is the sender's and is not taken.
    provider = (message.get("contentProvider") or {}).get("type", "line")
    if provider != ctx.channel or ctx.fetch_content is None or not message.get("id"):
        raise FetchFailed("content not available from LINE")
    try:
        content = ctx.fetch_content(str(message["id"]), MAX_BYTES)
    except EvidenceRefused:
        raise
    except Exception as error:
        log.warning("event %s: content fetch failed: %s", ctx.event_id, type(error).__name__)
        raise FetchFailed(type(error).__name__) from None
    if len(content) > MAX_BYTES:
        raise EvidenceRefused("too_big")
    if not content:
        raise EvidenceRefused("empty")
    content_type = sniff_content_type(content)
    return EvidenceFile(content=content, content_type=content_type, filename="")
