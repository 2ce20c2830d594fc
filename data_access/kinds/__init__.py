"""All data kinds, declared once each (docs/kinds.md): every module of this package except
base and field_types declares one kind as `KIND`, found here without a list to keep. Adding a
kind is one new file here plus its migration (`plantkpi db revision -m "..."`, see
docs/architecture.md "Adding a data kind").

KINDS is in dependency order: a kind comes after every kind it references (its `ref` fields and
composite references), so masters come first and loading in this order never breaks a foreign
key. Otherwise masters first, then by department (the order of DEPARTMENTS), then by the kind's
`position`, then by name: the order of the menus.
"""
from __future__ import annotations

import importlib
import pkgutil

from data_access.kinds.base import DEPARTMENTS, Field, Kind, Rule, normalise_header

_NOT_KINDS = {"base", "field_types"}


def discover() -> list[Kind]:
    """The KIND of every declaration module in this package, in no particular order."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.name in _NOT_KINDS or module.name.startswith("_"):
            continue
        declared = getattr(importlib.import_module(f"{__name__}.{module.name}"), "KIND", None)
        if not isinstance(declared, Kind):
            raise TypeError(f"data_access/kinds/{module.name}.py declares no KIND = Kind(...)")
        found.append(declared)
    return found


def references(kind: Kind) -> set[str]:
    """The other kinds this kind's rows point to."""
    out = {table for f in kind.fields for table, _ in f.ref_targets}
    out |= {target for _, target in (*kind.composite_refs, *kind.must_exist_in)}
    out.discard(kind.name)
    return out


def in_dependency_order(kinds: list[Kind]) -> list[Kind]:
    """Every kind after the kinds it references; otherwise in menu order (module docstring)."""
    departments = list(DEPARTMENTS)

    def menu_order(k: Kind):
        return (not k.master, departments.index(k.department) if k.department in departments else len(departments),
                k.position, k.name)

    waiting = sorted(kinds, key=menu_order)
    names = {k.name for k in kinds}
    placed: list[Kind] = []
    done: set[str] = set()
    while waiting:
        ready = next((k for k in waiting if references(k) & names <= done), None)
        if ready is None:
            raise ValueError("kinds reference each other in a cycle: " + ", ".join(k.name for k in waiting))
        waiting.remove(ready)
        placed.append(ready)
        done.add(ready.name)
    return placed


KINDS: dict[str, Kind] = {k.name: k for k in in_dependency_order(discover())}
MASTER_KINDS = [k for k in KINDS.values() if k.master]
TRANSACTION_KINDS = [k for k in KINDS.values() if not k.master]


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"unknown data kind {name!r}; known: {', '.join(KINDS)}") from None


def kinds_of(department: str) -> list[Kind]:
    return [k for k in KINDS.values() if k.department == department]


__all__ = ["DEPARTMENTS", "Field", "Kind", "KINDS", "MASTER_KINDS", "Rule", "TRANSACTION_KINDS",
           "discover", "get_kind", "in_dependency_order", "kinds_of", "normalise_header", "references"]
