"""``harness verify``: every interaction of every cassette against the contracts and the stream grammar."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from harness._errors import HarnessError
from harness._findings import Finding
from harness.contracts import ContractMode, failing
from harness.verify._baseline import Baseline
from harness.verify._exchange import ExchangeCheck, inspect_exchange
from harness.verify._readers import CASSETTE_SUFFIXES, NotARecording, UnreadableRecording, read_recording
from harness.verify._recording import RecordedInteraction


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of :func:`verify`.

    Attributes:
        files: The cassettes looked at (as given, relative), unreadable ones included.
        interactions: How many interactions were read.
        events: How many stream events were checked.
        findings: Every finding, located at ``file:interaction[:event]``.
        new_findings: The findings that the baseline does not accept (all of them without one).
        mode: ``tolerant`` fails on violations (and, with a baseline, on new drift); ``strict`` fails on
            any drift too; ``off`` reads the files and checks nothing.
        baseline: The baseline the findings were compared with, if any.
        skipped: Files met while walking folders that are YAML/JSON but no cassette.
        unchecked: Interactions read but not checked, by reason (outside the Assistants API,
            ``assistants=v1``).
    """

    files: list[str]
    interactions: int
    events: int
    findings: list[Finding]
    new_findings: list[Finding]
    mode: ContractMode = "tolerant"
    baseline: Baseline | None = None
    skipped: list[str] = field(default_factory=list)
    unchecked: dict[str, int] = field(default_factory=dict)

    @property
    def failures(self) -> list[Finding]:
        """The findings that make the run fail."""
        if self.mode == "off":
            return [f for f in self.findings if f.kind == "unreadable"]
        failed = {id(f) for f in failing(self.findings, self.mode)}
        if self.baseline is not None and self.mode != "strict":
            failed.update(id(f) for f in self.new_findings if f.severity == "drift")
        return [f for f in self.findings if id(f) in failed]

    @property
    def exit_code(self) -> int:
        """0 when nothing fails (see :attr:`mode`), 1 otherwise."""
        return 1 if self.failures else 0

    def is_new(self, finding: Finding) -> bool:
        """Whether the baseline does not accept ``finding``."""
        return self.baseline is None or not self.baseline.accepts(finding)

    def against(self, baseline: Baseline | None) -> VerifyReport:
        """The same report compared with another baseline."""
        new = [f for f in self.findings if baseline is None or not baseline.accepts(f)]
        return dataclasses.replace(self, new_findings=new, baseline=baseline)


def verify(
    paths: Sequence[Path],
    *,
    mode: ContractMode = "tolerant",
    baseline: Baseline | None = None,
) -> VerifyReport:
    """Check every interaction of the cassettes at ``paths`` (files, or folders walked recursively).

    Args:
        paths: Cassette files and folders. Folders are walked for ``.yaml``, ``.yml`` and ``.json``
            files; those that are well-formed but no cassette are skipped.
        mode: See :attr:`VerifyReport.mode`.
        baseline: Accepted drift; without it every finding is new.

    Raises:
        HarnessError: A path does not exist, or the paths hold no cassette at all.
    """
    files: list[str] = []
    skipped: list[str] = []
    findings: list[Finding] = []
    interactions = 0
    events = 0
    unchecked: dict[str, int] = {}
    for path, named in _cassettes(paths):
        name = _display(path)
        try:
            recording = read_recording(path)
        except NotARecording as error:
            if not named:
                skipped.append(name)
                continue
            files.append(name)
            findings.append(_unreadable(name, error))
            continue
        except UnreadableRecording as error:
            files.append(name)
            findings.append(_unreadable(name, error))
            continue
        files.append(name)
        findings.extend(problem.with_location(file=name) for problem in recording.problems)
        interactions += len(recording.interactions)
        if mode == "off":
            continue
        for interaction in recording.interactions:
            check = check_interaction(interaction)
            if check.skipped is not None:
                unchecked[check.skipped] = unchecked.get(check.skipped, 0) + 1
            events += len(check.events)
            findings.extend(f.with_location(file=name, interaction=interaction.index) for f in check.findings)
    if not files:
        where = ", ".join(path.as_posix() for path in paths)
        found = f" ({len(skipped)} YAML/JSON files that are no cassette)" if skipped else ""
        raise HarnessError(
            f"no cassette found in {where}{found}; expected vcrpy, Ruby VCR or test-proxy cassettes "
            "(.yaml, .yml or .json files)"
        )
    report = VerifyReport(
        files=files,
        interactions=interactions,
        events=events,
        findings=findings,
        new_findings=[],
        mode=mode,
        skipped=skipped,
        unchecked=unchecked,
    )
    return report.against(baseline)


def check_interaction(interaction: RecordedInteraction) -> ExchangeCheck:
    """Check one recorded interaction (see :func:`harness.verify.check_exchange`)."""
    return inspect_exchange(
        interaction.method,
        interaction.uri,
        interaction.request_body,
        interaction.status,
        interaction.response_headers,
        interaction.response_body,
        request_headers=interaction.request_headers,
    )


def cassette_files(paths: Sequence[Path]) -> list[Path]:
    """The cassette files :func:`verify` would look at for ``paths``, in order.

    Raises:
        HarnessError: A path does not exist.
    """
    return [path for path, _ in _cassettes(paths)]


def _unreadable(name: str, error: Exception) -> Finding:
    return Finding(kind="unreadable", severity="violation", message=str(error), file=name)


def _cassettes(paths: Sequence[Path]) -> Iterator[tuple[Path, bool]]:
    """Each cassette file under ``paths`` in a stable order, with whether it was named explicitly."""
    for path in paths:
        if not path.exists():
            raise HarnessError(
                f"{path} does not exist; expected a cassette file or a folder of cassettes "
                "(.yaml, .yml or .json)"
            )
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                relative = found.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                failed = found.stem.lower().endswith(".failed")  # a failed recording, kept for inspection
                if found.is_file() and found.suffix.lower() in CASSETTE_SUFFIXES and not failed:
                    yield found, False
        else:
            yield path, True


def _display(path: Path) -> str:
    """``path`` as given, made relative to the working directory when it is absolute and inside it."""
    if path.is_absolute():
        try:
            return Path(os.path.relpath(path)).as_posix() if path.is_relative_to(Path.cwd()) else str(path)
        except ValueError:
            return str(path)
    return path.as_posix()
