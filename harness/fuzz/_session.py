"""One fuzz session: sending requests, judging each answer, and failing with the sequence that led there.

Every exchange is judged at once: the contract and grammar findings of :func:`harness.verify.check_exchange`,
then what the request expected (a 2xx for a valid request, a 400 naming the parameter for an invalid
one, a 404 for a deleted object) and never a 5xx. Findings that fail under the contract mode raise a
:class:`FuzzFailure` carrying the requests of the current example, which Hypothesis then shrinks. Drift
(fields and events the contracts do not know) never fails in tolerant mode; it is collected once per
place for the report.

Each kind of failure raises its own subclass of :class:`FuzzFailure`, so Hypothesis shrinks each
separately and reports them all.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

from harness._findings import Finding
from harness.contracts import ContractMode, failing, match_route
from harness.fuzz._fuzz_rules import rule_kind
from harness.fuzz._http import Api, ApiCall

Expect = Literal["valid", "invalid", "gone", "racing"]
"""What a request expects: a 2xx, a 400 naming a parameter (see :class:`Invalid`), a 404, or (racing the
server, like a cancel sent while the run streams) a 2xx or a 4xx."""


class FuzzFailure(AssertionError):
    """Traffic broke a rule: the findings and the requests of the example that broke it.

    Attributes:
        findings: The failing findings, located at ``source:request index[:event]``.
        sequence: The exchanges of the example, the failing one last.
        source: Where it happened: ``stateful`` or ``examples METHOD /template``.
    """

    def __init__(self, findings: list[Finding], sequence: list[ApiCall], source: str) -> None:
        first = findings[0]
        super().__init__(
            f"{first.kind} {first.rule or ''} {first.object or ''}.{first.path}: {first.message}"
        )
        self.findings = findings
        self.sequence = sequence
        self.source = source


@dataclass(frozen=True, slots=True)
class Invalid:
    """What an invalid request expects: a 400 naming ``param``."""

    param: str
    rule: str


class Session:
    """Sends requests for one phase and judges them.

    Args:
        api: The client of the server under test.
        mode: Which findings fail (``tolerant``: violations; ``strict``: drift too).
        source: Where findings are placed (``stateful``, ``examples POST /assistants``).
        contracts: What a failing contract or grammar finding, a valid request refused or a 5xx does:
            ``raise`` at once; ``defer`` until :meth:`finish` (so that a stateful example goes on to
            the invariants after it); ``keep`` it in :attr:`kept` and go on (for making fixtures).
            Broken invariants, invalid requests accepted and missing answers always raise at once.
    """

    def __init__(
        self,
        api: Api,
        *,
        mode: ContractMode,
        source: str,
        contracts: Literal["raise", "defer", "keep"] = "raise",
    ) -> None:
        self.api = api
        self.mode = mode
        self.source = source
        self.contracts = contracts
        self.kept: list[FuzzFailure] = []
        """Failures of contract findings a ``keep`` session did not raise."""
        self.trace: list[ApiCall] = []
        self.deferred: list[Finding] = []
        self.drift: dict[tuple[Any, ...], Finding] = {}
        self.failed: list[FuzzFailure] = []
        """Failures of a phase without Hypothesis (the coverage phase), kept as they happen."""
        self.found: dict[tuple[Any, ...], FuzzFailure] = {}
        """The shortest failure of each kind seen so far, shrunk or not: what a stopped session reports."""
        self.first_found: float | None = None
        """When the first failure was found (``time.monotonic()``)."""
        self._classes: dict[tuple[Any, ...], type[FuzzFailure]] = {}

    def start(self) -> None:
        """Begin an example: forget the requests and deferred findings of the previous one."""
        self.trace = []
        self.deferred = []

    def send(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, Any] | None = None,
        form: bool = False,
        expect: Expect = "valid",
        invalid: Invalid | None = None,
        on_event: Callable[[list[dict[str, Any]]], None] | None = None,
    ) -> ApiCall:
        """Send a request, judge the answer, and raise :class:`FuzzFailure` when a finding fails.

        ``on_event`` is called with the events read so far after each event of a streamed answer.
        """
        exchange = self.api.call(method, path, body=body, query=query, form=form, on_event=on_event)
        self.trace.append(exchange)
        findings = self._judge(exchange, "invalid" if invalid is not None else expect, invalid)
        failed = failing(findings, self.mode)
        exchange.failing = failed
        for finding in findings:
            if finding not in failed:
                key = signature(finding)
                self.drift.setdefault(key, finding.with_location(file=self.source))
        if not failed:
            return exchange
        if self.contracts == "raise" or not all(_deferrable(f) for f in failed):
            self.fail(failed)
        located = self._located(failed)
        if self.contracts == "keep":
            self.kept.append(self._failure(located, len(self.trace)))
            return exchange
        known = {signature(f) for f in self.deferred}
        self.deferred += [f for f in located if signature(f) not in known]
        return exchange

    def finish(self) -> None:
        """End an example: raise the deferred contract findings, if any (unless already failing)."""
        if self.deferred and sys.exc_info()[1] is None:
            first = self.deferred[0].interaction
            raise self._failure(self.deferred, (first or 0) + 1)

    def fail(self, findings: list[Finding]) -> NoReturn:
        """Raise the failure of ``findings`` at the current request."""
        raise self._failure(self._located(findings), len(self.trace))

    def _located(self, findings: list[Finding]) -> list[Finding]:
        at = max(len(self.trace) - 1, 0)
        return [f.with_location(file=self.source, interaction=at) for f in findings]

    def _failure(self, findings: list[Finding], length: int) -> FuzzFailure:
        """The failure of located ``findings``, of a class of its own per kind of failure."""
        key = signature(findings[0])
        cls = self._classes.get(key)
        if cls is None:
            cls = self._classes[key] = type("FuzzFailure", (FuzzFailure,), {})
        failure = cls(findings, self.trace[:length], self.source)
        known = self.found.get(key)
        if known is None or len(failure.sequence) < len(known.sequence):
            self.found[key] = failure
        if self.first_found is None:
            self.first_found = time.monotonic()
        return failure

    def violation(
        self,
        rule: str,
        message: str,
        *,
        path: str = "",
        obj: str | None = None,
        expected: Any = None,
        seen: Any = None,
    ) -> NoReturn:
        """Fail with a finding of a fuzz rule about the last exchange."""
        self.fail([self.finding(rule, message, path=path, obj=obj, expected=expected, seen=seen)])

    def finding(
        self,
        rule: str,
        message: str,
        *,
        path: str = "",
        obj: str | None = None,
        expected: Any = None,
        seen: Any = None,
    ) -> Finding:
        """A finding of a fuzz rule about the last exchange."""
        last = self.trace[-1] if self.trace else None
        route = last.route if last else None
        if obj is None and last is not None:
            obj = _model_name(last, "response")
        return self._fuzz(rule, message, route, path=path, obj=obj, expected=expected, seen=seen)

    def _judge(self, exchange: ApiCall, expect: Expect, invalid: Invalid | None) -> list[Finding]:
        route = exchange.route
        label = f"{exchange.method} {exchange.path}"
        if exchange.status == 0 or exchange.error is not None:
            found = list(exchange.findings)
            found.append(
                self._fuzz(
                    "transport.complete",
                    f"{label}: no complete response ({exchange.error})",
                    route,
                    seen=exchange.error,
                )
            )
            return found
        findings = list(exchange.findings)
        if expect == "invalid":
            findings = [f for f in findings if not _about_request(f, exchange)]
        status = exchange.status
        error = _error_of(exchange)
        if status >= 500:
            findings.append(
                self._fuzz(
                    "server.error",
                    f"{label} answered {status}: {error or 'no error message'}",
                    route,
                    obj=_model_name(exchange, "response"),
                    seen=status,
                )
            )
        elif expect == "valid" and not 200 <= status < 300:
            findings.append(
                self._fuzz(
                    "request.valid-accepted",
                    f"expected a 2xx for a request that keeps every documented rule, saw {status}: "
                    f"{error or 'no error message'}",
                    route,
                    obj=_model_name(exchange, "request"),
                    expected="2xx",
                    seen=status,
                )
            )
        elif expect == "racing" and not 200 <= status < 500:
            pass  # a 5xx is reported above
        elif expect == "gone" and status != 404:
            findings.append(
                self._fuzz(
                    "delete.gone",
                    f"expected 404 for a deleted object, saw {status}",
                    route,
                    obj=_model_name(exchange, "response"),
                    expected=404,
                    seen=status,
                )
            )
        elif expect == "invalid":
            assert invalid is not None
            findings += self._rejected(exchange, invalid, route)
        return findings

    def _rejected(self, exchange: ApiCall, invalid: Invalid, route: str | None) -> list[Finding]:
        status = exchange.status
        if status != 400:
            return [
                self._fuzz(
                    "request.invalid-rejected",
                    f"expected 400 for a request that breaks {invalid.rule} at '{invalid.param}', "
                    f"saw {status}",
                    route,
                    obj=_model_name(exchange, "request", invalid.param),
                    path=invalid.param,
                    expected=400,
                    seen=status,
                )
            ]
        body = exchange.json()
        error = body.get("error") if isinstance(body, dict) else None
        named = error.get("param") if isinstance(error, dict) else None
        if isinstance(named, str) and names(
            named, invalid.param, discriminator=invalid.rule in ("enum", "missing")
        ):
            return []
        return [
            self._fuzz(
                "error.names-param",
                f"the 400 for {invalid.rule} at '{invalid.param}' names param {named!r}: expected "
                f"'{invalid.param}' or a parameter enclosing it",
                route,
                path="error.param",
                obj="ErrorResponse",
                expected=invalid.param,
                seen=named,
            )
        ]

    def _fuzz(
        self,
        rule: str,
        message: str,
        route: str | None,
        *,
        path: str = "",
        obj: str | None = None,
        expected: Any = None,
        seen: Any = None,
    ) -> Finding:
        return Finding(
            kind=rule_kind(rule),
            severity="violation",
            message=message,
            route=route,
            object=obj,
            path=path,
            rule=rule,
            expected=expected,
            seen=seen,
        )


_DEFERRABLE = frozenset({"request.valid-accepted", "server.error"})


def _deferrable(finding: Finding) -> bool:
    """Whether an example can go on after ``finding`` (the answer is wrong, the state still known)."""
    return finding.rule is None or finding.kind == "grammar" or finding.rule in _DEFERRABLE


def signature(finding: Finding) -> tuple[Any, ...]:
    """What tells two failures apart: kind, rule, route and the place, list positions left out."""
    from harness.verify import canonical_place

    return (finding.kind, finding.rule, finding.route, *canonical_place(finding.object or "", finding.path))


def _about_request(finding: Finding, exchange: ApiCall) -> bool:
    """Whether a contract finding is about the request (which an invalid request breaks on purpose)."""
    matched = match_route(exchange.method, exchange.path)
    if matched is None:
        return False
    route = matched[0]
    names = {"query"}
    for model in (route.request_model, route.query_model):
        if model is not None:
            names.add(model.__name__)
    return finding.object in names


def _model_name(exchange: ApiCall, part: Literal["request", "response"], param: str = "") -> str | None:
    """The contract model of an exchange's request (the body's, or the query's for a query parameter)
    or of its response."""
    matched = match_route(exchange.method, exchange.path)
    if matched is None:
        return None
    route = matched[0]
    if part == "response":
        return route.response_model.__name__ if route.response_model else None
    body, query = route.request_model, route.query_model
    field = _parts(param)[0] if param else ""
    if query is not None and (body is None or (field and field not in body.model_fields)):
        return query.__name__
    return body.__name__ if body is not None else None


def _error_of(exchange: ApiCall) -> str | None:
    body = exchange.json()
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
        return str(message)[:200] if message is not None else None
    return None


def _parts(param: str) -> list[str]:
    return [part for part in param.replace("[", ".").replace("]", "").split(".") if part]


def names(seen: str, expected: str, *, discriminator: bool = False) -> bool:
    """Whether the error's ``param`` names ``expected`` or a parameter enclosing it (or inside it).

    With ``discriminator`` (a ``type`` field missing or of an unknown value), any field of the same object
    counts: an object of an unknown type has no known fields.
    """
    seen_parts, expected_parts = _parts(seen), _parts(expected)
    if not seen_parts:
        return False
    if discriminator and expected_parts[-1] == "type" and seen_parts[:-1] == expected_parts[:-1]:
        return True
    shorter = min(len(seen_parts), len(expected_parts))
    return seen_parts[:shorter] == expected_parts[:shorter]
