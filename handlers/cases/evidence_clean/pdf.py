"""PDFs without what names their author, with pikepdf (qpdf).

Word and most tools write the author, the program and often the PC's name ("Microsoft
Word - <document>", /Creator, /Producer) into the document info and again into XMP, which
may sit on the catalog, on a page or on each picture. Files can be attached to the PDF,
and comments carry their author's name. The copy keeps the pages and drops: the document
info, every /Metadata stream, embedded and attached files, JavaScript and actions that run
on opening, application private data (/PieceInfo), comment authors. The writer keeps only
objects still referenced, so what was removed is not in the file at all.
"""

from __future__ import annotations

import io

import pikepdf

from handlers.cases.evidence_clean import NotCleanable, Rebuilt

_CATALOG_KEYS = ("/Metadata", "/OpenAction", "/AA", "/AF", "/PieceInfo", "/SpiderInfo",
                 "/Perms", "/Threads")
_NAME_TREES = ("/EmbeddedFiles", "/JavaScript")
_ANY_OBJECT_KEYS = ("/Metadata", "/PieceInfo", "/LastModified", "/AF")
_ANNOTATION_KEYS = ("/T", "/RC", "/M", "/CreationDate", "/AA", "/A")
_DROPPED_ANNOTATIONS = ("/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia")


def rebuild(content: bytes) -> Rebuilt:
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:  # encrypted: refused, stays sealed
            _strip(pdf)
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False, deterministic_id=True)
    except NotCleanable:
        raise
    except Exception as error:
        raise NotCleanable(f"pdf not readable: {type(error).__name__}") from None
    return Rebuilt(out.getvalue(), "application/pdf")


def _strip(pdf: pikepdf.Pdf) -> None:
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]
    root = pdf.Root
    for key in _CATALOG_KEYS:
        _drop(root, key)
    if "/Names" in root:
        for tree in _NAME_TREES:
            _drop(root.Names, tree)
    for page in pdf.pages:
        _strip_annotations(page.obj)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
            for key in _ANY_OBJECT_KEYS:
                _drop(obj, key)


def _strip_annotations(page: pikepdf.Dictionary) -> None:
    if "/Annots" not in page:
        return
    kept = pikepdf.Array()
    for annotation in page.Annots:
        if not isinstance(annotation, pikepdf.Dictionary):
            continue
        if annotation.get("/Subtype") in _DROPPED_ANNOTATIONS:
            continue
        for key in _ANNOTATION_KEYS:
            _drop(annotation, key)
        kept.append(annotation)
    page.Annots = kept


def _drop(obj, key: str) -> None:
    if key in obj:
        del obj[key]
