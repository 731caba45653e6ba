"""The machine's hash slots (bot/slots.py): at most TAMBON_HASH_SLOTS Argon2id checks at
once, whichever process runs them; with none free, sign-in, /tip and /track answer 429 in
Thai at once, and the same way for a known and an unknown name.

Another process holds the slots here (a child Python that takes them and waits), as a
second gunicorn process would.
"""

from __future__ import annotations

import threading

import pytest

from bot.slots import Slots
from storage.models import Case
from tests.public_helpers import csrf_of, receipt_of, submit_tip
from tests.slot_helpers import Holder
from tests.test_console_support import make_officer, sign_in

BUSY_SIGN_IN = "ขณะนี้มีการพยายามเข้าสู่ระบบจำนวนมาก"
BUSY_PUBLIC = "ขณะนี้ระบบมีผู้ใช้งานจำนวนมาก"
@pytest.fixture
def held_slots(services):
    """Every hash slot of the app's machine, held by another process."""
    holder = Holder(services.settings.instance_dir / "slots", services.settings.hash_slots,
                    services.settings.hash_slots)
    assert holder.got == ["True"] * services.settings.hash_slots
    yield holder
    if holder.proc.poll() is None:
        holder.release()


def test_slots_held_by_other_processes_are_not_free_until_they_let_go(tmp_path):
    slots = Slots(tmp_path, 2)
    one, two = Holder(tmp_path, 2, 1), Holder(tmp_path, 2, 1)
    assert one.got == two.got == ["True"]
    with slots.take() as free:
        assert not free
    one.kill()  # a crash lets go too: the kernel drops the dead process's locks
    with slots.take() as free:
        assert free
        with slots.take() as second:
            assert not second  # the other one is still held by the live process
    two.release()
    with slots.take() as free, slots.take() as second:
        assert free and second


def test_two_threads_of_one_process_are_two_holders(tmp_path):
    slots = Slots(tmp_path, 1)
    results = []
    entered, leave = threading.Event(), threading.Event()

    def hold():
        with slots.take() as free:
            results.append(free)
            entered.set()
            leave.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    entered.wait(5)
    with slots.take() as free:
        results.append(free)
    leave.set()
    thread.join()
    assert results == [True, False]


def test_a_waiting_caller_gets_the_slot_when_it_is_let_go(tmp_path):
    holder = Holder(tmp_path, 1, 1)
    threading.Timer(0.3, holder.release).start()
    with Slots(tmp_path, 1).take(wait=5) as free:
        assert free


def _login(client, username: str, password: str = "a wrong guess 123"):
    page = client.get("/console/login")
    return client.post("/console/login", data={
        "username": username, "password": password,
        "csrf_token": csrf_of(page.get_data(as_text=True))})


def test_sign_in_with_every_slot_held_is_refused_at_once_in_thai(client, services,
                                                                 held_slots):
    make_officer(services, "somchai")
    known, unknown = _login(client, "somchai"), _login(client, "nobody-at-all")
    for answer in (known, unknown):
        assert answer.status_code == 429
        assert BUSY_SIGN_IN in answer.get_data(as_text=True)
        assert answer.headers["Retry-After"].isdigit()
    # a known name and an unknown one cannot be told apart by the answer
    assert known.get_data() == unknown.get_data()
    right = _login(client, "somchai", password="ทุ่งโพธิ์-password-2569")
    assert right.status_code == 429  # not even the right password is checked
    held_slots.release()
    assert sign_in(client, "somchai").status_code == 302
    assert client.get("/console/queue").status_code == 200


def test_a_known_browser_waits_for_a_slot_instead_of_being_refused(client, services,
                                                                    held_slots):
    make_officer(services, "somchai")
    held_slots.release()
    assert sign_in(client, "somchai").status_code == 302  # now a known device
    client.post("/console/logout", data={"csrf_token": csrf_of(
        client.get("/console/account").get_data(as_text=True))})
    again = Holder(services.settings.instance_dir / "slots", services.settings.hash_slots,
                   services.settings.hash_slots)
    threading.Timer(0.5, again.release).start()
    answer = _login(client, "somchai", password="ทุ่งโพธิ์-password-2569")
    assert answer.status_code == 302, answer.get_data(as_text=True)


def test_a_tip_with_every_slot_held_is_refused_in_thai_and_nothing_is_filed(
        client, services, held_slots):
    answer = submit_tip(client)
    assert answer.status_code == 429
    page = answer.get_data(as_text=True)
    assert BUSY_PUBLIC in page and "ไฟถนนหน้าวัดดับ" in page  # what was typed is kept
    with services.sessions() as session:
        assert session.query(Case).count() == 0
    held_slots.release()
    code, secret = receipt_of(client, submit_tip(client))
    assert code and secret


def test_a_sent_tip_waits_a_moment_for_a_slot_rather_than_being_refused(client, services,
                                                                         held_slots):
    threading.Timer(0.5, held_slots.release).start()
    code, secret = receipt_of(client, submit_tip(client))
    assert code and secret


def test_tracking_with_every_slot_held_is_refused_in_thai(client, services, held_slots):
    held_slots.release()
    code, secret = receipt_of(client, submit_tip(client))
    again = Holder(services.settings.instance_dir / "slots", services.settings.hash_slots,
                   services.settings.hash_slots)
    page = client.get("/track")
    answer = client.post("/track", data={"code": code, "secret": secret,
                                         "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert answer.status_code == 429
    assert BUSY_PUBLIC in answer.get_data(as_text=True)
    again.release()
    answer = client.post("/track", data={"code": code, "secret": secret,
                                         "csrf_token": csrf_of(page.get_data(as_text=True))})
    assert answer.status_code == 200 and code in answer.get_data(as_text=True)
