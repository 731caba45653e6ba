import base64
import json
import os
import stat

import pytest

from storage.vault import KeyRing, KeyRingError


def _doc(ring: KeyRing) -> dict:
    return json.loads(ring.to_json())


def test_generate_has_k1_active_and_separate_index_key():
    ring = KeyRing.generate(development=True)
    assert ring.active_id == "k1"
    assert ring.key_ids == ("k1",)
    assert len(ring.key("k1")) == 32
    assert len(ring.index_key) == 32
    assert ring.index_key != ring.key("k1")
    assert ring.development is True
    assert KeyRing.generate().development is False
    assert KeyRing.generate().key("k1") != ring.key("k1")


def test_json_format_matches_documented_shape():
    ring = KeyRing.generate(development=True)
    doc = _doc(ring)
    assert set(doc) == {"development", "active", "keys", "index_key", "created"}
    assert doc["active"] == "k1" and doc["development"] is True
    assert base64.b64decode(doc["keys"]["k1"]) == ring.key("k1")
    assert base64.b64decode(doc["index_key"]) == ring.index_key


def test_repr_shows_no_key_material():
    ring = KeyRing.generate()
    text = repr(ring)
    for raw in (ring.key("k1"), ring.index_key):
        assert base64.b64encode(raw).decode() not in text
        assert raw.hex() not in text


def test_unknown_key_id_raises():
    ring = KeyRing.generate()
    with pytest.raises(KeyRingError, match="unknown key id 'k9'"):
        ring.key("k9")


def test_with_new_active_key_adds_k2_and_keeps_old_and_index_key():
    ring = KeyRing.generate()
    ring2 = ring.with_new_active_key()
    assert ring2.active_id == "k2"
    assert ring2.key("k1") == ring.key("k1")
    assert ring2.key("k2") != ring.key("k1")
    assert ring2.index_key == ring.index_key
    assert ring.active_id == "k1"  # the old ring is unchanged
    assert ring2.with_new_active_key().active_id == "k3"


def test_without_key_refuses_the_active_one():
    ring = KeyRing.generate().with_new_active_key()
    assert ring.without_key("k1").key_ids == ("k2",)
    with pytest.raises(KeyRingError):
        ring.without_key("k2")


def test_save_file_writes_0600_and_round_trips(tmp_path):
    ring = KeyRing.generate(development=True)
    path = tmp_path / "keyring.json"
    ring.save_file(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    loaded = KeyRing.load_file(path)
    assert loaded.active_id == "k1"
    assert loaded.key("k1") == ring.key("k1")
    assert loaded.index_key == ring.index_key
    assert loaded.development is True
    assert os.listdir(tmp_path) == ["keyring.json"]  # no temp file left behind


def test_save_file_replaces_a_loose_file_with_a_0600_one(tmp_path):
    path = tmp_path / "keyring.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    ring = KeyRing.generate().with_new_active_key()
    ring.save_file(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert KeyRing.load_file(path).active_id == "k2"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_load_file_refuses_group_or_other_access(tmp_path, mode):
    path = tmp_path / "keyring.json"
    KeyRing.generate().save_file(path)
    os.chmod(path, mode)
    with pytest.raises(KeyRingError, match=f"mode {mode:04o}.*chmod 600"):
        KeyRing.load_file(path)


def test_load_file_refuses_symlink_and_missing_file(tmp_path):
    real = tmp_path / "real.json"
    KeyRing.generate().save_file(real)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(KeyRingError):
        KeyRing.load_file(link)
    with pytest.raises(KeyRingError, match="does not exist"):
        KeyRing.load_file(tmp_path / "nope.json")


def test_malformed_json_file_refused_with_clear_message(tmp_path):
    path = tmp_path / "keyring.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b'{"active": "k1", "keys": {"k1": "c2VjcmV0c2VjcmV0"')
    os.close(fd)
    with pytest.raises(KeyRingError, match=r"keyring\.json: malformed JSON") as err:
        KeyRing.load_file(path)
    assert "c2VjcmV0" not in str(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__


def _valid_doc() -> dict:
    return _doc(KeyRing.generate())


def _mutations():
    b64_16 = base64.b64encode(b"x" * 16).decode()
    return [
        ("not json at all", "malformed JSON"),
        ("", "empty"),
        ("[1, 2]", "must be a JSON object"),
        (lambda d: d.pop("active"), "field 'active': missing"),
        (lambda d: d.pop("index_key"), "field 'index_key': missing"),
        (lambda d: d.update(active="k7"), "active key id is not among"),
        (lambda d: d.update(keys={}), "field 'keys': needs at least 1 item"),
        (lambda d: d["keys"].update(k1="!!!not base64!!!"), "not valid base64"),
        (lambda d: d["keys"].update(k1=b64_16), "must decode to 32 bytes, got 16"),
        (lambda d: d.update(index_key=d["keys"]["k1"]), "index key must differ"),
        (lambda d: d.update(extra=1), "unknown field"),
        (lambda d: d.update(development="yes"), "field 'development': expected true or false"),
        (lambda d: d["keys"].update({"bad id!": d["keys"]["k1"]}), "key ids must be"),
    ]


@pytest.mark.parametrize("mutation,message", _mutations())
def test_from_env_value_refuses_malformed_rings(mutation, message):
    if isinstance(mutation, str):
        text = mutation
        secret_bits = []
    else:
        doc = _valid_doc()
        secret_bits = [doc["index_key"], *doc["keys"].values()]
        mutation(doc)
        text = json.dumps(doc)
    with pytest.raises(KeyRingError, match=message) as err:
        KeyRing.from_env_value(text)
    assert str(err.value).startswith("$TAMBON_KEYRING:")
    for bit in secret_bits:
        assert bit not in str(err.value)


def test_duplicate_key_ids_refused():
    doc = _valid_doc()
    k1, other = doc["keys"]["k1"], base64.b64encode(os.urandom(32)).decode()
    text = json.dumps({"active": "k1", "index_key": doc["index_key"], "keys": {}})
    text = text.replace('"keys": {}', f'"keys": {{"k1": "{k1}", "k1": "{other}"}}')
    with pytest.raises(KeyRingError, match="duplicate JSON key 'k1'"):
        KeyRing.from_env_value(text)


def test_from_env_value_and_from_env_round_trip():
    ring = KeyRing.generate()
    text = ring.to_json()
    assert KeyRing.from_env_value(text).key("k1") == ring.key("k1")
    assert KeyRing.from_env({"TAMBON_KEYRING": text}).index_key == ring.index_key
    with pytest.raises(KeyRingError, match="not set"):
        KeyRing.from_env({})


def test_two_processes_creating_the_development_ring_end_up_sharing_one(tmp_path):
    """gunicorn starts its workers at once; each must seal with the same keys."""
    import subprocess
    import sys

    script = (
        "import sys; from bot.keys import load_keyring; from bot.settings import load_settings;"
        "r = load_keyring(load_settings({'TAMBON_INSTANCE_DIR': sys.argv[1]}));"
        "print(r.active_id, r.key(r.active_id).hex())"
    )
    runs = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path)],
                             stdout=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = {run.communicate(timeout=60)[0].strip() for run in runs}
    assert len(outputs) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
