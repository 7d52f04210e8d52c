"""The `race` fixture (root conftest) that the concurrency tests share."""

import threading


def test_the_runners_are_inside_the_action_at_the_same_time(race):
    both_inside = threading.Barrier(2)

    def action():
        # Passes only if the other runner reaches it too within the time (else raises).
        both_inside.wait(timeout=5)
        return True

    outcome = race(action)
    assert outcome.errors == []
    assert outcome.results == [True, True]


def test_errors_are_returned_not_raised(race):
    calls = []

    def action():
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("first")
        return "second"

    results, errors = race(action, runners=2)
    assert results == ["second"]
    assert [str(error) for error in errors] == ["first"]


def test_any_number_of_runners(race):
    results, errors = race(lambda: threading.current_thread().name, runners=4)
    assert errors == [] and len(set(results)) == 4
