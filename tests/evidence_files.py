"""Real evidence files carrying a person and a place, built in the test: pictures with GPS,
artist and camera EXIF (and XMP where the format has it), QuickTime movies with Apple's
ISO6709 location key or the ©xyz atom and title/artist tags, tagged audio, a PDF with
/Author, /Creator, XMP and an attached file, a Word document.

`PLANTED` is every string that must never reach an officer; `planted_in` looks for them
in the ways a file can spell them.
"""

from __future__ import annotations

import io
import zipfile

import av
import pikepdf
import pillow_heif
from av import AudioFrame, VideoFrame
from PIL import Image

pillow_heif.register_heif_opener()

LAT, LON = 15.1234, 102.5678
ISO6709 = "+15.1234+102.5678+012.000/"
ARTIST = "Somchai Jaiklahan"
ARTIST_TH = "สมชาย ใจกล้าหาญ"
MAKER, MODEL = "ShinyPhone", "SP9-SECRET-SERIAL"
PC_NAME = "SOMCHAI-PC"
TITLE = "Baan Somchai Moo 3"
PLANTED = (ARTIST, ARTIST_TH, MAKER, MODEL, PC_NAME, TITLE, "Somchai", "15.1234",
           "102.5678", "+15.1234+102.5678", ISO6709, "ISO6709", "com.apple.quicktime")

_GPS = {1: "N", 2: (15.0, 7.0, 24.24), 3: "E", 4: (102.0, 34.0, 4.08)}
_XMP = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
        f'02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"'
        f' dc:creator="{ARTIST}" exif:GPSLatitude="{LAT}" xmlns:exif="http://ns.adobe.com/'
        f'exif/1.0/"/></rdf:RDF></x:xmpmeta>').encode()


def planted_in(data: bytes) -> list[str]:
    """The planted strings found in `data`: UTF-8, UTF-16 either way round."""
    found = []
    for value in PLANTED:
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            if value.encode(encoding) in data or value.upper().encode(encoding) in data:
                found.append(f"{value} ({encoding})")
    return found


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = MAKER
    exif[0x0110] = MODEL
    exif[0x013B] = ARTIST  # Artist
    exif[0x8298] = ARTIST_TH  # Copyright
    exif[0x8825] = _GPS
    if orientation:
        exif[0x0112] = orientation
    return exif


def picture(fmt: str, size: tuple[int, int] = (48, 32)) -> bytes:
    """A picture in `fmt` (JPEG, PNG, WEBP, HEIF, GIF) with EXIF GPS/artist/camera."""
    image = Image.new("RGB", size, (30, 140, 60))
    out = io.BytesIO()
    extra: dict = {"exif": _exif()}
    if fmt in ("JPEG", "WEBP", "PNG", "HEIF"):
        extra["xmp"] = _XMP
    if fmt == "PNG":
        from PIL import PngImagePlugin

        info = PngImagePlugin.PngInfo()
        info.add_text("Author", ARTIST)
        info.add_itxt("Comment", ARTIST_TH)
        extra["pnginfo"] = info
    if fmt == "GIF":
        extra = {"comment": ARTIST.encode()}
    image.save(out, fmt, **extra)
    return out.getvalue()


def _movie(fmt: str, metadata: dict, movflags: str | None) -> bytes:
    buf = io.BytesIO()
    options = {"movflags": movflags} if movflags else {}
    with av.open(buf, "w", format=fmt, options=options) as movie:
        movie.metadata.update(metadata)
        video = movie.add_stream("libx264", rate=10)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        video.metadata["handler_name"] = f"{MAKER} Video"
        sound = movie.add_stream("aac", rate=44100)
        sound.metadata["handler_name"] = f"{MAKER} Sound"
        for i in range(10):
            frame = VideoFrame.from_image(Image.new("RGB", (64, 48), (i * 20, 100, 50)))
            movie.mux(video.encode(frame))
        movie.mux(video.encode(None))
        _silence(movie, sound, 10)
    return buf.getvalue()


def _silence(container, stream, frames: int) -> None:
    for i in range(frames):
        frame = AudioFrame(format=stream.format.name, layout="mono", samples=1024)
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        frame.rate, frame.pts = stream.rate, i * 1024
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


def iphone_mov() -> bytes:
    """A MOV with its tags in `mdta` keys, as an iPhone writes them."""
    return _movie("mov", {"com.apple.quicktime.location.ISO6709": ISO6709,
                          "com.apple.quicktime.make": MAKER,
                          "com.apple.quicktime.model": MODEL,
                          "title": TITLE, "artist": ARTIST}, "use_metadata_tags")


def xyz_mov() -> bytes:
    """A MOV with the place in the ©xyz atom and the person in udta tags."""
    return _movie("mov", {"location": ISO6709, "title": TITLE, "artist": ARTIST,
                          "comment": ARTIST_TH}, None)


def tagged_audio(fmt: str = "ipod", codec: str = "aac") -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as out:
        out.metadata.update({"title": TITLE, "artist": ARTIST, "comment": ISO6709,
                             "album": ARTIST_TH})
        sound = out.add_stream(codec, rate=44100)
        sound.layout = "mono"
        _silence(out, sound, 20)
    return buf.getvalue()


def tagged_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = ARTIST
    pdf.docinfo["/Creator"] = f"Microsoft Word - {PC_NAME}"
    pdf.docinfo["/Producer"] = f"{MAKER} PDF"
    pdf.docinfo["/Title"] = ARTIST_TH  # pikepdf writes it in UTF-16
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [ARTIST]
        meta["xmp:CreatorTool"] = PC_NAME
        meta["dc:title"] = TITLE
    pdf.attachments["where.txt"] = pikepdf.AttachedFileSpec(
        pdf, f"{ARTIST} {ISO6709}".encode(), filename="where.txt")
    out = io.BytesIO()
    pdf.save(out)  # streams compressed, as Word writes them
    return out.getvalue()


def pdf_streams(data: bytes) -> bytes:
    """Every stream of a PDF, decoded, with the file: what a reader could find."""
    found = [data]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                found.append(obj.read_bytes())
    return b"\n".join(found)


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("docProps/core.xml",
                         f"<cp:coreProperties><dc:creator>{ARTIST}</dc:creator>"
                         f"<cp:lastModifiedBy>{PC_NAME}</cp:lastModifiedBy>"
                         "</cp:coreProperties>")
        archive.writestr("word/document.xml", f"<w:document>{ARTIST_TH}</w:document>")
    return out.getvalue()
