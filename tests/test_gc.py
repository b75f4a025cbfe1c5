"""``rapidata_nb._gc.collection_paused``: no automatic cyclic collection inside, counted across threads."""

from __future__ import annotations

import gc
import threading

from rapidata_nb._gc import collection_paused


def test_the_collector_is_paused_inside_and_resumed_after() -> None:
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():  # nested: still paused after the inner block
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_disabled_before_stays_disabled() -> None:
    gc.disable()
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_threads_resume_it_when_the_last_leaves() -> None:
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        with collection_paused():
            entered.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=other)
    thread.start()
    assert entered.wait(timeout=30)
    with collection_paused():
        pass
    assert not gc.isenabled()  # the other thread is still inside
    release.set()
    thread.join(timeout=30)
    assert gc.isenabled()


def test_an_error_inside_still_resumes_it() -> None:
    try:
        with collection_paused():
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert gc.isenabled()
