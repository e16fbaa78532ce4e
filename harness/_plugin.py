"""The pytest plugin: options, the ``cassette`` marker and fixtures. The work happens in the library.

Configuration precedence: command line > ``@pytest.mark.cassette`` keyword > ini option > default.
Per-test state (the active recorder, the call outcome) lives in ``item.stash``; session state (the
embedded server used as the default recording target) in :class:`HarnessSession`, a registered plugin.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness._errors import ContractViolation, HarnessError

if TYPE_CHECKING:
    import openai

    from harness.recording import Cassette, Recorder, RecorderConfig

from harness.snapshots._pytest import assistants_snapshot, stream_snapshot

__all__ = ["assistants_snapshot", "stream_snapshot"]

_RECORDER: pytest.StashKey[Recorder] = pytest.StashKey()
_PASSED: pytest.StashKey[bool] = pytest.StashKey()
_REPLAY_KEY = "harness-replay-key"

SDK_DEPRECATION_FILTER = (
    "ignore:(deprecated|The Assistants API is deprecated in favor of the Responses API)$:DeprecationWarning"
)
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


class CassetteUnusedWarning(UserWarning):
    """A test left recorded interactions unplayed (``--cassette-unused=warn``)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ``harness`` option group and its ini options."""
    group = parser.getgroup("harness", "assistants-harness: record/replay and contracts")
    for flag, ini, default, help_text in _OPTIONS:
        group.addoption(flag, dest=ini, default=None, metavar=ini.upper(), help=f"{help_text} (ini: {ini})")
        parser.addini(ini, help=help_text, default=default)
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


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, validate options eagerly and register the session state."""
    config.addinivalue_line(
        "markers",
        "cassette(path=None, *, record_mode=None, unused=None, contracts=None, record_timeout=None): "
        "record/replay this "
        "test's HTTP traffic in a cassette (default: <cassette_dir>/<test module>/<test name>.yaml).",
    )
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


class HarnessSession:
    """Session state: the embedded server that recording targets when ``OPENAI_BASE_URL`` is unset."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._server: Any = None
        self._server_context: Any = None
        self._cassette_locks: Any = None

    def cassette_locks(self) -> Any:
        """The recording locks of this session, held until it ends (see ``harness.recording._locks``)."""
        if self._cassette_locks is None:
            from harness.recording._locks import CassetteLocks

            self._cassette_locks = CassetteLocks()
        return self._cassette_locks

    def recording_base_url(self) -> str:
        """Where recording sends traffic: ``OPENAI_BASE_URL``, else an embedded server started now."""
        configured = os.environ.get("OPENAI_BASE_URL")
        if configured:
            return configured
        if self._server is None:
            from harness.server import serve_in_thread

            self._server_context = serve_in_thread()
            self._server = self._server_context.__enter__()
        return str(self._server.base_url)

    def pytest_unconfigure(self) -> None:
        """Stop the embedded server, if one was started, and release the recording locks."""
        if self._cassette_locks is not None:
            self._cassette_locks.release_all()
        if self._server_context is not None:
            self._server_context.__exit__(None, None, None)
            self._server_context = None


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
    module = item.path.stem if item.path else "tests"
    name = re.sub(r"[^\w.\-\[\]]+", "_", item.name).strip("_") or "test"
    return base / module / f"{name}.yaml"


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
    In replay no real API key is needed; when recording and ``OPENAI_BASE_URL`` is unset, the traffic
    goes to the embedded Assistants server.
    """
    from harness.recording import Recorder

    item = request.node
    session: HarnessSession = item.config.pluginmanager.get_plugin("harness-session")
    problem: str | None = None
    try:
        recorder = Recorder(resolve_config(item), check=_checker(), locks=session.cassette_locks())
        recorder.__enter__()
    except HarnessError as error:
        problem = str(error)
    if problem is not None:
        pytest.fail(problem, pytrace=False)
    cassette = recorder.cassette
    assert cassette is not None
    if cassette.replay_only:
        if not os.environ.get("OPENAI_API_KEY"):
            monkeypatch.setenv("OPENAI_API_KEY", _REPLAY_KEY)
    else:
        monkeypatch.setenv("OPENAI_BASE_URL", session.recording_base_url())
        if not os.environ.get("OPENAI_API_KEY"):
            monkeypatch.setenv("OPENAI_API_KEY", _REPLAY_KEY)
    item.stash[_RECORDER] = recorder
    try:
        yield cassette
    finally:
        recorder.__exit__(None, None, None)
        for note in recorder.notes:
            item.add_report_section("teardown", "harness", note)
        try:
            written = recorder.save(passed=item.stash.get(_PASSED, False))
        except HarnessError as error:
            problem = str(error)
        if problem is not None:
            pytest.fail(problem, pytrace=False)
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
    try:
        from harness.verify import check_exchange
    except ImportError:  # pragma: no cover - verify is part of the package
        return None
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

    client = openai.OpenAI(base_url=os.environ.get("OPENAI_BASE_URL") or None)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
async def async_openai_client(cassette: Cassette) -> AsyncIterator[openai.AsyncOpenAI]:
    """An ``openai.AsyncOpenAI`` client whose traffic goes through the active cassette (see
    ``openai_client``). Needs an async test runner such as pytest-asyncio or anyio's plugin."""
    import openai

    client = openai.AsyncOpenAI(base_url=os.environ.get("OPENAI_BASE_URL") or None)
    try:
        yield client
    finally:
        await client.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    """Turn what the recorder saw into the test's outcome: unmatched requests, contract findings,
    unused interactions."""
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
    failing = recorder.failing_findings()
    if failing:
        from harness._findings import format_findings

        raise ContractViolation(
            f"traffic in {recorder.config.path} breaks the contracts "
            f"(--contracts={recorder.config.contracts}):\n{format_findings(failing)}",
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Remember whether the test body passed, so a failed recording never replaces a good cassette."""
    report: pytest.TestReport = yield
    if report.when == "call":
        item.stash[_PASSED] = report.passed
    return report
