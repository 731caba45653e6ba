"""Cases: filing a complaint (LINE or web), its sealed parts, its evidence, how officers
work it, how a citizen follows it, and the one audited door to a complainant's identity.

    from handlers.cases.filing import NewCase, EvidenceFile, file_case
    from handlers.cases import casework, tracking
    from handlers.cases.identity import request_identity, decide, open_identity

No Flask, no HTTP, no LINE calls: pushes go through the outbox.
"""
