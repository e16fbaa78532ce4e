"""pytest-recording's surface, served by the harness: ``@pytest.mark.vcr`` suites run unchanged.

The markers (``vcr``, ``default_cassette``, ``block_network``, ``allowed_hosts``), the fixtures
(``vcr``, ``vcr_config``, ``vcr_cassette_dir``, ``default_cassette_name``, ``record_mode``,
``disable_recording``, ``allowed_hosts``, ``vcr_markers``, ``block_network``) and the options
(``--record-mode``, ``--block-network``, ``--allowed-hosts``, ``--disable-recording``) keep
pytest-recording's meaning; the traffic goes through the harness's recorder (instant polls, one SSE
event per chunk, contracts and grammar), see :mod:`harness.recording._vcr_config`.

Who handles ``vcr`` markers is decided once, while options are registered:

- by default the harness: when pytest-recording is installed too, it is blocked (as ``-p no:recording``
  would) so that both never register ``--record-mode``;
- with ``-p no:harness_vcr`` (on the command line or in ``addopts``) pytest-recording, untouched; the
  harness then reads pytest-recording's ``--record-mode`` for its own ``cassette`` marker.

pytest's header says which, and how to change it. Independently of who handles ``vcr``, a test that
replays a cassette refuses socket connections to hosts that are not allowed (:func:`replay_guard`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness._errors import HarnessError

if TYPE_CHECKING:
    from harness.recording import Cassette
    from harness.recording._network import NetworkGuard
    from harness.recording._vcr_config import VcrRecorder, VcrSettings

RECORDING_PLUGIN = "recording"
"""pytest-recording's plugin name (its ``pytest11`` entry point)."""
VCR_PLUGIN = "harness_vcr"
"""The name under which the harness's ``vcr`` handling registers; ``-p no:harness_vcr`` turns it off."""

_GUARD: pytest.StashKey[NetworkGuard] = pytest.StashKey()
_WARNED: pytest.StashKey[set[str]] = pytest.StashKey()
_FORBIDDEN = re.compile(r"[<>?%*:|\"'/\\]")


class VcrConfigWarning(UserWarning):
    """A ``vcr_config`` key (or marker keyword) that the harness cannot honour; it is ignored."""


class RecordingHookspecs:
    """pytest-recording's hook, declared when pytest-recording is not loaded, so conftests that
    implement it still load."""

    @pytest.hookspec
    def pytest_recording_configure(self, config: pytest.Config, vcr: Any) -> None:
        """Called by pytest-recording with its ``vcr.VCR`` object; the harness has none and never calls it."""


# -- who handles the vcr marker ---------------------------------------------------------------------


def _recording_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("pytest-recording")
    except metadata.PackageNotFoundError:
        return None


def _recording_loaded(pluginmanager: pytest.PytestPluginManager) -> bool:
    return any(
        pluginmanager.get_plugin(name) is not None for name in (RECORDING_PLUGIN, "pytest_recording.plugin")
    )


def claim_vcr_markers(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> bool:
    """Decide who handles ``vcr`` markers and register the harness's side of it.

    Called from the harness's ``pytest_addoption``. Returns True when pytest-recording's options
    (``--record-mode`` among them) are or will be registered, so the harness must not register its own.
    """
    loaded = _recording_loaded(pluginmanager)
    installed_version = _recording_version()
    pending = (
        not loaded
        and installed_version is not None
        and not pluginmanager.is_blocked(RECORDING_PLUGIN)
        and not os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    )
    harness_handles = not pluginmanager.is_blocked(VCR_PLUGIN)
    if harness_handles and (loaded or pending):
        # Set aside before it loads, or unregistered if it loaded first: then its options stay (the
        # harness reads them: same names, same destinations) and its fixtures, which pytest may still
        # see, are overridden by the harness's of the same names.
        pluginmanager.set_blocked(RECORDING_PLUGIN)
    recording_options = loaded or (pending and not harness_handles)
    if not hasattr(pluginmanager.hook, "pytest_recording_configure") and not (
        pending and not harness_handles
    ):
        pluginmanager.add_hookspecs(RecordingHookspecs)
    if harness_handles:
        if not recording_options:
            group = parser.getgroup("harness")
            group.addoption(
                "--block-network",
                action="store_true",
                default=False,
                help="Refuse socket connections to hosts other than --allowed-hosts and loopback, except "
                "while a vcr test records (pytest-recording's option).",
            )
            group.addoption(
                "--allowed-hosts",
                default=None,
                metavar="REGEXES",
                help="Comma-separated regular expressions of hosts that may be reached while the network "
                "is blocked or a cassette replays.",
            )
            group.addoption(
                "--disable-recording",
                action="store_true",
                default=False,
                help="Run @pytest.mark.vcr tests without any cassette (pytest-recording's option).",
            )
        pluginmanager.register(sys.modules[__name__], VCR_PLUGIN)
    else:
        pluginmanager.register(_Deferral(loaded or pending, installed_version), "harness_vcr_deferral")
    return recording_options


def _fail_on_blocked(item: pytest.Item, result: Any) -> Any:
    guard = item.stash.get(_GUARD, None)
    if guard is not None and guard.blocked:
        raise AssertionError(guard.blocked[0].message)
    return result


class _Deferral:
    """The header line when pytest-recording handles ``vcr`` markers (or nobody does)."""

    def __init__(self, recording: bool, version: str | None) -> None:
        self.recording = recording
        self.version = version

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        return _fail_on_blocked(item, (yield))

    def pytest_report_header(self, config: pytest.Config) -> str:
        if self.recording:
            return (
                f"harness: @pytest.mark.vcr is handled by pytest-recording {self.version} "
                f"(-p no:{VCR_PLUGIN}); remove that option to replay vcr tests through the harness"
            )
        return (
            f"harness: @pytest.mark.vcr is not handled (-p no:{VCR_PLUGIN} and no pytest-recording); "
            f"remove -p no:{VCR_PLUGIN} to replay vcr tests through the harness"
        )


# -- settings of one test -----------------------------------------------------------------------------


def _option(config: pytest.Config, name: str) -> Any:
    return config.getoption(name, default=None)


def _record_mode(config: pytest.Config) -> str:
    value = _option(config, "record_mode")
    return str(value) if value is not None else str(config.getini("record_mode"))


def _allowed_hosts(item: pytest.Item, vcr_config: dict[str, Any] | None = None) -> list[str]:
    marker = item.get_closest_marker("block_network")
    value = (
        (marker.kwargs.get("allowed_hosts") if marker else None)
        or _option(item.config, "allowed_hosts")
        or (vcr_config or {}).get("allowed_hosts")
        or []
    )
    return value.split(",") if isinstance(value, str) else [str(host) for host in value]


def cassette_name(item: pytest.Item) -> str:
    """pytest-recording's cassette name: ``<Class>.<test name>``, forbidden file name characters as ``-``."""
    marker = item.get_closest_marker("default_cassette")
    if marker is not None:
        if not marker.args:
            raise HarnessError(
                "@pytest.mark.default_cassette needs the cassette name as its argument, "
                "e.g. @pytest.mark.default_cassette('shared.yaml')"
            )
        return str(marker.args[0])
    cls = getattr(item, "cls", None)
    name = f"{cls.__name__}.{item.name}" if cls is not None else item.name
    return _FORBIDDEN.sub("-", name)


def _with_suffix(name: str, serializer: str) -> str:
    suffix = f".{serializer}"
    limit = 255
    if len(name) + len(suffix) > limit:
        digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()
        name = f"{name[: limit - len(suffix) - len(digest) - 3]}...{digest}"
    return name if name.endswith(suffix) else name + suffix


def merged_vcr_config(vcr_config: dict[str, Any], markers: list[pytest.Mark]) -> dict[str, Any]:
    """``vcr_config`` with the keywords of the ``vcr`` markers on top, the closest marker last."""
    merged = dict(vcr_config)
    for marker in reversed(markers):
        merged.update(marker.kwargs)
    return merged


def replay_guard(
    item: pytest.Item, cassette: Cassette, *, extra_allowed: tuple[str, ...] = ()
) -> contextlib.AbstractContextManager[Any]:
    """Refuse connections to hosts not allowed while ``cassette`` replays (nothing while recording).

    Loopback stays reachable, so servers on 127.0.0.1 (the embedded one among them) keep working. A
    refused connection raises where it was attempted and, should the code swallow it, fails the test.
    """
    if not cassette.replay_only:
        return contextlib.nullcontext()
    from harness.recording._network import NetworkGuard

    # The guard stays in the item's stash for the session: it keeps the path, not the cassette.
    nodeid, path = item.nodeid, cassette.path

    def describe(host: str, port: int | None) -> str:
        where = f"{host}:{port}" if port is not None else host
        return (
            f"Network is disabled while {nodeid} replays {path}: the connection to {where} "
            f"was refused. Allow it with --allowed-hosts={host} (or 'ignore_hosts' in vcr_config), "
            f"or record it with --record-mode=once."
        )

    guard = NetworkGuard([*_allowed_hosts(item), *extra_allowed], describe=describe)
    item.stash[_GUARD] = guard
    return guard


# -- the plugin ---------------------------------------------------------------------------------------


class VcrCassette:
    """What the ``vcr`` fixture gives a test: pytest-recording's ``Cassette`` attributes on the
    harness's :class:`~harness.recording.Cassette` (available as :attr:`harness`)."""

    def __init__(self, cassette: Cassette) -> None:
        self.harness = cassette

    @property
    def path(self) -> str:
        """The cassette file."""
        return str(self.harness.path)

    @property
    def play_count(self) -> int:
        """How many responses were replayed."""
        return sum(interaction.plays for interaction in self.harness.interactions)

    @property
    def all_played(self) -> bool:
        """True when every recorded interaction was replayed."""
        return not self.harness.unused

    @property
    def requests(self) -> list[dict[str, Any]]:
        """The requests in the cassette (vcrpy's mapping)."""
        return [interaction.request for interaction in self.harness.interactions]

    @property
    def responses(self) -> list[dict[str, Any]]:
        """The responses in the cassette (vcrpy's mapping)."""
        return [interaction.response or {} for interaction in self.harness.interactions]

    @property
    def write_protected(self) -> bool:
        """True when nothing may be recorded."""
        return self.harness.replay_only

    @property
    def dirty(self) -> bool:
        """True when something new was recorded."""
        return self.harness.dirty

    def __len__(self) -> int:
        return len(self.harness.interactions)


# -- the plugin module's hooks and fixtures (registered as harness_vcr) ----------------------------


def pytest_configure(config: pytest.Config) -> None:
    for line in (
        "vcr(*extra_cassettes, **vcr_config): replay/record this test's HTTP traffic as pytest-recording "
        "does (<test dir>/cassettes/<module>/<Class.>name.yaml), through the harness",
        "default_cassette(name): the cassette name for @pytest.mark.vcr",
        "block_network(*, allowed_hosts=None): refuse socket connections except to allowed hosts",
        "allowed_hosts(hosts): hosts that may be reached while the network is blocked",
    ):
        config.addinivalue_line("markers", line)


def pytest_report_header(config: pytest.Config) -> str:
    """Say that the harness handles ``vcr`` markers, and how to hand them to pytest-recording."""
    version = _recording_version()
    if version is not None:
        return (
            f"harness: @pytest.mark.vcr replays through assistants-harness; pytest-recording {version} is "
            f"installed and set aside (to use it instead: -p no:{VCR_PLUGIN})"
        )
    return (
        f"harness: @pytest.mark.vcr replays through assistants-harness (to turn that off: -p no:{VCR_PLUGIN})"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """Fail a test whose code swallowed a refused connection: the refusal is the failure."""
    return _fail_on_blocked(item, (yield))


# -- fixtures (pytest-recording's names and meaning) ------------------------------------------


@pytest.fixture(scope="session")
def record_mode(request: pytest.FixtureRequest) -> str:
    """The record mode from ``--record-mode`` (else the ``record_mode`` ini option, default none)."""
    return _record_mode(request.config)


@pytest.fixture(scope="session")
def disable_recording(request: pytest.FixtureRequest) -> bool:
    """True with ``--disable-recording``: ``vcr`` tests run without a cassette."""
    return bool(_option(request.config, "disable_recording"))


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """vcrpy keywords for every ``vcr`` test; override it in a conftest. Keys the harness cannot
    honour are named in a ``VcrConfigWarning``."""
    return {}


@pytest.fixture
def allowed_hosts(request: pytest.FixtureRequest) -> list[str]:
    """Host patterns that may be reached while the network is blocked: the ``block_network``
    marker's ``allowed_hosts``, else ``--allowed-hosts``, else ``vcr_config['allowed_hosts']``."""
    return _allowed_hosts(request.node, request.getfixturevalue("vcr_config"))


@pytest.fixture
def vcr_markers(request: pytest.FixtureRequest) -> list[pytest.Mark]:
    """The ``vcr`` markers of this test, closest first."""
    return list(request.node.iter_markers(name="vcr"))


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """``<test file's folder>/cassettes/<test module>``: where this module's cassettes live."""
    path = Path(request.node.path)
    return str(path.parent / "cassettes" / path.stem)


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """``@pytest.mark.default_cassette``'s name, else ``<Class>.<test name>`` (``-`` for characters
    a file name cannot hold)."""
    try:
        return cassette_name(request.node)
    except HarnessError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(autouse=True)
def block_network(
    request: pytest.FixtureRequest, record_mode: str, vcr_markers: list[pytest.Mark]
) -> Iterator[None]:
    """With ``--block-network`` or ``@pytest.mark.block_network``, refuse socket connections to hosts
    not allowed, except in a ``vcr`` test that records. Does nothing otherwise."""
    marker = request.node.get_closest_marker("block_network")
    if marker is not None and (marker.args or set(marker.kwargs) - {"allowed_hosts"}):
        pytest.fail(
            "@pytest.mark.block_network accepts only the keyword allowed_hosts; "
            f"got args {marker.args!r}, kwargs {marker.kwargs!r}",
            pytrace=False,
        )
    if marker is None and not _option(request.config, "block_network"):
        yield
        return
    if vcr_markers:
        merged = merged_vcr_config(request.getfixturevalue("vcr_config"), vcr_markers)
        if _option(request.config, "record_mode") is None and merged.get("record_mode"):
            record_mode = str(merged["record_mode"])
        if record_mode != "none":
            yield
            return
    from harness.recording._network import NetworkGuard

    node = request.node

    def describe(host: str, port: int | None) -> str:
        where = f"{host}:{port}" if port is not None else host
        return (
            f"Network is disabled for {node.nodeid} (--block-network or @pytest.mark.block_network): "
            f"the connection to {where} was refused. Allow it with --allowed-hosts={host} "
            f"or @pytest.mark.block_network(allowed_hosts=['{host}'])."
        )

    # As pytest-recording's: the refusal raises where the connection was attempted, and a test may
    # expect it (pytest.raises); only a replaying cassette's guard fails the test regardless.
    with NetworkGuard(request.getfixturevalue("allowed_hosts"), describe=describe):
        yield


@pytest.fixture(autouse=True)
def vcr(
    request: pytest.FixtureRequest,
    vcr_markers: list[pytest.Mark],
    disable_recording: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[VcrCassette | None]:
    """The active cassette of a ``@pytest.mark.vcr`` test (``None`` in other tests).

    Its traffic is replayed from ``<vcr_cassette_dir>/<default_cassette_name>.yaml`` (and the extra
    cassettes named on the marker, read-only) or recorded into it, through the harness's recorder.
    """
    if disable_recording or not vcr_markers:
        yield None
        return
    from harness._plugin import active_recorder
    from harness.recording._vcr_config import parse_vcr_config

    item = request.node
    try:
        settings = parse_vcr_config(merged_vcr_config(request.getfixturevalue("vcr_config"), vcr_markers))
    except HarnessError as error:
        pytest.fail(str(error), pytrace=False)
    with active_recorder(
        item,
        monkeypatch,
        lambda: _recorder(request, vcr_markers, settings),
        allowed_hosts=tuple(map(re.escape, settings.ignore_hosts)),
    ) as recorder:
        assert recorder.cassette is not None
        yield VcrCassette(recorder.cassette)


def _recorder(
    request: pytest.FixtureRequest, markers: list[pytest.Mark], settings: VcrSettings
) -> VcrRecorder:
    from harness._plugin import _checker, _session
    from harness.recording import RecorderConfig, RedactionRules
    from harness.recording._config import (
        parse_contracts_mode,
        parse_record_mode,
        parse_record_timeout,
        parse_unused_policy,
    )
    from harness.recording._vcr_config import VcrRecorder

    item = request.node
    config = item.config
    _warn(item, settings)
    folder = Path(settings.cassette_library_dir or request.getfixturevalue("vcr_cassette_dir"))
    name = _with_suffix(request.getfixturevalue("default_cassette_name"), settings.serializer)
    path = folder / name
    extra = tuple(
        Path(arg) if Path(arg).is_absolute() else folder / arg for marker in markers for arg in marker.args
    )
    mode = _option(config, "record_mode") or settings.record_mode or config.getini("record_mode")
    # pytest-recording never complained about unplayed interactions; --cassette-unused asks for it.
    unused = _option(config, "cassette_unused") or "ignore"
    contracts = _option(config, "contracts") or config.getini("contracts")
    return VcrRecorder(
        RecorderConfig(
            path=path,
            record_mode=parse_record_mode(str(mode), "record_mode"),
            unused=parse_unused_policy(str(unused), "cassette_unused"),
            contracts=parse_contracts_mode(str(contracts), "contracts"),
            redaction=RedactionRules(
                headers=tuple(config.getini("cassette_redact_headers")),
                patterns=tuple(config.getini("cassette_redact_patterns")),
                json_paths=tuple(config.getini("cassette_redact_json_paths")),
            ),
            rerecord_hint=f"pytest '{item.nodeid}' --record-mode={'rewrite' if path.exists() else 'once'}",
            match_on=settings.match_on,
            extra_paths=extra,
            record_timeout=parse_record_timeout(
                str(_option(config, "record_timeout") or config.getini("record_timeout")), "record_timeout"
            ),
            owner=item.nodeid,
        ),
        settings,
        check=_checker(),
        locks=_session(config).cassette_locks(),
    )


def _warn(item: pytest.Item, settings: VcrSettings) -> None:
    unsupported = list(settings.unsupported)
    if item.config.pluginmanager.hook.pytest_recording_configure.get_hookimpls():
        unsupported.append("the pytest_recording_configure hook")
    warned = item.config.stash.setdefault(_WARNED, set())
    new = [key for key in unsupported if key not in warned]
    if new:
        warned.update(new)
        item.warn(
            VcrConfigWarning(
                f"assistants-harness replays @pytest.mark.vcr tests but cannot honour: {', '.join(new)}; "
                "ignored. See docs/migrating-from-pytest-recording.md, or use pytest-recording for "
                f"these tests with -p no:{VCR_PLUGIN}."
            )
        )
