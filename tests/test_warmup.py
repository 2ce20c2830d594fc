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


def test_warm_up_waits_for_the_script_run_under_way(demo):
    """yield_to_sessions returns only once no run on its database is under way (the run's end comes
    first), or after its longest wait while one still runs; runs on another database do not hold it;
    session_run counts runs, however they end."""
    import threading

    import sqlalchemy as sa

    other = sa.create_engine("sqlite://")
    events = []
    inside, release = threading.Event(), threading.Event()

    def run():
        with warmup.session_run(demo):
            inside.set()
            release.wait(30)
            events.append("run ended")

    runner = threading.Thread(target=run)
    runner.start()
    inside.wait(30)
    assert warmup.active_runs(demo) == 1 and warmup.active_runs(other) == 0
    assert warmup.yield_to_sessions(other, max_wait=30) < 30  # nothing runs on that one: not held
    warmup.yield_to_sessions(demo, max_wait=0.01)  # a run that does not end does not hold the warm-up for ever
    assert events == [] and warmup.active_runs(demo) == 1

    def warm():
        warmup.yield_to_sessions(demo, max_wait=60)
        events.append("warm-up goes on")

    waiter = threading.Thread(target=warm)
    waiter.start()
    release.set()
    runner.join(30)
    waiter.join(30)
    assert events == ["run ended", "warm-up goes on"]
    with pytest.raises(RuntimeError):  # st.stop / st.rerun end a run by an exception: still counted out
        with warmup.session_run(demo):
            raise RuntimeError
    assert warmup.active_runs(demo) == 0


def test_warm_up_yields_before_every_step(demo, monkeypatch):
    """Each fact, Home's status, tiles and exceptions: the warm-up looks for runs under way before it."""
    calls = []
    monkeypatch.setattr(warmup, "yield_to_sessions", lambda *a, **k: calls.append(1) or 0.0)
    thread = warmup.ensure_warm(demo)
    thread.join(120)
    assert len(calls) == len(FACTS) + 4  # modules, data status, tiles, exceptions


def test_modules_frozen_once_before_the_facts(demo, monkeypatch):
    """The objects alive after the imports are frozen (gc.freeze: Streamlit's collection after each run
    does not scan them again), once per process, before any fact is built: facts stay collectable."""
    import gc

    frozen = []
    monkeypatch.setattr(warmup, "_frozen", False)
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(_cached_names(demo, data_version(demo))))
    warmup.ensure_warm(demo).join(120)
    assert frozen == [set()]  # frozen once, no fact built yet
    assert _cached_names(demo, data_version(demo)) == set(FACTS)
    warmup.reset()
    with write_transaction(demo):
        pass
    warmup.ensure_warm(demo, force=True).join(120)  # a later warm-up (after a write) does not freeze again
    assert len(frozen) == 1


def test_app_runs_are_counted_out(demo, monkeypatch):
    """The sign-in page's run ends with st.stop: no run is left counted (the warm-up would wait)."""
    from pathlib import Path

    from streamlit.testing.v1 import AppTest

    from dashboard.auth import create_user

    create_user(demo, "boss", "boss-password-1", "manager", by="test")
    monkeypatch.setenv("PLANTKPI_DATABASE_URL", demo.url.render_as_string(hide_password=False))
    monkeypatch.setenv("PLANTKPI_WARMUP", "0")
    app = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
    at = AppTest.from_file(app, default_timeout=60).run()
    assert not at.exception and any("Sign in" in str(b.label) for b in at.button)
    assert warmup.active_runs(demo) == 0
