"""Checks of the transaction convention: a top-level action (what views, tasks and commands call)
runs in its own durable transaction; its ``*_impl`` twin joins the caller's.

A nested durable block raises ``RuntimeError`` at run time, but not when its only enclosing
block is the test case's own, so tests cannot rely on that alone: ``durable_actions`` reads how
each public function of a services package is wrapped.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Container
from types import ModuleType

from django.db.transaction import Atomic


def atomic_of(func: Callable) -> Atomic | None:
    """The ``transaction.atomic`` a function is decorated with, if any."""
    for cell in getattr(func, "__closure__", None) or ():
        if isinstance(cell.cell_contents, Atomic):
            return cell.cell_contents
    return None


def is_durable(func: Callable) -> bool:
    atomic = atomic_of(func)
    return atomic is not None and atomic.durable


def public_actions(package: ModuleType, *, reads: Container[str]) -> dict[str, Callable]:
    """The functions a services package exports (``__all__``), except the ``reads`` (queries,
    rule checks and helpers that change nothing)."""
    return {
        name: getattr(package, name)
        for name in package.__all__
        if inspect.isfunction(getattr(package, name)) and name not in reads
    }


def impls(module: ModuleType) -> dict[str, Callable]:
    """The ``*_impl`` functions of a services module."""
    return {
        name: func
        for name, func in inspect.getmembers(module, inspect.isfunction)
        if name.endswith("_impl") and func.__module__ == module.__name__
    }
