"""Abuse limits of the server: per-user rates, trusted proxy networks."""

from __future__ import annotations

import pytest

from assistant.server.limits import Networks, RateLimiter, retry_after

pytestmark = pytest.mark.unit


def test_the_rate_limit_is_per_user_and_per_kind_over_a_sliding_minute() -> None:
    now = [1000.0]
    limiter = RateLimiter(clock=lambda: now[0])
    assert [limiter.take("marie", "questions", 2) for _ in range(2)] == [0.0, 0.0]
    wait = limiter.take("marie", "questions", 2)
    assert wait == pytest.approx(60.0)
    assert retry_after(wait) == "60"
    assert limiter.take("paul", "questions", 2) == 0.0  # another user
    assert limiter.take("marie", "drafts", 2) == 0.0  # another kind
    now[0] += 30
    assert limiter.take("marie", "questions", 2) == pytest.approx(30.0)
    now[0] += 30.01
    assert limiter.take("marie", "questions", 2) == 0.0


@pytest.mark.parametrize(
    ("entries", "address", "trusted"),
    [
        (["10.0.0.0/8"], "10.1.2.3", True),
        (["10.0.0.0/8"], "192.168.1.1", False),
        (["127.0.0.1"], "127.0.0.1", True),
        (["::1"], "::1", True),
        ([], "127.0.0.1", False),
        (["10.0.0.0/8"], "testclient", False),
    ],
)
def test_trusted_networks(entries: list[str], address: str, trusted: bool) -> None:
    assert (address in Networks(entries)) is trusted
