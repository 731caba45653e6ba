"""Complaint routing: which office a case goes to, and which offices may never see it.

    from handlers.routing import load_router
    router = load_router(org_dir)
    decision = router.route("ผอ.กองคลังเรียกรับเงิน", kind="corruption")
"""

from handlers.routing.offices import KINDS, Office, OfficesError, load_offices
from handlers.routing.router import Router, RoutingDecision, load_router

__all__ = [
    "KINDS",
    "Office",
    "OfficesError",
    "Router",
    "RoutingDecision",
    "load_offices",
    "load_router",
]
