"""Video and audio rebuilt from their streams alone, with PyAV (FFmpeg).

Container metadata is where phones put the place and the person: QuickTime `mdta` keys
(`com.apple.quicktime.location.ISO6709`, `...make`, `...model`), `udta` atoms (`©xyz`,
`loci`, `©nam`, `©ART`), ID3 and Vorbis tags, and whole tracks of timed metadata (iPhone
`mebx`). The copy is a new container holding one video track, its packets copied as they
are, with their in-band side notes (SEI) dropped, and one audio track decoded and encoded
afresh (AAC), because Vorbis and Opus carry their tags inside the codec's own header. No
tag, key, chapter, cover picture or data track is carried over; the muxer writes none of
its own (bitexact).
"""

from __future__ import annotations

import io

import av

from handlers.cases.evidence_clean import NotCleanable, Rebuilt, sniff

# The demuxer is named, never guessed by FFmpeg: a probe can pick a playlist or script
# format (HLS, concat) that opens other files or URLs on this machine.
_DEMUXERS = {"video/mp4": "mov", "video/quicktime": "mov", "audio/mp4": "mov",
             "video/webm": "matroska", "video/x-msvideo": "avi", "audio/wav": "wav",
             "audio/ogg": "ogg", "audio/flac": "flac", "audio/amr": "amr",
             "audio/mpeg": "mp3"}

# Codecs whose packets carry pictures and nothing a tag could hide in once SEI is gone.
# (MJPEG frames carry EXIF, Theora a comment header: those stay sealed.)
_VIDEO_CODECS = {"h264": "h264", "hevc": "hevc", "mpeg4": None, "vp8": None, "vp9": None,
                 "av1": None, "h263": None}
# H.264 SEI is NAL type 6; HEVC prefix and suffix SEI are 39 and 40.
_SEI_FILTERS = {"h264": "filter_units=remove_types=6",
                "hevc": "filter_units=remove_types=39|40"}
_MP4_VIDEO = ("h264", "hevc", "mpeg4", "av1", "vp9", "h263")
_QUIET = {"fflags": "+bitexact"}


def rebuild(content: bytes) -> Rebuilt:
    try:
        return _rebuild(content)
    except NotCleanable:
        raise
    except Exception as error:  # FFmpeg could not read or write it: no copy
        raise NotCleanable(f"media not readable: {type(error).__name__}") from None


def _rebuild(content: bytes) -> Rebuilt:
    demuxer = _DEMUXERS.get(sniff.content_type(content))
    if demuxer is None:
        raise NotCleanable("not a container we read")
    with av.open(io.BytesIO(content), "r", format=demuxer) as source:
        video = _first_video(source)
        audio = next(iter(source.streams.audio), None)
        if video is None and audio is None:
            raise NotCleanable("no video or audio stream")
        name = video.codec_context.name if video else None
        fmt = "mp4" if name is None or name in _MP4_VIDEO else "matroska"
        out_buffer = io.BytesIO()
        with av.open(out_buffer, "w", format=fmt, options=_QUIET,
                     container_options=_QUIET) as target:
            _copy(source, target, video, audio)
    kind = "video" if video is not None else "audio"
    subtype = "mp4" if fmt == "mp4" else "x-matroska"
    return Rebuilt(out_buffer.getvalue(), f"{kind}/{subtype}")


def _first_video(source):
    for stream in source.streams.video:
        if stream.disposition & av.stream.Disposition.attached_pic:
            continue  # a cover picture: an image with its own metadata
        if stream.codec_context.name not in _VIDEO_CODECS:
            raise NotCleanable(f"video codec {stream.codec_context.name}")
        return stream
    return None


def _copy(source, target, video, audio) -> None:
    video_out = audio_out = sei = None
    if video is not None:
        video_out = target.add_stream_from_template(video)
        video_out.metadata.clear()
        if (spec := _SEI_FILTERS.get(video.codec_context.name)) is not None:
            sei = av.bitstream.BitStreamFilterContext(spec, video, video_out)
    if audio is not None:
        audio_out = target.add_stream("aac", rate=audio.codec_context.sample_rate or 44100)
        audio_out.metadata.clear()
        audio_out.codec_context.options = {"flags": "+bitexact"}  # no encoder name
    wanted = [s for s in (video, audio) if s is not None]
    for packet in source.demux(wanted):
        if packet.stream is video:
            if packet.dts is None:
                continue  # the demuxer's flush packet
            for clean in (sei.filter(packet) if sei else [packet]):
                clean.stream = video_out
                target.mux(clean)
        else:
            for frame in packet.decode():
                frame.pts = None  # the encoder counts samples itself
                target.mux(audio_out.encode(frame))
    if sei is not None:
        for clean in sei.filter(None):
            clean.stream = video_out
            target.mux(clean)
    if audio_out is not None:
        target.mux(audio_out.encode(None))
