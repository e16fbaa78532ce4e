"""The pytest plugin: options, the ``cassette`` marker and fixtures. The work happens in the library.

Configuration precedence: command line > ``@pytest.mark.cassette`` keyword > ini option > default.
Per-test state (the active recorder, the call outcome) lives in ``item.stash``; session state (the
embedded server used as the default recording target, the drift seen) in :class:`HarnessSession`, a
registered plugin.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import os
import re
import warnings
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from harness._errors import ContractViolation, HarnessError

if TYPE_CHECKING:
    import openai

    from harness._findings import Finding
    from harness.recording import Cassette, Recorder, RecorderConfig
    from harness.server import RunningServer
    from harness.verify import Baseline

from harness.snapshots._pytest import assistants_snapshot, stream_snapshot

__all__ = ["assistants_snapshot", "stream_snapshot"]

_RECORDER: pytest.StashKey[Recorder] = pytest.StashKey()
RecorderT = TypeVar("RecorderT", bound="Recorder")
_PASSED: pytest.StashKey[bool] = pytest.StashKey()
_PLACEHOLDER_KEY = "harness-placeholder-key"
"""``OPENAI_API_KEY`` while pytest runs, when it is unset: clients can be built (at import time too); in
replay the key goes nowhere, when recording against the embedded server it is not checked."""
_KEY_PLACED: pytest.StashKey[bool] = pytest.StashKey()

_SDK_DEPRECATION_MESSAGE = r"(deprecated|The Assistants API is deprecated in favor of the Responses API)$"
SDK_DEPRECATION_FILTER = f"ignore:{_SDK_DEPRECATION_MESSAGE}:DeprecationWarning"
"""The openai SDK warns on every Assistants call; the plugin silences exactly that warning, no other."""

_OPTIONS: tuple[tuple[str, str, str, str], ...] = (
    # (command-line flag, ini name, default, help)
    (
        "--record-mode",
        "record_mode",
        "none",
        "How cassettes treat the network: none (replay only, default), once, new_episodes, all, rewrite.",
    ),
    ("--cassette-dir", "cassette_dir", "cassettes", "Folder of cassettes, relative to the rootdir."),
    (
        "--cassette-unused",
        "cassette_unused",
        "warn",
        "Recorded interactions a test never played: ignore, warn (default) or fail.",
    ),
    (
        "--contracts",
        "contracts",
        "tolerant",
        "Check traffic against the contracts: off, tolerant (violations fail, default) or strict "
        "(drift fails too).",
    ),
    (
        "--record-timeout",
        "record_timeout",
        "60",
        "Seconds a request being recorded may wait for a byte from the server before it fails (default 60).",
    ),
)


DEFAULT_DRIFT_BASELINE = "contracts/drift-baseline.yaml"


class CassetteUnusedWarning(UserWarning):
    """A test left recorded interactions unplayed (``--cassette-unused=warn``)."""


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """Register the ``harness`` option group and its ini options (and decide who handles ``vcr``)."""
    from harness._pytest_recording import claim_vcr_markers

    group = parser.getgroup("harness", "assistants-harness: record/replay and contracts")
    # pytest-recording, when it handles vcr markers, registers --record-mode itself (same dest).
    recording_options = claim_vcr_markers(parser, pluginmanager)
    for flag, ini, default, help_text in _OPTIONS:
        if not (recording_options and flag == "--record-mode"):
            help_line = f"{help_text} (ini: {ini})"
            group.addoption(flag, dest=ini, default=None, metavar=ini.upper(), help=help_line)
        parser.addini(ini, help=help_text, default=default)
    parser.addini(
        "drift_baseline",
        default=DEFAULT_DRIFT_BASELINE,
        help="The project's drift baseline, relative to the rootdir, added to the built-in one "
        f"(default: {DEFAULT_DRIFT_BASELINE}, when it exists).",
    )
    parser.addini(
        "cassette_redact_headers",
        type="linelist",
        default=[],
        help="Extra header names whose values are scrubbed from cassettes.",
    )
    parser.addini(
        "cassette_redact_patterns",
        type="linelist",
        default=[],
        help="Extra regular expressions scrubbed from header, query and body values.",
    )
    parser.addini(
        "cassette_redact_json_paths",
        type="linelist",
        default=[],
        help="Extra dotted JSON paths ('*' for any key) scrubbed from request and response bodies.",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Give ``OPENAI_API_KEY`` a placeholder before any conftest or application module is imported."""
    _place_key(early_config)


def _place_key(config: pytest.Config) -> None:
    """Set ``OPENAI_API_KEY`` to :data:`_PLACEHOLDER_KEY` when it is unset, so that a client the code
    under test builds at import time (``client = OpenAI()`` in a module) can be built; undone at
    unconfigure. A real key, when set, is left alone."""
    if not os.environ.get("OPENAI_API_KEY"):
        os.environ["OPENAI_API_KEY"] = _PLACEHOLDER_KEY
        config.stash[_KEY_PLACED] = True


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, validate options eagerly and register the session state."""
    config.addinivalue_line(
        "markers",
        "cassette(path=None, *, record_mode=None, unused=None, contracts=None, record_timeout=None): "
        "record/replay this test's HTTP traffic in a cassette (default: <cassette_dir>/<test file, "
        "relative to the rootdir, without .py>/<Class>.<test name>.yaml).",
    )
    _place_key(config)
    from harness.recording._config import (
        parse_contracts_mode,
        parse_record_mode,
        parse_record_timeout,
        parse_unused_policy,
    )

    try:
        parse_record_mode(_setting(config, "record_mode"), "--record-mode")
        parse_unused_policy(_setting(config, "cassette_unused"), "--cassette-unused")
        parse_contracts_mode(_setting(config, "contracts"), "--contracts")
        parse_record_timeout(_setting(config, "record_timeout"), "--record-timeout")
    except HarnessError as error:
        raise pytest.UsageError(str(error)) from None
    config.addinivalue_line("filterwarnings", SDK_DEPRECATION_FILTER)
    config.pluginmanager.register(HarnessSession(config), "harness-session")


def _setting(config: pytest.Config, name: str) -> str:
    value = config.getoption(name, default=None)
    return str(value) if value is not None else str(config.getini(name))


@dataclass
class _DriftGroup:
    """One kind of drift seen in the session: where, how often, and whether the baseline accepts it."""

    accepted: bool
    count: int = 0
    cassettes: dict[str, int] = field(default_factory=dict)


class HarnessSession:
    """Session state: the embedded server that recording targets when ``OPENAI_BASE_URL`` is unset,
    the drift baseline, and the drift every test saw (reported in the terminal summary)."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._server: RunningServer | None = None
        self._server_context: Any = None
        self._baseline: Baseline | None = None
        self.drift: dict[tuple[str, str, str, str], _DriftGroup] = {}
        self._cassette_locks: Any = None

    def cassette_locks(self) -> Any:
        """The recording locks of this session, held until it ends (see ``harness.recording._locks``)."""
        if self._cassette_locks is None:
            from harness.recording._locks import CassetteLocks

            self._cassette_locks = CassetteLocks()
        return self._cassette_locks

    # -- the recording target ------------------------------------------------------------------

    def embedded_server_for(self, nodeid: str) -> str:
        """The embedded server's base URL, its state reset for the test ``nodeid`` (ids and clock
        seeded with it): a recording depends on the test alone, and is the same every time."""
        if self._server is None:
            from harness._extras import MissingExtraError

            try:
                from harness.server import serve_in_thread
            except MissingExtraError as error:
                raise MissingExtraError(
                    f"recording {nodeid} sends its traffic to the embedded Assistants server, which is not "
                    f"installed: {error}. Or point the client at another Assistants-compatible server "
                    "(OPENAI_BASE_URL)."
                ) from None
            self._server_context = serve_in_thread()
            self._server = self._server_context.__enter__()
        assert self._server is not None
        self._server.reset(nodeid)
        return self._server.base_url

    # -- the drift baseline ----------------------------------------------------------------------

    def baseline(self) -> Baseline:
        """The built-in drift baseline plus the project's (ini ``drift_baseline``), read once."""
        if self._baseline is None:
            from harness.verify import load_baseline

            name = str(self.config.getini("drift_baseline") or DEFAULT_DRIFT_BASELINE)
            path = Path(name)
            if not path.is_absolute():
                path = self.config.rootpath / path
            baseline = load_baseline(path, required=name != DEFAULT_DRIFT_BASELINE)
            if baseline.source is not None and baseline.source.is_relative_to(self.config.rootpath):
                baseline = dataclasses.replace(baseline, source=path.relative_to(self.config.rootpath))
            self._baseline = baseline
        return self._baseline

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Collect the drift a test saw (xdist ships it from the workers with the report)."""
        for item in getattr(report, "harness_drift", None) or ():
            key = (item["kind"], item["object"], item["path"], item["rule"])
            group = self.drift.setdefault(key, _DriftGroup(accepted=bool(item["accepted"])))
            group.count += 1
            group.cassettes[item["cassette"]] = group.cassettes.get(item["cassette"], 0) + 1

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """The ``contract drift`` section: drift by kind and path, with counts and cassettes."""
        if not self.drift:
            return
        lines = drift_summary(
            self.drift,
            strict=_setting(self.config, "contracts") == "strict",
            baseline=self._describe_baseline(),
            verbose=self.config.get_verbosity() > 0,
        )
        terminalreporter.write_sep("=", "contract drift (assistants-harness)")
        for line in lines:
            terminalreporter.write_line(line)

    def _describe_baseline(self) -> str:
        try:
            return self.baseline().describe()  # under xdist, the controller has not read it yet
        except HarnessError:
            return "built-in"

    def pytest_unconfigure(self) -> None:
        """Stop the embedded server, if one was started, release the recording locks and take back the
        placeholder key."""
        if self._cassette_locks is not None:
            self._cassette_locks.release_all()
        if self._server_context is not None:
            self._server_context.__exit__(None, None, None)
            self._server_context = None
        if self.config.stash.get(_KEY_PLACED, False) and os.environ.get("OPENAI_API_KEY") == _PLACEHOLDER_KEY:
            del os.environ["OPENAI_API_KEY"]


def drift_summary(
    drift: dict[tuple[str, str, str, str], _DriftGroup],
    *,
    strict: bool,
    baseline: str = "built-in",
    verbose: bool = False,
) -> list[str]:
    """The lines of the drift section: a headline, then each kind of drift (new drift first) with its
    count and cassettes; new drift (and with ``-v`` all drift) lists every cassette."""
    total = sum(group.count for group in drift.values())
    cassettes = {name for group in drift.values() for name in group.cassettes}
    new = sum(group.count for group in drift.values() if not group.accepted)
    if strict:
        verdict = f"{new} of them not in the baseline ({baseline}); with --contracts=strict all drift fails"
    elif new:
        verdict = f"{new} new: not in the baseline ({baseline}), which fails the test"
    else:
        verdict = f"all accepted by the baseline ({baseline})"
    lines = [f"{_count(total, 'drift finding')} in {_count(len(cassettes), 'cassette')}, {verdict}"]
    rows = sorted(drift.items(), key=lambda row: (row[1].accepted, row[0]))
    kind_width = max(len(kind) for kind, _, _, _ in drift)
    what_width = max(len(_drift_place(obj, path, rule)) for _, obj, path, rule in drift)
    for (kind, obj, path, rule), group in rows:
        state = "accepted" if group.accepted else "new"
        names = sorted(group.cassettes)
        files = _count(len(names), "cassette")
        head = f"  {state:<8}  {kind:<{kind_width}}  {_drift_place(obj, path, rule):<{what_width}}"
        if group.accepted and not verbose:
            lines.append(f"{head}  {group.count:>4}x in {files}, e.g. {names[0]}")
            continue
        lines.append(f"{head}  {group.count:>4}x in {files}:")
        lines.extend(f"      {name} ({group.cassettes[name]}x)" for name in names)
    return lines


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _drift_place(obj: str, path: str, rule: str) -> str:
    return ".".join(part for part in (obj, path) if part) + (f" [{rule}]" if rule else "")


def _session(config: pytest.Config) -> HarnessSession:
    session = config.pluginmanager.get_plugin("harness-session")
    assert isinstance(session, HarnessSession)
    return session


_UNSAFE = re.compile(r"[^\w.\-\[\]]+")
_LONGEST_NAME = 150


def _safe_name(name: str) -> str:
    """``name`` as a file name: unsafe characters as ``_``; when that changed the name (or it was too
    long), a digest of the original follows, so two names never become one file."""
    safe = _UNSAFE.sub("_", name) or "_"
    if safe == name and len(safe) <= _LONGEST_NAME:
        return safe
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{safe[:_LONGEST_NAME]}-{digest}"


def default_cassette_path(item: pytest.Item, cassette_dir: Path) -> Path:
    """``<cassette_dir>/<test file relative to the rootdir, without .py>/<Class>.<test name>.yaml``.

    Parametrize ids are part of the test name; characters a file name should not hold become ``_``,
    with a digest of the original name added, so two tests of a session never share a default path.
    """
    path = item.path
    try:
        relative = path.relative_to(item.config.rootpath)
    except ValueError:
        relative = Path(path.name)
    folder = [_safe_name(part) for part in relative.with_suffix("").parts if part not in ("", ".", "..")]
    classes = [node.name for node in item.listchain() if isinstance(node, pytest.Class)]
    name = _safe_name(".".join([*classes, item.name]))
    return cassette_dir.joinpath(*folder, f"{name}.yaml")


def _cassette_path(item: pytest.Item, marker: pytest.Mark | None) -> Path:
    base = Path(_setting(item.config, "cassette_dir"))
    if not base.is_absolute():
        base = item.config.rootpath / base
    explicit = (marker.args[0] if marker and marker.args else None) or (
        marker.kwargs.get("path") if marker else None
    )
    if explicit:
        path = Path(explicit)
        return path if path.is_absolute() else base / path
    return default_cassette_path(item, base)


def resolve_config(item: pytest.Item) -> RecorderConfig:
    """The recorder configuration of ``item``: command line > marker > ini > default."""
    from harness.recording import RecorderConfig, RedactionRules
    from harness.recording._config import (
        parse_contracts_mode,
        parse_record_mode,
        parse_record_timeout,
        parse_unused_policy,
    )

    config = item.config
    marker = item.get_closest_marker("cassette")
    marker_kwargs = dict(marker.kwargs) if marker else {}
    unknown = set(marker_kwargs) - {"path", "record_mode", "unused", "contracts", "record_timeout"}
    if unknown:
        raise HarnessError(
            f"@pytest.mark.cassette got unknown keyword(s) {sorted(unknown)}; "
            "accepted: path, record_mode, unused, contracts, record_timeout"
        )

    def pick(name: str, marker_name: str) -> str:
        value = config.getoption(name, default=None)
        if value is not None:
            return str(value)
        if marker_kwargs.get(marker_name) is not None:
            return str(marker_kwargs[marker_name])
        return str(config.getini(name))

    path = _cassette_path(item, marker)
    return RecorderConfig(
        path=path,
        record_mode=parse_record_mode(pick("record_mode", "record_mode"), "record_mode"),
        unused=parse_unused_policy(pick("cassette_unused", "unused"), "cassette_unused"),
        contracts=parse_contracts_mode(pick("contracts", "contracts"), "contracts"),
        redaction=RedactionRules(
            headers=tuple(config.getini("cassette_redact_headers")),
            patterns=tuple(config.getini("cassette_redact_patterns")),
            json_paths=tuple(config.getini("cassette_redact_json_paths")),
        ),
        rerecord_hint=f"pytest '{item.nodeid}' --record-mode={'rewrite' if path.exists() else 'once'}",
        record_timeout=parse_record_timeout(pick("record_timeout", "record_timeout"), "record_timeout"),
        owner=item.nodeid,
    )


@pytest.fixture(autouse=True)
def _harness_cassette_marker(request: pytest.FixtureRequest) -> None:
    """Activates the ``cassette`` fixture for tests marked ``@pytest.mark.cassette``; does nothing else."""
    if request.node.get_closest_marker("cassette") is not None:
        request.getfixturevalue("cassette")


@pytest.fixture
def cassette(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cassette]:
    """The active cassette: every httpx/httpx2 request of this test is replayed from it or recorded into it.

    The value is a :class:`harness.recording.Cassette`: ``.path``, ``.interactions`` (each with its
    ``request``, ``response`` and ``plays``), ``.played``, ``.unused`` and ``.recorded``.
    In replay no real API key is needed; when recording and ``OPENAI_BASE_URL`` is unset, requests for
    the hosted API (``https://api.openai.com``, the SDK's default) go to the embedded Assistants
    server, freshly reset for this test, and are stored under the hosted API's URL.
    """
    from harness.recording import Recorder

    item = request.node
    with active_recorder(
        item,
        monkeypatch,
        lambda: Recorder(
            resolve_config(item), check=_checker(), locks=_session(item.config).cassette_locks()
        ),
    ) as recorder:
        assert recorder.cassette is not None
        yield recorder.cassette


@contextlib.contextmanager
def active_recorder(
    item: pytest.Item,
    monkeypatch: pytest.MonkeyPatch,
    make: Callable[[], RecorderT],
    allowed_hosts: tuple[str, ...] = (),
) -> Iterator[RecorderT]:
    """The life of one test's recorder, for the ``cassette`` and ``vcr`` fixtures alike.

    ``make`` builds it (a usage problem fails the test with the harness's message); recording without
    ``OPENAI_BASE_URL`` goes to the embedded server, reset for this test; in replay, connections to
    hosts other than loopback and ``allowed_hosts`` are refused; at the end the cassette is saved (under
    its name only if the test passed) and the teardown report says where a failed recording went.
    """
    session = _session(item.config)
    problem: str | None = None
    with contextlib.ExitStack() as stack:
        try:
            recorder = make()
            session.baseline()  # a broken baseline file fails before any traffic
            if recorder.config.record_mode != "none" and not os.environ.get("OPENAI_BASE_URL"):
                from harness.recording._target import route_default_api

                stack.enter_context(route_default_api(lambda: session.embedded_server_for(item.nodeid)))
            recorder.__enter__()
        except HarnessError as error:
            problem = str(error)
        if problem is not None:
            pytest.fail(problem, pytrace=False)
        cassette = recorder.cassette
        assert cassette is not None
        if not os.environ.get("OPENAI_API_KEY"):
            monkeypatch.setenv("OPENAI_API_KEY", _PLACEHOLDER_KEY)
        active: Recorder = recorder
        item.stash[_RECORDER] = active
        from harness._pytest_recording import replay_guard

        try:
            with replay_guard(item, cassette, extra_allowed=allowed_hosts):
                yield recorder
        finally:
            recorder.__exit__(None, None, None)
            _report_saved(item, recorder, cassette)


def _report_saved(item: pytest.Item, recorder: Recorder, cassette: Cassette) -> None:
    """Save the cassette (under its name only if the test passed) and say where a failed recording went."""
    for note in recorder.notes:
        item.add_report_section("teardown", "harness", note)
    try:
        written = recorder.save(passed=item.stash.get(_PASSED, False))
    except HarnessError as error:
        pytest.fail(str(error), pytrace=False)
    if written is not None and written != cassette.path:
        kept = (
            f"{cassette.path} was kept"
            if cassette.existed
            else f"{cassette.path} was not written (the next --record-mode=once run records again)"
        )
        item.add_report_section(
            "teardown", "harness", f"the test failed, so {kept}; the new recording is in {written}"
        )


def _checker() -> Any:
    """The contract check of every response (imported on first use: it loads the contract checks)."""
    from harness.verify._exchange import check_exchange

    return check_exchange


@pytest.fixture
def assistants_server() -> Iterator[str]:
    """Base URL of a fresh embedded Assistants-compatible server, e.g. ``"http://127.0.0.1:PORT/v1"``.

    The server runs uvicorn on a free port of 127.0.0.1 for the duration of the test, with seed 0, the
    deterministic clock and no API key check. Give the URL to the SDK unchanged::

        def test_assistant(assistants_server):
            client = openai.OpenAI(base_url=assistants_server, api_key="test")
            assistant = client.beta.assistants.create(model="gpt-4o")
    """
    from harness.server import serve_in_thread

    with serve_in_thread() as server:
        yield server.base_url


@pytest.fixture
def openai_client(cassette: Cassette) -> Iterator[openai.OpenAI]:
    """An ``openai.OpenAI`` client whose traffic goes through the active cassette.

    It points at ``OPENAI_BASE_URL`` when set (when recording without it: the embedded server) and
    needs no real key in replay.
    """
    import openai

    client = openai.OpenAI()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def async_openai_client(cassette: Cassette) -> Iterator[openai.AsyncOpenAI]:
    """An ``openai.AsyncOpenAI`` client whose traffic goes through the active cassette (see
    ``openai_client``).

    A plain (sync) fixture, so it serves every async runner alike: pytest-asyncio in strict or auto
    mode, anyio's plugin, or a sync test that runs its own loop (``asyncio.run``). Its connections are
    not kept alive between requests, so no connection outlives the loop that opened it, and closing
    it at teardown needs no loop of the test's.
    """
    import openai

    limits = type(openai.DEFAULT_CONNECTION_LIMITS)(max_connections=100, max_keepalive_connections=0)
    client = openai.AsyncOpenAI(http_client=openai.DefaultAsyncHttpxClient(limits=limits))
    try:
        yield client
    finally:
        _close_async_client(client)


_CLOSING: set[asyncio.Task[None]] = set()


def _close_async_client(client: openai.AsyncOpenAI) -> None:
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(client.close())  # a short-lived loop of its own: the pool holds no connection
    else:  # pragma: no cover - a runner that tears sync fixtures down inside its loop
        task = loop.create_task(client.close())
        _CLOSING.add(task)
        task.add_done_callback(_CLOSING.discard)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    """Silence the SDK's Assistants ``DeprecationWarning`` (that one only) around the whole test.

    Filters given with ``-W`` take precedence over ini ``filterwarnings``, so ``pytest -W error``
    would otherwise turn every Assistants call into a failure. pytest's own warning capture wraps this
    hook, so the filter added here comes first; every other warning is left as configured.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_SDK_DEPRECATION_MESSAGE, category=DeprecationWarning)
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Turn what the recorder saw into the test's outcome: unmatched requests, contract findings
    (violations, and drift the baseline lacks), unused interactions."""
    __tracebackhide__ = True
    try:
        yield
    except BaseException as error:
        recorder = item.stash.get(_RECORDER, None)
        explained = recorder.explain(error) if recorder is not None else None
        if explained is not None:
            raise explained from None  # the harness's message, without the SDK's and httpx's frames
        raise
    recorder = item.stash.get(_RECORDER, None)
    if recorder is None:
        return
    if recorder.errors:
        raise recorder.errors[0].with_traceback(None) from None
    baseline = _session(item.config).baseline()
    failing = failing_findings(recorder.findings, recorder.config.contracts, baseline)
    if failing:
        from harness._findings import format_findings

        new_drift = [f for f in failing if f.severity == "drift"]
        hint = (
            f"\nThis drift is not in the drift baseline ({baseline.describe()}). If it is the API's and "
            f"expected, accept it: `harness verify {_setting(item.config, 'cassette_dir')} "
            "--update-baseline` (all your cassettes: the file is rewritten from what they show), then "
            "write a reason for each new entry."
            if new_drift and recorder.config.contracts == "tolerant"
            else ""
        )
        raise ContractViolation(
            f"traffic in {recorder.config.path} breaks the contracts "
            f"(--contracts={recorder.config.contracts}):\n{format_findings(failing)}{hint}",
            failing,
        )
    unused = recorder.cassette.unused if recorder.cassette else []
    if unused and recorder.config.unused != "ignore":
        interactions = recorder.cassette.interactions if recorder.cassette else []
        lines = "\n".join(f"  #{interactions.index(i)} {i.key.describe()}" for i in unused)
        message = (
            f"{len(unused)} recorded interaction(s) in {recorder.config.path} were never played:\n{lines}\n"
            "Re-record the cassette (--record-mode=rewrite) or set --cassette-unused=ignore."
        )
        if recorder.config.unused == "fail":
            raise AssertionError(message)
        item.warn(CassetteUnusedWarning(message))


def failing_findings(findings: list[Finding], mode: str, baseline: Baseline) -> list[Finding]:
    """The findings that fail a test, as ``harness verify`` decides: ``off`` none; ``tolerant``
    violations and drift the baseline does not accept; ``strict`` every finding."""
    if mode == "off":
        return []
    if mode == "strict":
        return list(findings)
    return [f for f in findings if f.severity == "violation" or not baseline.accepts(f)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether the test body passed, so a failed recording never replaces a good cassette;
    attach the drift the test saw to its teardown report, for the terminal summary."""
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[_PASSED] = report.passed
    elif report.when == "teardown":
        recorder = item.stash.get(_RECORDER, None)
        if recorder is not None:
            # pytest keeps every item until the session ends: holding on to the recorder would keep
            # every cassette's interactions alive, and each garbage collection would walk them all.
            del item.stash[_RECORDER]
            if recorder.findings:
                drift = _drift_records(item, recorder)
                if drift:
                    report.harness_drift = drift  # type: ignore[attr-defined]
    return report


def _drift_records(item: pytest.Item, recorder: Recorder) -> list[dict[str, Any]]:
    """The test's drift findings as plain data (xdist sends reports between processes as JSON)."""
    from harness.verify import baseline_key

    baseline = _session(item.config).baseline()
    try:
        cassette = recorder.config.path.relative_to(item.config.rootpath).as_posix()
    except ValueError:
        cassette = recorder.config.path.as_posix()
    records = []
    for finding in recorder.findings:
        if finding.severity != "drift":
            continue
        kind, obj, path, rule = baseline_key(finding)
        records.append(
            {
                "kind": kind,
                "object": obj,
                "path": path,
                "rule": rule,
                "cassette": cassette,
                "accepted": baseline.accepts(finding),
            }
        )
    return records
