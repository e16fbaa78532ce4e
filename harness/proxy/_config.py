"""The proxy's configuration, resolved once into a frozen object."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, get_args

from harness._errors import HarnessError
from harness.recording._config import (
    ContractsMode,
    RecordMode,
    RedactionRules,
    parse_contracts_mode,
    parse_record_mode,
)

Pace = Literal["instant", "recorded"]
"""How replayed stream events are spaced: as fast as possible, or with the recorded gaps."""

PACES: tuple[str, ...] = get_args(Pace)


@dataclass(frozen=True, slots=True)
class ProxyConfig:
    """Everything the proxy needs to know, validated.

    Attributes:
        cassette_dir: The folder cassette names are resolved in.
        record_mode: See :data:`~harness.recording.RecordMode`; applies to every cassette.
        upstream: The origin requests are sent to when recording (``https://api.openai.com``); the
            client's path (``/v1/...``) is appended. ``None`` until the embedded server is started.
        api_key: Sent upstream as ``Authorization: Bearer KEY`` instead of the client's own header.
        contracts: See :data:`~harness.recording.ContractsMode`.
        redaction: Extra scrubbing rules, as the ``cassette_redact_*`` ini options.
        pace: See :data:`Pace`.
        baseline: A drift baseline (``harness verify --update-baseline``); drift it lists does not fail
            in strict mode.
        upstream_timeout: Seconds to wait for the upstream to connect and to send each chunk.
    """

    cassette_dir: Path
    record_mode: RecordMode = "none"
    upstream: str | None = None
    api_key: str | None = None
    contracts: ContractsMode = "tolerant"
    redaction: RedactionRules = field(default_factory=RedactionRules)
    pace: Pace = "instant"
    baseline: Path | None = None
    upstream_timeout: float = 600.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "cassette_dir", Path(self.cassette_dir))
        parse_record_mode(self.record_mode, "--record-mode")
        parse_contracts_mode(self.contracts, "--contracts")
        if self.pace not in PACES:
            raise HarnessError(f"--pace must be one of {', '.join(PACES)}; got {self.pace!r}")
        if self.upstream is not None and not self.upstream.startswith(("http://", "https://")):
            raise HarnessError(
                f"--upstream must be an http:// or https:// URL such as https://api.openai.com; "
                f"got {self.upstream!r}"
            )

    @property
    def upstream_origin(self) -> str:
        """The upstream without a trailing ``/`` or ``/v1`` (the client's path brings its own ``/v1``)."""
        if self.upstream is None:
            raise HarnessError("the proxy has no upstream yet")
        origin = self.upstream.rstrip("/")
        return origin[: -len("/v1")] if origin.endswith("/v1") else origin
