"""Names a package exports but imports only on first use, so that loading the package stays cheap."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``package`` that imports each name from its home on first use.

    Args:
        package: The package's ``__name__``.
        homes: Each exported name and the module that defines it.

    Returns:
        The ``__getattr__`` to assign in the package; a name it loads is then kept in the package.
    """

    def __getattr__(name: str) -> Any:
        module = homes.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
