"""The probe's book: a store is down for the probe only after `threshold` failures in a row, up again
at its first success, and only a change of that verdict (or of its reason) asks for a new judgement."""

from __future__ import annotations

from storefleet.reconciler_watch.probe import ProbeBook, ProbeResult

URL = "http://shop-abc.example.test/"
OK = ProbeResult(URL, True, "HTTP 200")
DOWN = ProbeResult(URL, False, "HTTP 503")


def test_a_store_is_down_only_after_the_threshold_of_failures_in_a_row() -> None:
    book = ProbeBook(threshold=3)
    assert [book.record("st-1", DOWN) for _ in range(2)] == [False, False]
    assert book.failure("st-1") is None
    assert book.record("st-1", DOWN) is True
    assert book.failure("st-1") == f"HTTP probe of {URL} failed 3 times in a row: HTTP 503"


def test_one_success_breaks_the_streak_and_brings_the_store_back() -> None:
    book = ProbeBook(threshold=2)
    book.record("st-1", DOWN)
    book.record("st-1", OK)
    assert book.record("st-1", DOWN) is False  # the streak started again
    assert book.record("st-1", DOWN) is True
    assert book.record("st-1", OK) is True
    assert book.failure("st-1") is None


def test_failing_on_the_same_way_asks_for_nothing_new_but_a_new_reason_does() -> None:
    book = ProbeBook(threshold=1)
    assert book.record("st-1", DOWN) is True
    assert book.record("st-1", DOWN) is False  # the message names the threshold, not the count
    assert book.record("st-1", ProbeResult(URL, False, "connection refused")) is True
    assert "connection refused" in (book.failure("st-1") or "")


def test_stores_that_stop_running_are_forgotten() -> None:
    book = ProbeBook(threshold=1)
    book.record("st-1", DOWN)
    book.record("st-2", DOWN)
    book.keep_only({"st-2"})
    assert book.failure("st-1") is None and book.failure("st-2") is not None
    assert book.record("st-1", OK) is False  # a new store starts with no streak
