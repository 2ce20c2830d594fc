"""Figures of the analysis pages remembered while the data does not change (the UI layer's cache
around the KPI engine, which stays pure): the "memo" section of the facts' cache (the one cache of
the database and data version, data_access.cache)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from dashboard.kpi import calendar
from dashboard.kpi.engine import VersionedFacts
from data_access import cache

T = TypeVar("T")
_MISSING = object()


def _frozen(value):
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def cached(fn: Callable[..., T], *args, **kwargs) -> T:
    """fn(*args, **kwargs), remembered while the data does not change.

    One argument is the facts (a VersionedFacts, dashboard.facts.Facts): the result is kept in its
    cache (that of its database and data version), keyed with its cache_key (the window too), so a
    write (which bumps the version) is never answered from memory. A click on a
    bar reruns the whole page with the same period, and going back to a view already shown asks
    the same questions again: both are answered here. Only for small results (aggregates), never
    for the rows behind a figure. Facts that are a plain mapping (a dict, in tests) are not cached."""
    facts = next((a for a in (*args, *kwargs.values()) if isinstance(a, VersionedFacts)), None)
    if facts is None:
        return fn(*args, **kwargs)
    try:
        key = (fn.__module__, fn.__qualname__, facts.cache_key, calendar.current(),
               tuple("<facts>" if a is facts else _frozen(a) for a in args),
               tuple(sorted((k, "<facts>" if v is facts else _frozen(v)) for k, v in kwargs.items())))
        hash(key)
    except TypeError:  # an argument that cannot be a key
        return fn(*args, **kwargs)
    hit = facts.cache.get("memo", key, _MISSING)
    if hit is not _MISSING:
        return hit
    return facts.cache.put("memo", key, fn(*args, **kwargs))


def clear() -> None:
    """Forget every remembered figure (tests), of every database and version."""
    cache.clear(["memo"])


__all__ = ["cached", "clear"]
