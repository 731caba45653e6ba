"""Rotating the key ring: every case keeps opening before, during and after, and
`tambon keys rotate` writes the new ring with mode 0600."""

from __future__ import annotations

import stat

from click.testing import CliRunner
from sqlalchemy import select

from handlers.cases import casework
from handlers.cases.evidence import EvidenceFile
from handlers.cases.filing import NewCase, file_case
from handlers.cases.identity import complainant_line_id
from storage import case_vault
from storage.models import Case
from storage.rotation import count_outdated, rewrap_all
from storage.vault import KeyRing, Vault, VaultError
from tests.complaint_helpers import jpeg_with_gps


def _file_cases(sessions, vault, org, clock, n):
    codes = []
    with sessions() as session, session.begin():
        for i in range(n):
            filed = file_case(session, vault, org, NewCase(
                kind="grievance", identity_mode="confidential", channel="line",
                description=f"ไฟถนนดับ หมู่ {i}", name=f"ผู้ร้อง {i}", phone="081-234-5678",
                line_user_id=f"U{i:032d}",
                evidence=[EvidenceFile(jpeg_with_gps(), "image/jpeg")] if i % 5 == 0 else []),
                clock())
            casework.add_note(session, vault, org, filed.case, f"บันทึก {i}", actor="officer:1",
                              now=clock())
            codes.append(filed.code)
    return codes


def _all_open(sessions, vault, org, clock):
    with sessions() as session, session.begin():
        cases = session.execute(select(Case).order_by(Case.id)).scalars().all()
        for case in cases:
            content = casework.read_content(session, vault, case)
            assert content["description"].startswith("ไฟถนนดับ")
            assert complainant_line_id(session, vault, case, "rotation test",
                                       clock()).startswith("U")
            assert casework.timeline(session, vault, case, include_internal=True)
            for row in casework.evidence_of(session, case):
                key = case_vault.case_key(vault, case)
                assert case_vault.open_evidence(vault, key, row, original=True)
                if row.sealed_clean is not None:
                    assert case_vault.open_evidence(vault, key, row)
        return len(cases)


def test_rotation_keeps_every_case_readable_during_and_after(sessions, keyring, vault, org,
                                                             clock):
    _file_cases(sessions, vault, org, clock, 23)
    rotated = Vault(keyring.with_new_active_key())
    seen_during = []

    def during(progress):
        if progress.batches == 1:
            assert 0 < count_outdated(sessions, rotated) < 23  # half-way: a mix of keys
            seen_during.append(_all_open(sessions, rotated, org, clock))
            # a case filed by a process still on the old ring, mid-rotation
            _file_cases(sessions, vault, org, clock, 1)

    result = rewrap_all(sessions, rotated, batch_size=7, after_batch=during)
    assert seen_during == [23]
    assert result.rewrapped >= 23
    # the straggler filed under the old key is caught by a second run
    rewrap_all(sessions, rotated)
    assert count_outdated(sessions, rotated) == 0
    assert _all_open(sessions, rotated, org, clock) == 24
    with sessions() as session:
        for case in session.execute(select(Case)).scalars():
            assert rotated.key_id_of(case.wrapped_key) == rotated.active_id
            # the old ring (without the new key) cannot open what was re-wrapped
            try:
                case_vault.case_key(vault, case)
            except VaultError:
                pass
            else:
                raise AssertionError("re-wrapped key opened under the old ring")
    assert rewrap_all(sessions, rotated).rewrapped == 0  # again: nothing to do


def test_a_second_rotation_still_opens_everything(sessions, keyring, vault, org, clock):
    _file_cases(sessions, vault, org, clock, 5)
    second = Vault(keyring.with_new_active_key())
    rewrap_all(sessions, second)
    third = Vault(second.ring.with_new_active_key())
    assert third.active_id == "k3"
    assert rewrap_all(sessions, third).rewrapped == 5
    assert _all_open(sessions, third, org, clock) == 5


def test_tambon_keys_rotate(tmp_path, monkeypatch, sessions, database_url, org, clock):
    ring_file = tmp_path / "ring.json"
    ring = KeyRing.generate(development=True)
    ring.save_file(ring_file)
    _file_cases(sessions, Vault(ring), org, clock, 4)
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "TAMBON_KEYRING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TAMBON_KEYRING_FILE", str(ring_file))
    monkeypatch.setenv("TAMBON_INSTANCE_DIR", str(tmp_path / "instance"))
    from bot import cli as cli_module

    cli_module._add_discovered_commands()
    outcome = CliRunner().invoke(cli_module.cli, ["keys", "rotate", "--batch", "3"])
    assert outcome.exit_code == 0, outcome.output
    assert "4 case keys re-wrapped under k2" in outcome.output
    assert stat.S_IMODE(ring_file.stat().st_mode) == 0o600
    new_ring = KeyRing.load_file(ring_file)
    assert new_ring.active_id == "k2" and set(new_ring.key_ids) == {"k1", "k2"}
    assert new_ring.index_key == ring.index_key  # "my cases" keeps finding cases
    assert _all_open(sessions, Vault(new_ring), org, clock) == 4
    again = CliRunner().invoke(cli_module.cli, ["keys", "rotate", "--rewrap-only"])
    assert again.exit_code == 0 and "0 case keys re-wrapped" in again.output


def test_a_running_process_opens_cases_rewrapped_by_a_rotation_it_did_not_see(tmp_path):
    """Web and worker processes keep their vault while `tambon keys rotate` runs elsewhere."""
    from storage.vault import KeyRing, Vault

    path = tmp_path / "keyring.json"
    ring = KeyRing.generate(development=False)
    ring.save_file(path)
    running = Vault(KeyRing.load_file(path), reload=lambda: KeyRing.load_file(path))
    _, wrapped = running.new_data_key("case-key:TP-1")
    rotated = ring.with_new_active_key()
    rotated.save_file(path)
    rewrapped = Vault(rotated).rewrap_data_key(wrapped, "case-key:TP-1")
    assert running.unwrap_data_key(rewrapped, "case-key:TP-1") == Vault(rotated).unwrap_data_key(
        rewrapped, "case-key:TP-1")
    assert running.active_id == rotated.active_id  # new seals now use the new key


def test_a_ring_with_another_index_key_is_not_taken_on_reload(tmp_path):
    from storage.vault import KeyRing, Vault, VaultError

    ring = KeyRing.generate(development=False)
    stranger = KeyRing.generate(development=False).with_new_active_key()
    running = Vault(ring, reload=lambda: stranger)
    blob = Vault(stranger).seal(b"x", "a")
    import pytest

    with pytest.raises(VaultError):
        running.open(blob, "a")
