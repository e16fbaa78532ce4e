"""Fault injection: error statuses, cut streams and slow streams, by server option or request header.

A fault is written as ``;``-separated items, the same in the ``x-harness-fault`` request header and in
``harness serve --fault``::

    429                      answer 429 (rate limited), with ``retry-after: 1``
    429;retry-after=0        answer 429 with ``retry-after: 0``
    500                      answer 500 (server error); any 4xx/5xx status works
    times=N                  only the first N matching requests fail (the SDK's retries then succeed)
    cut-after=N              end a stream abruptly after N events (no ``done`` event, connection dropped)
    slow=MS                  wait MS milliseconds before each stream event

Items combine: ``429;retry-after=0;times=2`` or ``cut-after=5;slow=20``. A header fault applies to that
request; ``times`` counts requests with the same header value, method and path. A server fault applies
to every request (or the first ``times`` requests).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from harness.server._errors import ApiError

#: The request header that asks for a fault.
FAULT_HEADER = "x-harness-fault"


@dataclass(frozen=True)
class FaultConfig:
    """One fault specification.

    Attributes:
        status: An HTTP error status to answer with instead of handling the request.
        retry_after: The ``retry-after`` header value (seconds) sent with ``status``.
        times: How many requests the fault applies to; ``None`` for all of them.
        cut_after: End streams abruptly after this many events.
        slow_ms: Delay before each stream event, in milliseconds.
    """

    status: int | None = None
    retry_after: float | None = None
    times: int | None = None
    cut_after: int | None = None
    slow_ms: int | None = None

    @classmethod
    def parse(cls, spec: str) -> FaultConfig:
        """Parse ``"429;retry-after=0;times=1"``-style text.

        Raises:
            ValueError: When an item is not one of the documented forms.
        """
        status: int | None = None
        retry_after: float | None = None
        times: int | None = None
        cut_after: int | None = None
        slow_ms: int | None = None
        for raw in spec.replace(",", ";").split(";"):
            item = raw.strip()
            if not item:
                continue
            name, _, value = item.partition("=")
            name = name.strip().lower()
            try:
                if not value and name.isdigit():
                    status = _status(name)
                elif name == "status":
                    status = _status(value)
                elif name == "retry-after":
                    retry_after = float(value)
                    if not math.isfinite(retry_after) or not 0 <= retry_after <= 86_400:
                        raise ValueError
                elif name == "times":
                    times = _count(value)
                elif name == "cut-after":
                    cut_after = _count(value)
                elif name == "slow":
                    slow_ms = _count(value)
                else:
                    raise ValueError
            except ValueError:
                raise ValueError(
                    f"invalid fault item {item!r} in {spec!r}: expected a 4xx/5xx status ('429' or "
                    "'status=429'), 'retry-after=S' (0 to 86400 seconds), 'times=N', 'cut-after=N' "
                    "or 'slow=MS' (whole numbers, 0 or more), separated by ';'"
                ) from None
        return cls(status=status, retry_after=retry_after, times=times, cut_after=cut_after, slow_ms=slow_ms)

    def error(self) -> ApiError:
        """The error response for :attr:`status`."""
        status = self.status or 500
        if status == 429:
            retry = self.retry_after if self.retry_after is not None else 1
            text = str(int(retry)) if float(retry).is_integer() else str(retry)
            return ApiError(
                429,
                "Rate limit reached for requests. Please try again later.",
                type="requests",
                code="rate_limit_exceeded",
                headers={"retry-after": text, "retry-after-ms": str(int(float(retry) * 1000))},
            )
        if status >= 500:
            return ApiError(
                status,
                "The server had an error while processing your request. Sorry about that!",
                type="server_error",
            )
        return ApiError(status, f"Injected fault with status {status}.")


def _status(text: str) -> int:
    status = int(text)
    if not 400 <= status <= 599:
        raise ValueError
    return status


def _count(text: str) -> int:
    count = int(text)
    if count < 0 or count > 10**9:
        raise ValueError
    return count


class FaultCounter:
    """Counts requests per fault key so that ``times=N`` faults stop after N requests."""

    def __init__(self) -> None:
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def applies(self, key: str, fault: FaultConfig) -> bool:
        """Whether ``fault`` applies to this request (and count it)."""
        with self._lock:
            seen = self._counts.get(key, 0)
            self._counts[key] = seen + 1
        return fault.times is None or seen < fault.times
