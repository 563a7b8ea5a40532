"""Per-client-address rate limiting (a token bucket per address, in memory).

The limit protects PSC and the gateway from one misbehaving workstation; it is per
instance (an instance behind a load balancer sees a share of the traffic), which is the
usual trade-off of a stateless service. The table is bounded: the least recently seen
addresses are forgotten first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

__all__ = ["RateLimiter"]


class RateLimiter:
    """``allow(address)`` is False once an address exceeds ``rate`` per second (``burst``).

    Args:
        rate: tokens added per second.
        burst: bucket size.
        max_addresses: how many addresses are remembered.
        clock: monotonic clock.
    """

    def __init__(self, rate: float, burst: float, *, max_addresses: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = burst
        self.max_addresses = max_addresses
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, address: str) -> bool:
        """Take one token for ``address``; False when none is left."""
        now = self._clock()
        tokens, stamp = self._buckets.pop(address, (self.burst, now))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        allowed = tokens >= 1.0
        if allowed:
            tokens -= 1.0
        self._buckets[address] = (tokens, now)
        while len(self._buckets) > self.max_addresses:
            self._buckets.popitem(last=False)
        return allowed

    def retry_after(self, address: str) -> int:
        """Seconds until ``address`` gets a token again (for ``Retry-After``)."""
        tokens, _stamp = self._buckets.get(address, (self.burst, 0.0))
        return max(1, int((1.0 - tokens) / self.rate + 0.999))
