"""Background warm-up of the facts (dashboard.warmup, issue 15.3): after the warm-up every fact is in
the shared cache at the current data version, built once; a write makes the next check warm again."""
from __future__ import annotations

from datetime import date

import pytest

from dashboard import warmup
from dashboard import facts as f
from dashboard.kpi.facts import FACTS
from data_access.db import data_version, write_transaction
from seed.demo import load_demo


@pytest.fixture
def demo(engine):
    load_demo(engine, "small", today=date(2026, 11, 20))
    f.clear_cache()
    warmup.reset()
    yield engine
    f.clear_cache()
    warmup.reset()


def _cached_names(engine, version) -> set[str]:
    facts = f.Facts(engine, version)
    return {name for name in FACTS if facts._cached(name) is not None}


def test_warm_up_builds_every_fact_once_and_again_after_a_write(demo, monkeypatch):
    import dashboard.ui.exceptions as home_exceptions

    asked = []
    real = home_exceptions.open_exceptions
    monkeypatch.setattr(home_exceptions, "open_exceptions", lambda engine, today: asked.append(today) or real(engine, today))
    version = data_version(demo)
    assert _cached_names(demo, version) == set()
    thread = warmup.ensure_warm(demo)
    assert thread is not None
    thread.join(120)
    assert _cached_names(demo, version) == set(FACTS)
    assert asked == [date.today()]  # Home's exceptions count, for today as Home asks
    # the same version: nothing more to do, even when asked at once again
    assert warmup.ensure_warm(demo, force=True) is None
    # the warmed facts are the ones the pages get: the same production frame, rows of the demo
    production = f.load_facts(demo)["production"]
    assert production.height > 10_000
    with write_transaction(demo):
        pass  # a commit bumps the data version, as an import does
    assert warmup.ensure_warm(demo) is None  # asked again within CHECK_SECONDS: not yet looked
    thread = warmup.ensure_warm(demo, force=True)
    assert thread is not None
    thread.join(120)
    assert _cached_names(demo, version + 1) == set(FACTS)
    assert f.load_facts(demo)["production"].height == production.height


def test_warm_up_off_and_headline_first(demo, monkeypatch):
    from dashboard.kpi import HEADLINE, facts_for

    order = warmup.fact_order()
    assert order[:len(facts_for(HEADLINE))] == list(facts_for(HEADLINE))
    assert sorted(order) == sorted(FACTS)
    monkeypatch.setenv("PLANTKPI_WARMUP", "0")
    assert warmup.ensure_warm(demo, force=True) is None


def test_warm_up_writes_the_columnar_snapshots_of_its_version(demo, tmp_path, monkeypatch):
    """Last, the warm-up starts writing the version's snapshots (data_access.snapshots) in a process of
    its own; once it is done, every large kind is there and reads as SQL does."""
    import sqlalchemy as sa

    from data_access import snapshots

    monkeypatch.setenv("PLANTKPI_SNAPSHOT_DIR", str(tmp_path / "columns"))
    assert snapshots.missing(demo, snapshots.large_kinds()) == snapshots.large_kinds()
    warmup.ensure_warm(demo).join(120)
    builder = warmup._state[str(demo.url)]["builder"]
    assert builder is not None and builder.wait(120) == 0
    assert snapshots.missing(demo, snapshots.large_kinds()) == []
    with demo.connect() as conn:
        scrap = conn.execute(sa.text("SELECT COUNT(*), SUM(qty) FROM scrap")).one()
    frame = snapshots.read(demo, data_version(demo), "scrap", ["qty"])
    assert (frame.height, frame.get_column("qty").sum()) == tuple(scrap)
