"""The two roots of everything the harness raises.

Usage problems (a bad option, a missing or corrupt cassette, an unmatched request, an unreachable
server) derive from :class:`HarnessError`. Verification failures (a response that breaks its contract,
a stream that breaks the grammar) are :class:`ContractViolation`, an ``AssertionError`` that carries its
findings as data so that pytest reports it as a test failure rather than an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness._findings import Finding


class HarnessError(Exception):
    """A usage problem: what was expected, what was seen, and what to do about it."""


class ContractViolation(AssertionError):
    """Traffic broke a contract; ``findings`` holds each broken rule with its location."""

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.findings: tuple[Finding, ...] = tuple(findings)
