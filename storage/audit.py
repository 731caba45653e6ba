"""The audit log: appending keyed, chained records, keeping a signed head outside the
database, and walking the chain to find an edit, a removal or a cut end.

* Each record's `hash` is HMAC-SHA256, under a key derived from the key ring (never in the
  database), of the record and the hash of the one before. Someone who can write to the
  database but has no key ring cannot edit a record, remove one from the middle or
  rebuild the chain after removing some: the first record they touch no longer verifies.
* Removing records from the *end* leaves a shorter chain that still verifies, so every
  committed append also moves a *head* kept outside the database: a small file, signed
  with the same key, holding the count and the last hash (`HeadFile`), and a log line
  with both (`tambon.audit`), and the custodians' page shows it. `verify` compares the
  table with the head.
* On PostgreSQL (and SQLite) a trigger refuses UPDATE and DELETE on the table
  (migration 0009), and the application's role may only INSERT and SELECT it
  (`tambon db grant`), so the service itself cannot rewrite history either.

The key is bound to a session factory (`bind`); `append` refuses to write without one.
Records written before the key existed (`mac_version` 0, plain SHA-256) stay valid only
before the first keyed record, which chains them in.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import event, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from storage.models.audit import HMAC_V1, PLAIN_SHA256, AuditRecord
from storage.vault import KeyRing
from storage.vault.encoding import encode_parts

log = logging.getLogger("tambon.audit")

GENESIS = "0" * 64
_KEY_INFO = b"tambon-audit-mac/v1"
_RECORD_DOMAIN = "tambon-audit-record/v1"
_HEAD_DOMAIN = "tambon-audit-head/v1"
_CHAIN = "tambon_audit_chain"
_PENDING = "tambon_audit_pending"
_PG_LOCK = 7310001


class AuditError(RuntimeError):
    """The audit log cannot be written or its head cannot be read."""


def audit_key(ring: KeyRing) -> bytes:
    """The audit chain's HMAC key: derived from the ring's index key, which never rotates
    (a rotated audit key would leave the old records unverifiable), under its own label so
    it is never the blind-index key itself."""
    return HKDF(SHA256(), 32, salt=None, info=_KEY_INFO).derive(ring.index_key)


@dataclass(frozen=True)
class Head:
    """The end of the chain as last seen by a process that appended: count and hash."""

    seq: int
    id: int
    hash: str


class HeadFile:
    """The signed head, in a file outside the database (TAMBON_AUDIT_HEAD_FILE).

    Several processes append: each moves the head forward only, under a file lock, after
    its transaction commits. A head behind the table is harmless (a process died between
    its commit and the write); a table behind the head lost records.
    """

    def __init__(self, path: Path, key: bytes):
        self.path = Path(path)
        self._key = key

    def read(self) -> Head | None:
        """The head, or None if there is none yet; AuditError if it is not ours."""
        try:
            raw = self.path.read_text()
        except FileNotFoundError:
            return None
        except OSError as error:
            raise AuditError(f"cannot read the audit head {self.path}: {error.strerror}"
                             ) from None
        try:
            doc = json.loads(raw)
            head = Head(int(doc["seq"]), int(doc["id"]), str(doc["hash"]))
            mac = str(doc["mac"])
        except (ValueError, KeyError, TypeError):
            raise AuditError(f"the audit head {self.path} is not readable") from None
        if not hmac.compare_digest(mac, self._mac(head)):
            raise AuditError(f"the audit head {self.path} is not signed with this key ring")
        return head

    def advance(self, head: Head) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            with contextlib.suppress(AuditError):
                current = self.read()
                if current is not None and current.seq >= head.seq:
                    return
            doc = {"seq": head.seq, "id": head.id, "hash": head.hash, "mac": self._mac(head)}
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(doc) + "\n")
            os.replace(tmp, self.path)

    def _mac(self, head: Head) -> str:
        message = encode_parts(_HEAD_DOMAIN, head.seq, head.id, head.hash)
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()


class Chain:
    """The key records are signed with, and where the head goes after each commit."""

    def __init__(self, key: bytes, head_file: HeadFile | None = None):
        self._key = key
        self.head_file = head_file

    def mac(self, record: AuditRecord) -> str:
        message = encode_parts(
            _RECORD_DOMAIN, record.prev_hash, record.seq, _time(record.at), record.actor,
            record.action, record.case_code or "", record.detail or "")
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def committed(self, head: Head) -> None:
        log.info("audit head #%d %s", head.seq, head.hash)
        if self.head_file is None:
            return
        try:
            self.head_file.advance(head)
        except OSError as error:  # the record is committed; say so and go on
            log.error("audit head not written to %s: %s", self.head_file.path, error.strerror)


def bind(factory: sessionmaker, chain: Chain) -> sessionmaker:
    """Sessions from `factory` sign audit records with `chain` and move its head."""
    factory.configure(info={_CHAIN: chain})
    return factory


def chain_of(session: Session) -> Chain | None:
    return session.info.get(_CHAIN)


def _time(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def plain_hash(prev_hash: str, record: AuditRecord) -> str:
    """The unkeyed SHA-256 of records written before migration 0009 (anyone can compute
    it: such a record is trusted only because a keyed record after it chains it)."""
    parts = [prev_hash, str(record.id), record.at.isoformat(timespec="microseconds"),
             record.actor, record.action, record.case_code or "", record.detail or ""]
    joined = "".join(f"{len(p)}:{p}" for p in parts)
    return hashlib.sha256(joined.encode()).hexdigest()


# --- appending -------------------------------------------------------------------------

def append(
    session: Session,
    *,
    actor: str,
    action: str,
    now: datetime,
    case_code: str | None = None,
    detail: str = "",
) -> AuditRecord:
    """Add a record after the last one. Never put identity or complaint text in `detail`."""
    chain = chain_of(session)
    if chain is None:
        raise AuditError("no audit key: the session factory is not bound (storage.audit.bind)")
    _one_writer(session)
    last = session.execute(
        select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
    ).first()
    record = AuditRecord(
        seq=(last.seq + 1) if last else 1, at=now, actor=actor[:60], action=action[:40],
        case_code=case_code, detail=(detail or "")[:500],
        prev_hash=last.hash if last else GENESIS, mac_version=HMAC_V1)
    record.hash = chain.mac(record)
    session.add(record)
    session.flush()
    session.info.setdefault(_PENDING, []).append(record)
    return record


def _one_writer(session: Session) -> None:
    """Hold the chain's end until commit, or two records could share a parent."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({_PG_LOCK})"))
    else:
        # SQLite: a write that changes nothing takes the database's write lock now, so the
        # last record read next is the last one there is (the trigger fires on no row).
        session.execute(text("UPDATE audit_log SET seq = seq WHERE 0"))


@event.listens_for(Session, "after_commit")
def _advance_head(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    chain = session.info.get(_CHAIN)
    if not pending or chain is None:
        return
    # A record added inside a savepoint that was rolled back is no longer persistent.
    kept = [r for r in pending if inspect(r).persistent]
    if kept:
        last = max(kept, key=lambda r: r.seq)
        chain.committed(Head(last.seq, last.id, last.hash))


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


# --- verifying -------------------------------------------------------------------------

@dataclass
class Finding:
    """What is wrong, and with which record (None when the records themselves are gone)."""

    what: str
    record: AuditRecord | None = None
    missing: Head | None = None


@dataclass
class Walk:
    records: int
    finding: Finding | None


def verify(session: Session, chain: Chain | None = None, head: Head | None = None) -> Walk:
    """Walk the chain in order; the first thing wrong, checked against `head` too.
    `chain`: the session's own (`bind`) unless given."""
    chain = chain or chain_of(session)
    if chain is None:
        raise AuditError("no audit key to verify with")
    expected_seq, prev, keyed = 1, GENESIS, False
    rows = session.execute(
        select(AuditRecord).order_by(AuditRecord.seq).execution_options(yield_per=1000)
    ).scalars()
    for record in rows:
        problem = _record_problem(chain, record, expected_seq, prev, keyed)
        if problem is None and head is not None and record.seq == head.seq and not (
                hmac.compare_digest(record.hash, head.hash)):
            problem = "is not the record the signed head names: the chain was rebuilt"
        if problem is not None:
            return Walk(expected_seq - 1, Finding(problem, record))
        keyed = keyed or record.mac_version == HMAC_V1
        prev = record.hash
        expected_seq += 1
    count = expected_seq - 1
    if head is not None and head.seq > count:
        return Walk(count, Finding(
            f"records #{count + 1} to #{head.seq} were removed from the end", missing=head))
    return Walk(count, None)


def _record_problem(chain: Chain, record: AuditRecord, expected_seq: int, prev: str,
                    keyed: bool) -> str | None:
    if record.mac_version == HMAC_V1:
        if not hmac.compare_digest(record.hash, chain.mac(record)):
            return "was changed: its HMAC does not match"
    elif record.mac_version == PLAIN_SHA256 and not keyed:
        if record.hash != plain_hash(record.prev_hash, record):
            return "was changed: its hash does not match"
    else:
        return "carries a plain hash after keyed records: the chain was rebuilt"
    if record.seq != expected_seq:
        return f"comes where #{expected_seq} should be: records before it were removed"
    if record.prev_hash != prev:
        return "does not follow the record before it: that one was changed or removed"
    return None
