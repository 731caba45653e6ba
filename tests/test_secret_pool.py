"""Case secrets made ahead (storage/vault/secret_pool.py): a running pool hands out
pairs that verify, the filing thread does not hash when one is ready, and the pool's
thread yields the CPU."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

import storage.vault.secret_pool as secret_pool
from storage.vault import parse_case_secret, verify_case_secret


def _wait_ready(pool, count: int, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while pool.ready_count() < count:
        assert time.monotonic() < deadline, "the pool never filled"
        time.sleep(0.02)


@pytest.fixture
def pool():
    running = secret_pool.SecretPool(size=2).start()
    yield running
    running.stop()


def test_a_running_pool_fills_to_its_size_and_its_pairs_verify(pool):
    _wait_ready(pool, 2)
    time.sleep(0.3)
    assert pool.ready_count() == 2  # no more than asked for
    first = secret_pool.take_secret_pair()
    second = secret_pool.take_secret_pair()
    assert first[0] != second[0]
    for secret, stored in (first, second):
        assert parse_case_secret(secret) == secret
        assert verify_case_secret(secret, stored)
        assert secret not in stored


def test_filing_takes_a_ready_pair_without_hashing_in_its_own_thread(pool, monkeypatch):
    _wait_ready(pool, 2)

    def no_hashing_here(secret):
        raise AssertionError("hashed in the taker's thread")

    monkeypatch.setattr(secret_pool, "hash_case_secret", no_hashing_here)
    secret, stored = secret_pool.take_secret_pair()
    assert verify_case_secret(secret, stored)


def test_with_no_pool_running_a_pair_is_made_on_the_spot(pool):
    pool.stop()
    assert pool.ready_count() == 0  # stopping forgets the pairs it held
    secret, stored = secret_pool.take_secret_pair()
    assert verify_case_secret(secret, stored)


def test_an_empty_pool_still_gives_a_pair(monkeypatch):
    empty = secret_pool.SecretPool(size=0).start()
    try:
        secret, stored = secret_pool.take_secret_pair()
        assert verify_case_secret(secret, stored)
    finally:
        empty.stop()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="thread priorities: Linux")
def test_the_pool_thread_runs_at_the_lowest_priority(pool):
    _wait_ready(pool, 1)
    thread = pool._thread.native_id
    assert (os.sched_getscheduler(thread) == os.SCHED_IDLE
            or os.getpriority(os.PRIO_PROCESS, thread) == 19)
    assert os.sched_getscheduler(threading.get_native_id()) != os.SCHED_IDLE  # only it


def test_a_running_worker_keeps_secrets_ahead_and_drops_them_when_it_stops(worker):
    thread = worker.start_thread()
    try:
        deadline = time.monotonic() + 20
        while secret_pool._active is None or secret_pool._active.ready_count() == 0:
            assert time.monotonic() < deadline, "the worker started no secret pool"
            time.sleep(0.02)
        running = secret_pool._active
    finally:
        worker.stop()
        thread.join(timeout=20)
    assert not thread.is_alive()
    assert secret_pool._active is None
    assert running.ready_count() == 0
