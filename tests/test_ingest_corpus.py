"""The bad-input corpus (issue 3 item 5): each file gets the expected message, naming row, column
and value as the clerk sees them, and leaves every table of the database exactly as it was.
One database per backend for the whole corpus (master data + one stored production row)."""
from __future__ import annotations

import pytest

from data_access.ingest import import_upload
from tests.corpus.generate import CASES, FILES, write_files
from tests.corpus.plant import dump, plant_database
from dashboard.ingest_messages import describe, message


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def plant(request, tmp_path_factory):
    yield from plant_database(request.param, tmp_path_factory.mktemp("corpus"))


def test_corpus_is_big_enough_and_committed_files_match_the_generator(tmp_path, monkeypatch):
    assert len(CASES) >= 30
    committed = {p.name: p.read_bytes() for p in FILES.iterdir()}
    monkeypatch.setattr("tests.corpus.generate.FILES", tmp_path)
    regenerated = {p.name: p.read_bytes() for p in write_files()}
    assert regenerated == committed


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_is_refused_with_its_message_and_writes_nothing(plant, case, tmp_path):
    before = dump(plant)
    result = import_upload(plant, case.kind, case.data(tmp_path), case.file_name, "admin")
    assert not result.written and result.batch_id is None
    assert result.errors, "a bad file must produce at least one error"
    for row, column, value, words in case.expect:
        found = [p for p in result.errors if (p.row, p.column, p.value) == (row, column, value)]
        assert found, f"no problem at {(row, column, value)}; got {[str(p) for p in result.errors]}"
        assert any(words in message(p, "en") for p in found), f"{words!r} not in {[message(p, 'en') for p in found]}"
    # No traceback text in any message, and every problem prints as one line.
    assert all("Traceback" not in message(p, "en") and "\n" not in describe(p, "en") for p in result.problems)
    assert dump(plant) == before
