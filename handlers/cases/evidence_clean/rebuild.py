"""Which cleaner rebuilds which content (run inside the sandbox's child process)."""

from __future__ import annotations

from handlers.cases.evidence_clean import NotCleanable, Rebuilt, sniff


def rebuild(content: bytes) -> Rebuilt:
    """The officer copy of `content`; NotCleanable when there is none to give."""
    kind = sniff.content_type(content)
    if kind == "application/pdf":
        from handlers.cases.evidence_clean import pdf

        return pdf.rebuild(content)
    if kind.startswith("image/"):
        from handlers.cases.evidence_clean import images

        return images.rebuild(content)
    if kind.startswith(("video/", "audio/")):
        from handlers.cases.evidence_clean import media

        return media.rebuild(content)
    # Office documents (their XML and OLE properties name author, company, printer paths
    # and keep tracked changes), archives and the unknown: sealed, a custodian opens them.
    raise NotCleanable(f"no cleaner for {kind}")
