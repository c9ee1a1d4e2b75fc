"""pia-diff: compare two versions of a 特定個人情報保護評価書 and write the 別添2 変更箇所 table.

The library's front door (pia_diff.api, imported on first use so that `import pia_diff` stays cheap):

    import pia_diff
    result = pia_diff.compare("old.pdf", "new.xlsx", date="令和8年1月15日", decisions="判断.yaml")
    result.rows, result.to_excel("別添2.xlsx"), result.to_frame()
    pia_diff.check(old, new).may_file
    pia_diff.audit("公表版.pdf", against="前回.pdf").findings
    pia_diff.read("評価書.pdf")

`compare` and `audit` share their names with the subpackages pia_diff.compare and pia_diff.audit: here
they are the calls, and their attributes are the subpackages' (`pia_diff.compare.diff` is still the
module), so code and tests that reach a subpackage through the package keep working."""

from __future__ import annotations

import importlib
import sys
import types

# typing's TYPE_CHECKING without importing typing (milliseconds at every start): type checkers take a
# module constant of this name as theirs
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "audit", "audit_folder", "check", "compare", "load_decisions", "read"]

# Calls that are plain attributes of pia_diff.api, looked up on first use.
_CALLS = ("audit_folder", "check", "load_decisions", "read")
# Calls named like a subpackage.
_DOORS = ("audit", "compare")


def _api() -> types.ModuleType:
    from . import api

    return api


class _Door:
    """A front-door call named like a subpackage: calling it runs pia_diff.api's function; every other
    attribute is the subpackage's (imported on first use)."""

    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(_api(), self._name)(*args, **kwargs)

    @property
    def __wrapped__(self) -> Any:  # inspect.signature and help() show the call's own signature
        return getattr(_api(), self._name)

    @property
    def __doc__(self) -> str | None:  # type: ignore[override]
        doc: str | None = self.__wrapped__.__doc__
        return doc

    def _package(self) -> types.ModuleType:
        return importlib.import_module(f"{__name__}.{self._name}")

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._package(), attr)

    def __setattr__(self, attr: str, value: Any) -> None:  # monkeypatch.setattr("pia_diff.audit.x.y", …)
        setattr(self._package(), attr, value)

    def __delattr__(self, attr: str) -> None:
        delattr(self._package(), attr)

    def __dir__(self) -> list[str]:
        return dir(self._package())

    def __repr__(self) -> str:
        return f"<function pia_diff.{self._name} (and the package pia_diff.{self._name})>"


class _Package(types.ModuleType):
    """The package module: importing a subpackage named like a call binds it in sys.modules only (the
    door keeps the name and reaches the subpackage through it)."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _DOORS and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


if TYPE_CHECKING:
    from .api import audit, audit_folder, check, compare, load_decisions, read
else:
    audit = _Door("audit")
    compare = _Door("compare")

    def __getattr__(name: str) -> Any:
        if name in _CALLS:
            return getattr(_api(), name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


sys.modules[__name__].__class__ = _Package
