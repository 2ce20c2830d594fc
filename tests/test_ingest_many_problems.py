"""Issue 15 item 4: a large file whose every row is warned (a plant without routings) is imported
quickly without saying less: one warning per row, each naming its own row, product and machine,
in row order; the rows stored in file order; one bad row still writes nothing. And the bulk
problem builder (problems.problem_rows) makes exactly the problems made one by one."""
from __future__ import annotations

import dataclasses
import gc
import pickle
from datetime import date

import pytest
import sqlalchemy as sa

from data_access.ingest import import_upload
from data_access.ingest import problems as problems_module
from data_access.ingest.problems import VALUE_SHOWN_CHARS, Label, Msg, Problem, problem_order, problem_rows
from tests.bench.bench_ingest import HEADER, master_data, production_rows
from tests.conftest import make_database

ROWS = 12_003  # above problem_rows' bulk threshold, and not a multiple of the rows per INSERT
ROUTED = ("P-000", "M-00")  # the one (product, machine) pair given a routing


def csv_of(rows: list[tuple]) -> bytes:
    lines = [",".join(HEADER)] + [",".join([r[0].isoformat(), *map(str, r[1:])]) for r in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def template(request, tmp_path_factory):
    engine, drop = make_database(request.param, tmp_path_factory.mktemp("many"))
    master_data(engine)
    routing = f"product_code,seq,machine_code,ideal_cycle_s,labour_s\n{ROUTED[0]},10,{ROUTED[1]},20,20\n".encode()
    assert import_upload(engine, "routings", routing, "r.csv", "admin").written
    engine.dispose()
    yield request.param, engine.url.database
    drop()


@pytest.fixture
def engine(template, tmp_path):
    backend, name = template
    engine, drop = make_database(backend, tmp_path, template=name)
    try:
        yield engine
    finally:
        drop()


def stored(engine) -> list[tuple]:
    columns = ", ".join(f'"{c}"' for c in HEADER)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT {columns} FROM production ORDER BY id")).all()
    return [tuple(r) for r in rows]


def as_file(row: tuple) -> tuple:
    """A stored row as the generator wrote it (SQLite keeps the date as text, floats come back as such)."""
    day = date.fromisoformat(row[0]) if isinstance(row[0], str) else row[0]
    return (day, *(int(v) if isinstance(v, float) and v.is_integer() else v for v in row[1:]))


def test_every_unrouted_row_is_warned_by_its_own_row_and_the_rows_are_stored_in_file_order(engine):
    rows = production_rows(ROWS)
    result = import_upload(engine, "production", csv_of(rows), "p.csv", "bench")
    assert result.written and result.rows_written == ROWS and not result.errors
    # the file's row n+2 is rows[n] (row 1 is the header); hand-computed from the generated rows
    expected = [(n + 2, r[3], r[2]) for n, r in enumerate(rows) if (r[3], r[2]) != ROUTED]
    assert len(expected) == ROWS - sum(1 for r in rows if (r[3], r[2]) == ROUTED) > 0
    got = [(p.row, p.text.params["product"], p.text.params["machine"]) for p in result.warnings]
    assert got == expected
    assert all(p.key == "ops.warn.no_routing" and p.column == "machine_code" and p.value == p.text.params["machine"]
               and p.warning for p in result.warnings)
    assert [problem_order(p) for p in result.problems] == sorted(problem_order(p) for p in result.problems)
    assert [as_file(r) for r in stored(engine)] == rows
    assert gc.isenabled()


def test_one_bad_row_among_many_warned_rows_writes_nothing(engine):
    rows = production_rows(ROWS)
    bad = 7_001
    r = rows[bad]
    rows[bad] = (*r[:8], r[8] + 1, *r[9:])  # total_qty no longer good + defect + scrap
    result = import_upload(engine, "production", csv_of(rows), "p.csv", "bench")
    assert not result.written and result.batch_id is None
    assert [(p.row, p.key) for p in result.errors] == [(bad + 2, "ingest.rule.total_is_sum")]
    # the bad row is not warned about its routing; every other unrouted row is
    assert [p.row for p in result.warnings] == [n + 2 for n, x in enumerate(rows) if (x[3], x[2]) != ROUTED and n != bad]
    assert stored(engine) == []
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM batches WHERE kind = 'production'")).scalar() == 0
    assert gc.isenabled()


# ------------------------------------------------------------------------------ problem_rows
@pytest.mark.parametrize("many", [False, True])
def test_problem_rows_makes_the_problems_made_one_by_one(monkeypatch, many):
    if many:  # the bulk path (collector paused) on a small list
        monkeypatch.setattr(problems_module, "_MANY", 2)
    msg, label = Msg("ingest.val.required"), Label("a rule", "一条规则")
    long_value = "x" * (VALUE_SHOWN_CHARS + 50)
    rows, values = [3, 5, 9], ["7,5", long_value, None]
    made = problem_rows(rows, values, "Total qty", msg, "", field="total_qty")
    one_by_one = [Problem(r, "Total qty", v, msg, field="total_qty") for r, v in zip(rows, values)]
    assert made == one_by_one and [repr(p) for p in made] == [repr(p) for p in one_by_one]
    assert made[0].key == "ingest.val.required" and made[1].value == "x" * VALUE_SHOWN_CHARS + "…"
    texts = [label, msg, label]
    warned = problem_rows(rows, values, None, texts, "ingest.rule.r", warning=True)
    assert warned == [Problem(r, None, v, t, key="ingest.rule.r", warning=True) for r, v, t in zip(rows, values, texts)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[0].row = 4
    assert pickle.loads(pickle.dumps(made)) == made
    assert dataclasses.replace(made[0], warning=True) == Problem(3, "Total qty", "7,5", msg, field="total_qty",
                                                                 warning=True)
    assert gc.isenabled()


def test_problem_rows_leaves_a_paused_collector_paused(monkeypatch):
    monkeypatch.setattr(problems_module, "_MANY", 1)
    gc.disable()
    try:
        problem_rows([1, 2], ["a", "b"], "c", Msg("k"), "k")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_problem_order_is_row_then_errors_before_warnings():
    msg = Msg("k")
    ps = [Problem(2, None, None, msg, warning=True), Problem(None, None, None, msg), Problem(2, None, None, msg),
          Problem(1, None, None, msg, warning=True)]
    assert sorted(ps, key=problem_order) == sorted(ps, key=lambda p: (p.row or 0, p.warning))
    assert [(p.row, p.warning) for p in sorted(ps, key=problem_order)] == [(None, False), (1, True), (2, False), (2, True)]


# ------------------------------------------------------------------------------ merged cells of a large sheet
@pytest.mark.parametrize("at", [0, (1 << 20) - 5, 1 << 20, (1 << 20) + 3, 3 * (1 << 20) - 11])
def test_the_end_of_a_sheet_is_found_wherever_its_marker_falls_in_the_stream(at):
    """read._from_last streams the sheet's XML: the bytes from the last marker on, the same as
    slicing the whole member, also when the marker straddles two of the 1 MiB reads."""
    import io
    import zipfile

    from data_access.ingest.read import _from_last

    body = bytearray(b"x" * (3 * (1 << 20) + 100))
    tail = b'<mergeCells count="1"><mergeCell ref="A4:A5"/></mergeCells></worksheet>'
    body[at:at + len(tail)] = tail
    early = b"<mergeCells early/>"
    if at > len(early):
        body[0:len(early)] = early  # an earlier marker is not the last one
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("s.xml", bytes(body))
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
        got = _from_last(z, "s.xml", b"<mergeCells")
        assert bytes(got) == bytes(body[bytes(body).rfind(b"<mergeCells"):])
        assert _from_last(z, "s.xml", b"<nothing-like-this") is None
