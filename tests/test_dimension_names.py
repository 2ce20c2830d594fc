"""Display names of every declared dimension come from its declaration (dashboard.kpi.dimensions) through the
one path dashboard.ui.names.names(): a master's names, code label groups, or the codes themselves. A new
dimension needs no branch in names.py, and one with no source of names cannot be declared."""
from __future__ import annotations

import polars as pl
import pytest

from dashboard.i18n import language
from dashboard.kpi import OTHER, UNASSIGNED
from dashboard.kpi.dimensions import DIMENSION_BY_NAME, DIMENSION_LIST, Dimension
from dashboard.ui import names as N


def _master(d: Dimension) -> pl.DataFrame:
    """One member "X1" named 中文名 / English name in the columns the declaration reads."""
    row = {d.code: ["X1"]}
    if d.name_column == "name":
        row |= {"name": ["中文名"], "name_en": ["English name"]}
    elif d.name_column:
        row |= {d.name_column.format(lang="zh"): ["中文名"], d.name_column.format(lang="en"): ["English name"]}
    return pl.DataFrame(row)


def _names(dim: str, lang: str, facts) -> dict[str, str]:
    with language(lang):
        return N.names(facts, dim)


@pytest.mark.parametrize("d", DIMENSION_LIST, ids=lambda d: d.name)
def test_every_declared_dimension_gets_display_names_in_both_languages(d):
    facts = {d.master: _master(d)} if d.master else {}
    zh, en = (_names(d.name, lang, facts) for lang in ("zh", "en"))
    assert zh[OTHER] == "其他" and en[OTHER] == "Other"
    assert (zh[UNASSIGNED], en[UNASSIGNED]) == ("未分类", "Unassigned")
    if d.master and d.name_column:
        shown = ("X1 中文名", "X1 English name") if d.code_in_name else ("中文名", "English name")
        assert (zh["X1"], en["X1"]) == shown
    elif d.master:  # codes are the names (machines): a code is shown as it is
        assert "X1" not in zh and N.display_name(facts, d.name, "X1") == "X1"
    for group in d.labels:
        for code in N.LABEL_GROUPS[group]:
            assert zh[code] and en[code], (d.name, group, code)
    if d.named_by_code:
        assert set(zh) == {OTHER, UNASSIGNED}


def test_label_groups_name_codes_and_later_groups_win():
    zh = _names("category", "zh", {})
    en = _names("category", "en", {})
    assert zh["breakdown"] == "故障停机" and en["labour"] == "Labour"  # downtime and cost categories
    assert en["scrap"] == "Scrap" and en["no_ideal_cycle"] == "No ideal cycle in routing"  # waterfall steps
    assert en["speed"] == "Reduced speed"  # reasons.category's label, not the waterfall step's
    assert _names("stage", "zh", {})["final"] == "成品检验"
    assert _names("department", "zh", {})["quality"] == "品管部"
    assert _names("department", "en", {})["warehouse"] == "Warehouse / material control"


def test_reason_names_are_the_name_alone_falling_back_to_the_code():
    reasons = pl.DataFrame({"reason_code": ["SC-1", "SC-2"], "name_zh": ["缺料", None], "name_en": ["Short shot", ""]})
    assert _names("reason", "zh", {"reasons": reasons})["SC-1"] == "缺料"
    en = _names("reason", "en", {"reasons": reasons})
    assert (en["SC-1"], en["SC-2"]) == ("Short shot", "SC-2")


def test_a_new_dimension_needs_no_branch_in_names(monkeypatch):
    colour = Dimension("colour", labels=("abc_class", "severity"))
    monkeypatch.setitem(DIMENSION_BY_NAME, "colour", colour)
    assert _names("colour", "zh", {})["major"] == "严重"
    assert _names("colour", "en", {})["major"] == "Major"


def test_a_dimension_with_neither_a_master_nor_labels_cannot_be_declared():
    with pytest.raises(ValueError, match="colour"):
        Dimension("colour")
