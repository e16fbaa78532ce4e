"""``harness verify``: every interaction of every cassette against the contracts and the stream grammar."""

from __future__ import annotations

import dataclasses
import os
import stat
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
    for path, named, problem in _cassettes(paths):
        name = _display(path)
        if problem is not None:
            files.append(name)
            findings.append(Finding(kind="unreadable", severity="violation", message=problem, file=name))
            continue
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
            try:
                check = check_interaction(interaction)
            except (RecursionError, MemoryError) as error:
                what = "memory" if isinstance(error, MemoryError) else "stack"
                findings.append(
                    Finding(
                        kind="unreadable",
                        severity="violation",
                        message=f"checking this interaction ran out of {what}",
                        file=name,
                        interaction=interaction.index,
                    )
                )
                continue
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
    return [path for path, _, problem in _cassettes(paths) if problem is None]


def _unreadable(name: str, error: Exception) -> Finding:
    return Finding(kind="unreadable", severity="violation", message=str(error), file=name)


def _cassettes(paths: Sequence[Path]) -> Iterator[tuple[Path, bool, str | None]]:
    """Each cassette file under ``paths`` in a stable order, with whether it was named explicitly and,
    for a folder that cannot be read, why (the path is then that folder).

    Folders are walked following symbolic links, each real folder once (a link loop does not recurse);
    FIFOs, sockets and devices met in a walk are skipped, and named directly they are a usage error,
    since reading one could block forever.

    Raises:
        HarnessError: A path does not exist, or is not a regular file or a folder.
    """
    for path in paths:
        if not path.exists():
            raise HarnessError(
                f"{path} does not exist; expected a cassette file or a folder of cassettes "
                "(.yaml, .yml or .json)"
            )
        if path.is_dir():
            yield from _walk(path, set())
        elif path.is_file():
            yield path, True, None
        else:
            raise HarnessError(
                f"{path} is {_kind(path)}, not a file: expected a cassette file or a folder of cassettes "
                "(.yaml, .yml or .json)"
            )


def _kind(path: Path) -> str:
    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[tuple[Path, bool, str | None]]:
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            return  # a symbolic link back to a folder already walked
        seen.add((info.st_dev, info.st_ino))
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        yield folder, False, f"cannot read the folder {folder}: {error.strerror or error}"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        found = Path(entry.path)
        try:
            if entry.is_dir():
                yield from _walk(found, seen)
            elif entry.is_file() and found.suffix.lower() in CASSETTE_SUFFIXES and not _failed(found):
                yield found, False, None
        except OSError as error:
            yield found, False, f"cannot read {found}: {error.strerror or error}"


def _failed(path: Path) -> bool:
    """A failed recording (``<name>.failed.yaml``), kept beside its cassette for inspection, not checked."""
    return path.stem.lower().endswith(".failed")


def _display(path: Path) -> str:
    """``path`` as given, made relative to the working directory when it is absolute and inside it."""
    if path.is_absolute():
        try:
            return Path(os.path.relpath(path)).as_posix() if path.is_relative_to(Path.cwd()) else str(path)
        except ValueError:
            return str(path)
    return path.as_posix()
