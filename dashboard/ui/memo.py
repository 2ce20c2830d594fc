"""Figures of the analysis pages remembered while the data does not change (the UI layer's cache
around the KPI engine, which stays pure)."""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from dashboard.kpi import calendar
from dashboard.kpi.engine import VersionedFacts

T = TypeVar("T")

_MEMO: OrderedDict[tuple, Any] = OrderedDict()
_MEMO_SIZE = 512  # aggregates only (tiles, trends, bars): a few KB each
_memo_lock = threading.Lock()


def _frozen(value):
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    return value


def cached(fn: Callable[..., T], *args, **kwargs) -> T:
    """fn(*args, **kwargs), remembered while the data does not change.

    One argument is the facts (a VersionedFacts, dashboard.facts.Facts): its cache_key (database, data
    version, window) is part
    of the key, so a write (which bumps the version) is never answered from memory. A click on a
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
    with _memo_lock:
        if key in _MEMO:
            _MEMO.move_to_end(key)
            return _MEMO[key]
    result = fn(*args, **kwargs)
    with _memo_lock:
        _MEMO[key] = result
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return result


def clear() -> None:
    with _memo_lock:
        _MEMO.clear()


__all__ = ["cached", "clear"]
