"""Running a fuzz session: the coverage, random and stateful phases, within a time budget, and the report.

Every Hypothesis run here has fixed settings, whatever profile is loaded: no example database, no
deadline, no health checks, no explain phase, and the seed given (or drawn once and reported). So a seeded
session sends the same requests every time, and a session recorded into a cassette replays offline.
"""

from __future__ import annotations

import fnmatch
import random
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Literal, cast

from hypothesis import HealthCheck, Phase, Verbosity, settings
from hypothesis import seed as use_seed
from hypothesis.errors import Flaky, FlakyStrategyDefinition, HypothesisWarning
from hypothesis.reporting import with_reporter
from hypothesis.stateful import RuleBasedStateMachine, run_state_machine_as_test

from harness._errors import HarnessError
from harness._findings import Finding
from harness.contracts import ROUTES, ContractMode, Route
from harness.fuzz._budget import DEFAULT_MAX_TIME, DEFAULT_SHRINK_TIME, Budget, SessionStopped, shrink_budget
from harness.fuzz._coverage import count_cases
from harness.fuzz._examples import ONLY_INVALID, Fixture, coverage_walk, fuzzable, route_test
from harness.fuzz._http import Api, probe
from harness.fuzz._machine import machine_factory
from harness.fuzz._progress import Progress
from harness.fuzz._report import FailingCase, FuzzReport
from harness.fuzz._session import FuzzFailure, Session, signature

EMBEDDED = "embedded"
"""The ``base_url`` that starts the embedded server for the session."""

_MODES = ("tolerant", "strict")

FuzzPhase = Literal["coverage", "random", "stateful"]
PHASES: tuple[FuzzPhase, ...] = ("coverage", "random", "stateful")
"""The phases of a session, by name (``--phases``)."""
_ORDER: tuple[FuzzPhase, ...] = ("stateful", "coverage", "random")
"""The order they run in: the stateful check first, before the other phases fill the lists it pages
through with objects."""


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


def select_phases(phases: Sequence[str] | None, *, stateful: bool) -> tuple[FuzzPhase, ...]:
    """The phases to run, in the order they run.

    Args:
        phases: Names among ``coverage``, ``random`` and ``stateful``; ``None`` for coverage and random,
            and stateful too when ``stateful`` is set.
        stateful: Whether the stateful check runs when ``phases`` is ``None``.

    Raises:
        HarnessError: An unknown phase, or none.
    """
    if phases is None:
        return tuple(name for name in _ORDER if stateful or name != "stateful")
    names = [name.strip() for name in phases if name.strip()]
    unknown = [name for name in names if name not in PHASES]
    if unknown or not names:
        raise HarnessError(
            f"unknown phases {unknown or names!r}: give some of {', '.join(PHASES)} (e.g. coverage,random)"
        )
    return tuple(name for name in _ORDER if name in names)


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
    timeout: float = 10.0,
    phases: Sequence[str] | None = None,
    max_time: float | None = DEFAULT_MAX_TIME,
    shrink_time: float = DEFAULT_SHRINK_TIME,
    workers: int = 1,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> FuzzReport:
    """Fuzz an Assistants-compatible server and report what broke, with the shortest reproductions.

    Args:
        base_url: The API root (``http://127.0.0.1:8000/v1``); ``None`` or ``"embedded"`` starts the
            embedded server on 127.0.0.1 for the session.
        api_key: Sent as the bearer key (default ``harness-fuzz``).
        routes: Route labels, operations or shell patterns of either (``"POST /assistants"``,
            ``"runs.*"``) to fuzz; default all. The stateful check only makes calls on these routes.
        examples: Examples per route in the random phase, and runs of the state machine.
        seed: The seed; the same seed sends the same requests (given the same answers). Default: drawn
            at random and recorded in the report.
        stateful: Also run the stateful check (when ``phases`` is not given).
        steps: Steps per run of the state machine.
        mode: ``tolerant``: violations fail; ``strict``: drift (unknown fields and events) fails too.
        shrink: Shrink each failure to its shortest reproduction (the slow part of a failing session);
            without it, failures are reported as first found.
        timeout: Seconds to wait for each response, and for each event of a stream.
        phases: Which phases run, among ``coverage`` (every documented rule broken once, every limit
            met once), ``random`` (generated examples) and ``stateful``; see :func:`select_phases`.
        max_time: Seconds the whole session may take (``None``: no limit); when they are up, the report
            holds what was found until then and says that the session stopped early.
        shrink_time: Seconds Hypothesis may spend shrinking the failures of one route or of the
            stateful check.
        workers: Routes fuzzed at once (threads); the same seed sends the same requests per route.
        stop: Set it (from a signal handler, another thread) to stop the session: the report then holds
            what was found until then.
        progress: Updated as the session goes (see :func:`harness.fuzz._progress.shown`).

    Returns:
        The report; ``report.exit_code`` is 0 when nothing failed.

    Raises:
        HarnessError: A bad argument, or no Assistants API answers at ``base_url``.
    """
    if examples < 1 or steps < 1 or workers < 1:
        raise HarnessError(
            f"examples, steps and workers must be at least 1, got examples={examples}, steps={steps}, "
            f"workers={workers}"
        )
    if mode not in _MODES:
        raise HarnessError(f"mode must be one of {', '.join(_MODES)}, got {mode!r}")
    if max_time is not None and max_time <= 0:
        raise HarnessError(f"max_time must be a positive number of seconds, got {max_time}")
    chosen = select_phases(phases, stateful=stateful)
    selected = select_routes(routes)
    fuzzed = [route for route in selected if fuzzable(route)]
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    budget = Budget(max_time, stop=stop)
    progress = progress or Progress()
    with _server(base_url) as url:
        api = Api(url, api_key=api_key or "harness-fuzz", timeout=timeout, budget=budget)
        run = _Run(api, mode=mode, seed=seed, settings=hypothesis_settings(examples, steps, shrink=shrink))
        run.workers = workers
        progress.requests = lambda: api.sent
        progress.findings = run.count
        run.progress = progress
        try:
            probe(api)
            with shrink_budget(shrink_time), _quiet(), stable_generation():
                run.phases(chosen, fuzzed, None if routes is None else {route.label for route in selected})
        except SessionStopped as stopped:
            run.stopped = stopped.reason
        finally:
            api.close()
            run.rescue()
    return FuzzReport(
        base_url=base_url or EMBEDDED,
        seed=seed,
        examples=examples,
        steps=steps,
        stateful="stateful" in chosen,
        routes=[route.label for route in fuzzed],
        requests=api.sent,
        events=api.events,
        failures=run.failures,
        drift=list(run.drift.values()),
        selected=list(routes) if routes else None,
        mode=mode,
        phases=list(chosen),
        coverage=dict(run.coverage),
        stopped=run.stopped,
        elapsed=budget.elapsed(),
        first_failure=run.first_failure(budget.started),
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


@contextmanager
def _quiet() -> Iterator[None]:
    """Hypothesis's warnings about long reprs and slow shrinking stay out of the output (the report says
    what was found); the examples are cut short in the report."""
    with warnings.catch_warnings(), with_reporter(lambda _: None):
        warnings.filterwarnings("ignore", "Generating overly large repr", HypothesisWarning)
        yield


class _Run:
    """The state of one session: its client, settings and what it found."""

    def __init__(self, api: Api, *, mode: ContractMode, seed: int, settings: settings) -> None:
        self.api = api
        self.mode = mode
        self.seed = seed
        self.settings = settings
        self.workers = 1
        self.progress = Progress()
        self.failures: list[FailingCase] = []
        self.seen: dict[tuple[Any, ...], FailingCase] = {}
        self.drift: dict[tuple[Any, ...], Finding] = {}
        self.coverage: dict[str, tuple[int, int]] = {}
        """Per route: coverage requests sent, and how many there are (``rules covered N/N``)."""
        self.stopped: str | None = None
        self.sessions: list[Session] = []
        self._lock = threading.Lock()
        self.setup = self._session("setup", contracts="keep")
        self.fixture = Fixture(self.setup)

    def count(self) -> int:
        """Distinct failures found so far, shrunk or not."""
        with self._lock:
            sessions = list(self.sessions)
        return len({(s.source, key) for s in sessions for key in list(s.found)})

    def first_failure(self, started: float) -> float | None:
        """Seconds from ``started`` to the first failure found, if any."""
        times = [s.first_found for s in self.sessions if s.first_found is not None and s.found]
        return min(times) - started if times else None

    def _session(self, source: str, *, contracts: Literal["raise", "defer", "keep"] = "raise") -> Session:
        session = Session(self.api, mode=self.mode, source=source, contracts=contracts)
        with self._lock:
            self.sessions.append(session)
        return session

    def phases(self, chosen: Sequence[FuzzPhase], routes: list[Route], labels: set[str] | None) -> None:
        """Run the ``chosen`` phases in order."""
        for phase in chosen:
            self.progress.phase(phase)
            if phase == "stateful":
                self.stateful_phase(labels)
            else:
                ready = self._prepared(routes)
                check = self._coverage if phase == "coverage" else self._random
                self._each(ready, check)
        self._record(self.setup.kept)

    def _prepared(self, routes: list[Route]) -> list[Route]:
        """The routes whose fixtures could be made (made here, one at a time, before any worker starts)."""
        ready = []
        for route in routes:
            try:
                self.fixture.ids(route)
                self.fixture.params(route)
            except FuzzFailure as failure:
                self._record([failure])
                continue
            ready.append(route)
        return ready

    def _each(self, routes: list[Route], check: Callable[[Route], None]) -> None:
        """``check`` every route, ``workers`` at a time."""
        if self.workers == 1:
            for route in routes:
                check(route)
            return
        with ThreadPoolExecutor(self.workers, thread_name_prefix="harness-fuzz") as pool:
            futures = [pool.submit(self._quietly, check, route) for route in routes]
            stopped: SessionStopped | None = None
            for future in futures:
                try:
                    future.result()
                except SessionStopped as error:
                    stopped = stopped or error
            if stopped is not None:
                raise stopped

    @staticmethod
    def _quietly(check: Callable[[Route], None], route: Route) -> None:
        with with_reporter(lambda _: None):  # Hypothesis's reporter is per thread
            check(route)

    def _coverage(self, route: Route) -> None:
        source = f"coverage {route.label}"
        session = self._session(source)
        valid = route.operation not in ONLY_INVALID
        total = count_cases(route, self.fixture.ids(route), valid=valid)
        self.progress.enter(source)
        try:
            with self._lock:
                self.coverage[route.label] = (0, total)
            for sent in coverage_walk(route, session, self.fixture):
                with self._lock:
                    self.coverage[route.label] = (sent, total)
                self._record(session.failed)
                session.failed.clear()
        finally:
            self.progress.leave(source)
            self._collect(session)

    def _random(self, route: Route) -> None:
        source = f"examples {route.label}"
        session = self._session(source)
        self.progress.enter(source)
        try:
            test = route_test(route, session, self.fixture)
            self._hypothesis(use_seed(self.seed)(self.settings(test)))
        except FuzzFailure as failure:
            self._record([failure])
        finally:
            self.progress.leave(source)
            self._collect(session)

    def stateful_phase(self, routes: set[str] | None) -> None:
        session = self._session("stateful", contracts="defer")
        self.progress.enter("stateful")
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
        try:
            self._hypothesis(lambda: run_state_machine_as_test(machine, settings=self.settings))
        finally:
            self.progress.leave("stateful")
            self._collect(session)

    def _hypothesis(self, call: Callable[[], None]) -> None:
        try:
            call()
        except (Flaky, FlakyStrategyDefinition):
            # The server answered a replayed example differently (its state moved on), so Hypothesis
            # could not go on with this part; what it found so far is reported by :meth:`rescue`.
            return
        except Exception as error:  # Hypothesis raises an ExceptionGroup for several failures
            failures = list(_failures(error))
            if not failures:
                raise
            self._record(failures)

    def rescue(self) -> None:
        """Report each failure that was found but not reported (the session stopped while Hypothesis was
        still at work, or could not reproduce it), at its shortest reproduction so far."""
        for session in self.sessions:
            self._record([f for key, f in session.found.items() if (session.source, key) not in self.seen])

    def _record(self, failures: list[FuzzFailure]) -> None:
        """Keep each kind of failure once per part of the session (the shortest reproduction of it)."""
        with self._lock:
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
        with self._lock:
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
