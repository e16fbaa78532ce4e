"""Running a fuzz session: the examples phase, the stateful check, and the report.

Every Hypothesis run here has fixed settings, whatever profile is loaded: no example database, no
deadline, no health checks, no explain phase, and the seed given (or drawn once and reported). So a seeded
session sends the same requests every time, and a session recorded into a cassette replays offline.
"""

from __future__ import annotations

import fnmatch
import random
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, cast

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import seed as use_seed
from hypothesis.errors import HypothesisWarning
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from harness._errors import HarnessError
from harness._findings import Finding
from harness.contracts import ROUTES, ContractMode, Route
from harness.fuzz._examples import Fixture, fuzzable, route_test
from harness.fuzz._http import Api, probe
from harness.fuzz._machine import machine_factory
from harness.fuzz._report import FailingCase, FuzzReport
from harness.fuzz._session import FuzzFailure, Session, signature

EMBEDDED = "embedded"
"""The ``base_url`` that starts the embedded server for the session."""

_MODES = ("tolerant", "strict")


def hypothesis_settings(examples: int, steps: int, *, shrink: bool = True) -> settings:
    """The settings of every Hypothesis run of a session (independent of the loaded profile)."""
    phases = (Phase.explicit, Phase.generate, Phase.target) + ((Phase.shrink,) if shrink else ())
    return settings(
        max_examples=examples,
        stateful_step_count=steps,
        database=None,
        deadline=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
        phases=phases,
        report_multiple_bugs=True,
        print_blob=False,
        verbosity=Verbosity.normal,
    )


def select_routes(patterns: Sequence[str] | None) -> list[Route]:
    """The routes named by ``patterns`` (labels, operations, or shell patterns of either).

    Raises:
        HarnessError: A pattern matches no route; the message lists them.
    """
    if not patterns:
        return list(ROUTES)
    chosen: list[Route] = []
    for pattern in patterns:
        wanted = " ".join(pattern.split())
        matched = [
            route
            for route in ROUTES
            if fnmatch.fnmatchcase(route.label, wanted) or fnmatch.fnmatchcase(route.operation, wanted)
        ]
        if not matched:
            known = "\n  ".join(f"{route.label}  ({route.operation})" for route in ROUTES)
            raise HarnessError(
                f"--routes {pattern!r} matches no route: give a route label, an operation or a pattern of "
                f"either (e.g. 'POST /assistants', 'runs.*'); the routes are:\n  {known}"
            )
        chosen += [route for route in matched if route not in chosen]
    return [route for route in ROUTES if route in chosen]


def run_fuzz(
    base_url: str | None = None,
    *,
    api_key: str | None = None,
    routes: Sequence[str] | None = None,
    examples: int = 25,
    seed: int | None = None,
    stateful: bool = False,
    steps: int = 20,
    mode: ContractMode = "tolerant",
    shrink: bool = True,
    timeout: float = 30.0,
) -> FuzzReport:
    """Fuzz an Assistants-compatible server and report what broke, with the shortest reproductions.

    Args:
        base_url: The API root (``http://127.0.0.1:8000/v1``); ``None`` or ``"embedded"`` starts the
            embedded server on 127.0.0.1 for the session.
        api_key: Sent as the bearer key (default ``harness-fuzz``).
        routes: Route labels, operations or shell patterns of either (``"POST /assistants"``,
            ``"runs.*"``) to fuzz; default all. The stateful check only makes calls on these routes.
        examples: Examples per route, and runs of the state machine.
        seed: The seed; the same seed sends the same requests (given the same answers). Default: drawn
            at random and recorded in the report.
        stateful: Also run the stateful check.
        steps: Steps per run of the state machine.
        mode: ``tolerant``: violations fail; ``strict``: drift (unknown fields and events) fails too.
        shrink: Shrink each failure to its shortest reproduction (the slow part of a failing session);
            without it, failures are reported as first found.
        timeout: Seconds to wait for each response.

    Returns:
        The report; ``report.exit_code`` is 0 when nothing failed.

    Raises:
        HarnessError: A bad argument, or no Assistants API answers at ``base_url``.
    """
    if examples < 1 or steps < 1:
        raise HarnessError(f"examples and steps must be at least 1, got examples={examples}, steps={steps}")
    if mode not in _MODES:
        raise HarnessError(f"mode must be one of {', '.join(_MODES)}, got {mode!r}")
    selected = select_routes(routes)
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    with _server(base_url) as url:
        api = Api(url, api_key=api_key or "harness-fuzz", timeout=timeout)
        try:
            probe(api)
            run = _Run(
                api, mode=mode, seed=seed, settings=hypothesis_settings(examples, steps, shrink=shrink)
            )
            if stateful:
                run.stateful_phase(None if routes is None else {route.label for route in selected})
            run.examples_phase([route for route in selected if fuzzable(route)])
            run.setup_findings()
        finally:
            api.close()
    return FuzzReport(
        base_url=base_url or EMBEDDED,
        seed=seed,
        examples=examples,
        steps=steps,
        stateful=stateful,
        routes=[route.label for route in selected if fuzzable(route)],
        requests=api.sent,
        events=api.events,
        failures=run.failures,
        drift=list(run.drift.values()),
        selected=list(routes) if routes else None,
        mode=mode,
    )


@contextmanager
def _server(base_url: str | None) -> Iterator[str]:
    if base_url not in (None, EMBEDDED):
        assert base_url is not None
        yield base_url
        return
    from harness.server import serve_in_thread

    with serve_in_thread(seed=0) as server:
        yield server.base_url


class _Run:
    """The state of one session: its client, settings and what it found."""

    def __init__(self, api: Api, *, mode: ContractMode, seed: int, settings: settings) -> None:
        self.api = api
        self.mode = mode
        self.seed = seed
        self.settings = settings
        self.failures: list[FailingCase] = []
        self.seen: dict[tuple[Any, ...], FailingCase] = {}
        self.drift: dict[tuple[Any, ...], Finding] = {}
        self.setup = Session(api, mode=mode, source="setup", contracts="keep")
        self.fixture = Fixture(self.setup)

    def examples_phase(self, routes: list[Route]) -> None:
        for route in routes:
            session = Session(self.api, mode=self.mode, source=f"examples {route.label}")
            try:
                test = route_test(route, session, self.fixture)
            except FuzzFailure as failure:
                self._record([failure])
                continue
            self._hypothesis(test)
            self._collect(session)
        self._collect(self.setup)

    def setup_findings(self) -> None:
        """Report what went wrong while making fixtures (once per kind of failure)."""
        self._record(self.setup.kept)

    def stateful_phase(self, routes: set[str] | None) -> None:
        session = Session(self.api, mode=self.mode, source="stateful", contracts="defer")
        try:
            ids = {
                "file": [self.fixture.get("file_id")],
                "vector_store": [self.fixture.get("vector_store_id")],
            }
        except FuzzFailure as failure:
            self._record([failure])
            return
        factory = use_seed(self.seed)(machine_factory(session, routes, ids))
        machine = cast("type[RuleBasedStateMachine]", factory)  # any callable making a machine will do
        self._run(lambda: run_state_machine_as_test(machine, settings=self.settings))
        self._collect(session)

    def _hypothesis(self, test: Callable[[], None]) -> None:
        wrapped = use_seed(self.seed)(self.settings(test))
        self._run(wrapped)

    def _run(self, call: Callable[[], None]) -> None:
        try:
            with warnings.catch_warnings(), stable_generation():
                # Reprs of drawn requests with strings at their length limit are long; they are cut below.
                warnings.filterwarnings("ignore", "Generating overly large repr", HypothesisWarning)
                call()
        except Exception as error:  # Hypothesis raises an ExceptionGroup for several failures
            failures = list(_failures(error))
            if not failures:
                raise
            self._record(failures)

    def _record(self, failures: list[FuzzFailure]) -> None:
        """Keep each kind of failure once per part of the session (the shortest reproduction of it)."""
        for failure in failures:
            key = (failure.source, signature(failure.findings[0]))
            known = self.seen.get(key)
            if known is not None and len(known.sequence) <= len(failure.sequence):
                continue
            if known is not None:
                self.failures.remove(known)
            program = "\n".join(_cut(line) for line in getattr(failure, "__notes__", []))
            case = FailingCase(failure.source, failure.findings, failure.sequence, program)
            self.failures.append(case)
            self.seen[key] = case

    def _collect(self, session: Session) -> None:
        for key, finding in session.drift.items():
            self.drift.setdefault(key, finding)


@contextmanager
def stable_generation() -> Iterator[None]:
    """Generate from the seed alone while the block runs.

    Hypothesis mixes constants found in the source of the local modules imported so far into what it
    generates, so the same seed would send other requests depending on which modules happen to be loaded
    (a whole test suite, one test file, the CLI, the embedded server imported or not). A session recorded
    into a cassette must send the same requests when it replays, so fuzz sessions leave those constants
    out; so can a test suite whose property tests replay cassettes (see docs/fuzz.md). Should a
    Hypothesis release change these internals, generation is simply left as it is.
    """
    try:
        from hypothesis.internal.conjecture import providers
    except ImportError:  # pragma: no cover - the internals moved
        yield
        return
    original = getattr(providers, "_get_local_constants", None)
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    constants = getattr(providers, "Constants", None)
    if original is None or cache is None or constants is None:  # pragma: no cover - the internals moved
        yield
        return
    empty = constants()
    cache.cache.clear()
    providers._get_local_constants = lambda: empty
    try:
        yield
    finally:
        providers._get_local_constants = original
        cache.cache.clear()


def _cut(line: str, limit: int = 400) -> str:
    return line if len(line) <= limit else f"{line[:limit]}…({len(line)} characters)"


def _failures(error: BaseException) -> Iterator[FuzzFailure]:
    """The fuzz failures inside ``error`` (Hypothesis groups several); re-raises anything else."""
    if isinstance(error, FuzzFailure):
        yield error
        return
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            yield from _failures(inner)
        return
    raise error
