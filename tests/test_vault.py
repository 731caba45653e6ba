import subprocess
import sys

import pytest

from storage.vault import KeyRing, Vault, VaultError, make_aad

PLAIN = "สมชาย ใจดี 081-234-5678".encode()


@pytest.fixture
def ring():
    return KeyRing.generate(development=True)


@pytest.fixture
def vault(ring):
    return Vault(ring)


# ------------------------------------------------------------------ ring layer


def test_seal_open_round_trip_and_blob_layout(vault):
    blob = vault.seal(PLAIN, "case:1")
    assert vault.open(blob, "case:1") == PLAIN
    assert blob[0] == 0x01  # format version
    assert blob[1] == 2 and blob[2:4] == b"k1"  # key id, length-prefixed
    assert len(blob) == 1 + 1 + 2 + 12 + len(PLAIN) + 16
    assert PLAIN not in blob
    assert vault.seal(PLAIN, "case:1")[4:16] != blob[4:16]  # fresh nonce each time


def test_open_with_other_aad_fails(vault):
    blob = vault.seal(PLAIN, "case:1")
    for other in ("case:2", "case:1 ", "", "CASE:1"):
        with pytest.raises(VaultError):
            vault.open(blob, other)


def test_every_tampered_byte_fails(vault):
    blob = vault.seal(b"secret", "a")
    for i in range(len(blob)):
        bad = bytearray(blob)
        bad[i] ^= 0x01
        with pytest.raises(VaultError):
            vault.open(bytes(bad), "a")
    with pytest.raises(VaultError):
        vault.open(blob[:-1], "a")
    with pytest.raises(VaultError):
        vault.open(blob + b"\x00", "a")
    with pytest.raises(VaultError):
        vault.open(b"", "a")


def test_errors_carry_no_plaintext_or_aad(vault):
    blob = bytearray(vault.seal(PLAIN, "U1234567890abcdef"))
    blob[-1] ^= 0xFF
    with pytest.raises(VaultError) as err:
        vault.open(bytes(blob), "U1234567890abcdef")
    text = str(err.value)
    assert "U1234567890abcdef" not in text and "สมชาย" not in text
    assert err.value.__cause__ is None


def test_other_ring_cannot_open(vault):
    blob = vault.seal(PLAIN, "a")
    with pytest.raises(VaultError):
        Vault(KeyRing.generate()).open(blob, "a")  # same id "k1", other key


def test_json_round_trip(vault):
    obj = {"name": "นางสาวมาลี", "phone": "0812345678", "n": [1, 2]}
    blob = vault.seal_json(obj, "identity:7")
    assert vault.open_json(blob, "identity:7") == obj
    with pytest.raises(VaultError):
        vault.open_json(blob, "identity:8")
    with pytest.raises(VaultError, match="not JSON"):
        vault.open_json(vault.seal(b"\xff", "x"), "x")


def test_make_aad_is_unambiguous():
    assert make_aad("a:b", "c") != make_aad("a", "b:c")
    assert make_aad("a|b") != make_aad("a", "b")
    assert make_aad("case", 7) == make_aad("case", "7")
    with pytest.raises(TypeError):
        make_aad("case", True)


# --------------------------------------------------------------- field layer


def test_field_round_trip(vault):
    dk, _ = vault.new_data_key("case:1")
    ct = vault.seal_field(dk, "สมชาย", table="complainants", row_id=1, field="name")
    assert vault.open_field(dk, ct, table="complainants", row_id=1, field="name") == "สมชาย"
    # int and str row ids name the same row
    assert vault.open_field(dk, ct, table="complainants", row_id="1", field="name") == "สมชาย"
    assert "สมชาย".encode() not in ct


@pytest.mark.parametrize(
    "where",
    [
        {"table": "complainants", "row_id": 2, "field": "name"},  # copied to another row
        {"table": "complainants", "row_id": 1, "field": "phone"},  # to another field
        {"table": "officers", "row_id": 1, "field": "name"},  # to another table
        {"table": "complainants", "row_id": "1 ", "field": "name"},
    ],
)
def test_field_ciphertext_moved_elsewhere_fails(vault, where):
    dk, _ = vault.new_data_key("case:1")
    ct = vault.seal_field(dk, "สมชาย", table="complainants", row_id=1, field="name")
    with pytest.raises(VaultError):
        vault.open_field(dk, ct, **where)


def test_field_under_another_data_key_fails(vault):
    dk1, _ = vault.new_data_key("case:1")
    dk2, _ = vault.new_data_key("case:2")
    ct = vault.seal_field(dk1, "x", table="t", row_id=1, field="f")
    with pytest.raises(VaultError):
        vault.open_field(dk2, ct, table="t", row_id=1, field="f")


def test_field_tampered_byte_fails(vault):
    dk, _ = vault.new_data_key("case:1")
    ct = vault.seal_field(dk, "0812345678", table="t", row_id=1, field="phone")
    for i in range(len(ct)):
        bad = bytearray(ct)
        bad[i] ^= 0x80
        with pytest.raises(VaultError):
            vault.open_field(dk, bytes(bad), table="t", row_id=1, field="phone")


def test_field_names_must_be_identifiers(vault):
    dk, _ = vault.new_data_key("x")
    for table, field in (("t|x", "f"), ("t", "f:g"), ("", "f"), ("t", "1f")):
        with pytest.raises(ValueError):
            vault.seal_field(dk, "v", table=table, row_id=1, field=field)


def test_ring_blob_is_not_a_field_blob(vault):
    dk, wrapped = vault.new_data_key("a")
    with pytest.raises(VaultError):
        vault.open_field(dk, wrapped, table="t", row_id=1, field="f")


# ------------------------------------------------------- envelope & rotation


def test_data_key_wrap_unwrap(vault):
    dk, wrapped = vault.new_data_key("case:1")
    assert len(dk) == 32
    assert vault.unwrap_data_key(wrapped, "case:1") == dk
    with pytest.raises(VaultError):
        vault.unwrap_data_key(wrapped, "case:2")
    with pytest.raises(VaultError, match="does not hold a data key"):
        vault.unwrap_data_key(vault.seal(b"short", "case:1"), "case:1")


def test_rotation(ring):
    v1 = Vault(ring)
    old_blob = v1.seal(PLAIN, "a")
    dk, wrapped = v1.new_data_key("case:1")
    field = v1.seal_field(dk, "สมชาย", table="t", row_id=1, field="name")
    assert not v1.needs_rewrap(wrapped)

    ring2 = ring.with_new_active_key()
    v2 = Vault(ring2)
    assert v2.open(old_blob, "a") == PLAIN  # old blob still opens
    new_blob = v2.seal(PLAIN, "a")
    assert v2.key_id_of(new_blob) == "k2"  # new seals use k2
    assert v2.needs_rewrap(wrapped) and not v2.needs_rewrap(new_blob)

    rewrapped = v2.rewrap_data_key(wrapped, "case:1")
    assert v2.key_id_of(rewrapped) == "k2"
    assert not v2.needs_rewrap(rewrapped)
    assert v2.unwrap_data_key(rewrapped, "case:1") == dk
    assert v2.open_field(dk, field, table="t", row_id=1, field="name") == "สมชาย"

    # A ring without k1 cannot open k1 blobs, but opens re-wrapped ones.
    v3 = Vault(ring2.without_key("k1"))
    with pytest.raises(VaultError, match="'k1'"):
        v3.open(old_blob, "a")
    with pytest.raises(VaultError):
        v3.unwrap_data_key(wrapped, "case:1")
    assert v3.unwrap_data_key(rewrapped, "case:1") == dk


# ----------------------------------------------------------------- blind index


def test_blind_index(ring):
    v = Vault(ring)
    idx = v.blind_index("U4af4980629abcdef", "line-user")
    assert len(idx) == 64 and int(idx, 16) >= 0
    assert v.blind_index("U4af4980629abcdef", "line-user") == idx  # stable
    assert Vault(ring.with_new_active_key()).blind_index("U4af4980629abcdef", "line-user") == idx
    assert v.blind_index("U4af4980629abcdef", "phone") != idx  # differs by purpose
    assert v.blind_index("U4af4980629abcdeF", "line-user") != idx
    assert Vault(KeyRing.generate()).blind_index("U4af4980629abcdef", "line-user") != idx
    with pytest.raises(ValueError):
        v.blind_index("x", "Line User")


def test_vault_imports_no_flask_bot_or_handlers():
    code = (
        "import sys, storage.vault; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('flask', 'bot', 'handlers')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
