"""One cache per (database, data version) (data_access.cache): kind frames, held reads, facts,
derived facts and the UI memo all live in it; a write leaves nothing of the old version served, and
the old version's cache is released once a newer version was cached and no session holds it."""
from __future__ import annotations

import gc
import weakref

import pytest

from dashboard import facts as facts_module
from dashboard.kpi import Filters, compute_one
from dashboard.kpi.delivery import DERIVED_FACTS
from dashboard.ui.memo import cached
from data_access import cache
from data_access.cache import SECTIONS, VERSIONS_KEPT, VersionCache, cache_for
from data_access.db import data_version
from data_access.loaders import load_kind
from tests.test_kpi_examples import D, plant, production_row, write

DAY = Filters(date_from=D, date_to=D)


@pytest.fixture(autouse=True)
def _fresh():
    cache.clear()
    yield
    cache.clear()


# --- the cache itself -----------------------------------------------------------------------------
def test_a_bounded_section_drops_the_least_recently_used():
    c = VersionCache("sqlite:///x.db", 1)
    bound = SECTIONS["window_facts"]
    for i in range(bound):
        c.put("window_facts", i, i)
    assert c.get("window_facts", 0) == 0  # used: now the most recent
    c.put("window_facts", bound, bound)
    assert c.get("window_facts", 1) is None and c.get("window_facts", 0) == 0
    assert len(c.keys("window_facts")) == bound
    assert c.pop("window_facts", 0) == 0 and c.get("window_facts", 0) is None
    for i in range(bound * 3):  # an unbounded section keeps all
        c.put("facts", i, i)
    assert len(c.keys("facts")) == bound * 3
    with pytest.raises(KeyError):
        c.put("no such section", 1, 1)


def test_the_newest_version_is_kept_an_older_one_only_while_held():
    url = "sqlite:///x.db"
    first = cache_for(url, 1)
    ref = weakref.ref(first)
    del first
    gc.collect()
    assert ref() is cache_for(url, 1)  # the newest: kept though nobody holds it
    held = cache_for(url, 1)  # a session still finishing its rerun on version 1
    second = weakref.ref(cache_for(url, 2))
    gc.collect()
    assert cache_for(url, 1) is held  # shared while held
    del held
    gc.collect()
    assert VERSIONS_KEPT == 1 and ref() is None  # a newer version and nobody holding it: released
    third = weakref.ref(cache_for(url, 3))
    gc.collect()
    assert second() is None
    # a session still at an old version gets a cache of its own, shared while it holds it ...
    straggler = cache_for(url, 1)
    assert cache_for(url, 1) is straggler
    straggler.put("facts", "x", 1)
    del straggler
    gc.collect()
    assert cache_for(url, 1).get("facts", "x") is None  # ... released when dropped
    # ... and it did not evict the current one
    assert third() is cache_for(url, 3)
    assert cache_for("sqlite:///y.db", 3) is not cache_for(url, 3)


# --- through the real read path, SQLite and PostgreSQL ---------------------------------------------
def test_after_a_write_no_old_frame_is_served_and_the_old_version_is_released(engine):
    plant(engine)
    write(engine, "production", [production_row(good=10)])
    facts = facts_module.load_facts(engine, ["production"])
    version = facts.version
    assert compute_one(["good_qty"], facts, DAY)["good_qty"] == 10
    old_fact = weakref.ref(facts["production"])
    old_kind = weakref.ref(load_kind("machines", engine))
    old_cache = weakref.ref(facts.cache)

    write(engine, "production", [production_row(shift="B", good=5)])
    second = facts_module.load_facts(engine)
    assert second.version == version + 1
    assert second["production"] is not old_fact() and second["production"].height == 2
    assert compute_one(["good_qty"], second, DAY)["good_qty"] == 15
    assert load_kind("machines", engine) is not old_kind()
    gc.collect()
    # a session still finishing on the old version keeps its frames, shared ...
    assert facts_module.Facts(engine, version)["production"] is old_fact() is not None
    del facts
    gc.collect()
    # ... and once it is done the old version is gone whole
    assert old_cache() is None and old_fact() is None and old_kind() is None

    write(engine, "production", [production_row(shift="C", good=1)])
    third = facts_module.load_facts(engine)
    assert third["production"] is not second["production"] and third["production"].height == 3
    assert compute_one(["good_qty"], third, DAY)["good_qty"] == 16


def test_two_databases_share_no_entry(engine, sqlite_engine):
    for db, good in ((engine, 10), (sqlite_engine, 7)):
        plant(db)
        write(db, "production", [production_row(good=good)])
    assert data_version(engine) == data_version(sqlite_engine)  # the same version: only the URL tells them apart
    a, b = facts_module.load_facts(engine), facts_module.load_facts(sqlite_engine)
    assert a.cache is not b.cache
    assert compute_one(["good_qty"], a, DAY)["good_qty"] == 10
    assert compute_one(["good_qty"], b, DAY)["good_qty"] == 7

    def good_qty(facts):
        return compute_one(["good_qty"], facts, DAY)["good_qty"]

    assert cached(good_qty, a) == 10 and cached(good_qty, b) == 7


def test_facts_derived_facts_and_memo_are_built_once_per_version(engine, monkeypatch):
    plant(engine)
    write(engine, "production", [production_row(good=10)])
    builds, derivations, figures = [], [], []
    real_build, real_derive = facts_module.build, DERIVED_FACTS["delivery_lines_all"]
    monkeypatch.setattr(facts_module, "build", lambda name, source: builds.append(name) or real_build(name, source))
    monkeypatch.setitem(DERIVED_FACTS, "delivery_lines_all",
                        lambda *a: derivations.append(1) or real_derive(*a))

    def figure(facts, today):
        figures.append(today)
        return compute_one(["good_qty", "otd_line"], facts, DAY, today=today)

    for _ in range(2):  # two requests (two Facts) at the same data version
        facts = facts_module.load_facts(engine)
        assert cached(figure, facts, D)["good_qty"] == 10
        compute_one(["otd_line"], facts, DAY, today=D)
    assert builds.count("production") == 1 and len(derivations) == 1 and len(figures) == 1

    write(engine, "production", [production_row(shift="B", good=5)])  # a write: each is made again, once
    facts = facts_module.load_facts(engine)
    assert cached(figure, facts, D)["good_qty"] == 15
    compute_one(["otd_line"], facts, DAY, today=D)
    assert builds.count("production") == 2 and len(derivations) == 2 and len(figures) == 2

    plain = {name: facts[name] for name in facts}
    compute_one(["otd_line"], plain, DAY, today=D)
    compute_one(["otd_line"], plain, DAY, today=D)
    assert len(derivations) == 4  # a plain mapping: nothing kept between calls


def test_an_entry_asked_for_while_it_is_built_is_built_once():
    """Two threads asking for one missing entry (the warm-up and a page asking for the same fact):
    one build, both get its value; a failed build lets the waiting caller build it itself."""
    import threading
    import time

    from data_access.cache import VersionCache

    cache = VersionCache("sqlite:///once.db", 1)
    builds = []

    def slow():
        builds.append(1)
        time.sleep(0.3)  # long enough for the second caller to arrive meanwhile
        return len(builds)

    got = []
    threads = [threading.Thread(target=lambda: got.append(cache.get_or_build("facts", "production", slow)))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert builds == [1] and got == [1, 1, 1]

    def failing():
        raise RuntimeError("read failed")

    results = []

    def first():
        try:
            cache.get_or_build("facts", "scrap", lambda: (time.sleep(0.2), failing()))
        except RuntimeError as error:
            results.append(str(error))

    a = threading.Thread(target=first)
    a.start()
    time.sleep(0.05)
    assert cache.get_or_build("facts", "scrap", lambda: 42) == 42  # waited, then built it here
    a.join()
    assert results == ["read failed"]
