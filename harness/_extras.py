"""Optional parts of the package and the error that names the extra installing them."""

from __future__ import annotations

from harness._errors import HarnessError

EXTRAS: dict[str, str] = {
    "hypothesis": "fuzz",
    "starlette": "server",
    "uvicorn": "server",
    "multipart": "server",
    "python_multipart": "server",
    "syrupy": "snapshots",
}
"""Top-level module -> the ``assistants-harness[...]`` extra that installs it."""


class MissingExtraError(HarnessError, ImportError):
    """A feature needs a dependency that only one of the package's extras installs."""


def missing_extra(error: ModuleNotFoundError, feature: str) -> MissingExtraError:
    """The error to raise when importing ``feature`` failed with ``error``; re-raise ``error`` itself
    when the missing module is not one an extra provides."""
    module = (error.name or "").split(".")[0]
    extra = EXTRAS.get(module)
    if extra is None:
        raise error
    return MissingExtraError(
        f"{feature} needs {module}, which assistants-harness installs only with its {extra!r} extra: "
        f"pip install 'assistants-harness[{extra}]'"
    )
