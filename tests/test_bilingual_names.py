"""Bilingual master-data names (issue 20.1) and the product's stage on the pickers (issue 17.3).

Products, materials, machines, customers and suppliers keep the plant's own (Chinese) name in `name`
and an optional English one in `name_en`; the user's language picks one, falling back to the other.
Files without `name_en` (every plant file so far) keep importing; Chinese headers map both columns.
"""
from __future__ import annotations

import re

import polars as pl
import pytest

from dashboard.i18n.master_names import BILINGUAL, localized, row_name
from dashboard.ui.names import names, picker_labels
from data_access.ingest import import_upload
from data_access.kinds import KINDS
from data_access.loaders import clear_cache, load_kind
from seed import plant as P
from tests.conftest import make_database
from dashboard.ingest_messages import message

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request, tmp_path):
    clear_cache()
    engine, drop = make_database(request.param, tmp_path)
    try:
        yield engine
    finally:
        drop()


def test_the_five_master_kinds_declare_an_optional_english_name_beside_the_required_name():
    for kind in BILINGUAL:
        assert KINDS[kind].field("name").required, kind
        english = KINDS[kind].field("name_en")
        assert not english.required and english.zh == "英文名称", kind


def test_chinese_headers_import_both_names_and_an_old_file_without_the_english_name_still_imports(db):
    both = "产品编号,产品名称,英文名称,规格,单位,标准成本,生命周期阶段\nP-1,旭日杯,Sunrise cup,PP,pcs,1.5,market\n"
    result = import_upload(db, "products", both.encode(), "products_zh.csv", "tester")
    assert result.written == 1, [message(e, "en") for e in result.errors]
    old = "product_code,name,spec,unit,standard_cost,stage\nP-2,Switch housing,PA66,pcs,2.35,concept\n"
    result = import_upload(db, "products", old.encode(), "products_old.csv", "tester")
    assert result.written == 1, [message(e, "en") for e in result.errors]
    clear_cache()
    stored = load_kind("products", db).sort("product_code")
    assert stored.select("product_code", "name", "name_en").rows() == [
        ("P-1", "旭日杯", "Sunrise cup"), ("P-2", "Switch housing", None)]
    zh, en = localized(stored, "zh"), localized(stored, "en")
    assert zh.get_column("name").to_list() == ["旭日杯", "Switch housing"]  # P-2 has only one name: shown in both
    assert en.get_column("name").to_list() == ["Sunrise cup", "Switch housing"]


def test_the_language_picks_the_name_and_falls_back_to_the_other():
    frame = pl.DataFrame({"material_code": ["M-1", "M-2", "M-3"], "name": ["PP树脂", "", "ABS 树脂"],
                          "name_en": ["PP resin", "PE bag", None]})
    assert localized(frame, "zh").get_column("name").to_list() == ["PP树脂", "PE bag", "ABS 树脂"]
    assert localized(frame, "en").get_column("name").to_list() == ["PP resin", "PE bag", "ABS 树脂"]
    assert row_name({"customer_name": "华南电器", "customer_name_en": "Huanan"}, "en", "customer_name") == "Huanan"
    assert row_name({"name": None, "name_en": None}, "zh") == ""


def test_analysis_names_and_product_pickers_show_the_name_of_the_language_and_the_stage(monkeypatch):
    facts = {"products": pl.DataFrame({"product_code": ["P-1002", "P-1001"], "name": ["10A 插座底座", "旭日杯"],
                                       "name_en": ["Socket base 10A", None], "stage": ["design", "market"]}),
             "reasons": pl.DataFrame({"reason_code": [], "name_zh": [], "name_en": []}, schema={
                 "reason_code": pl.String, "name_zh": pl.String, "name_en": pl.String})}
    assert picker_labels(facts, "products", "product_code", "zh") == {
        "P-1001": "P-1001 · 旭日杯 · 市场化", "P-1002": "P-1002 · 10A 插座底座 · 产品化"}
    assert picker_labels(facts, "products", "product_code", "en") == {
        "P-1001": "P-1001 · 旭日杯 · In market", "P-1002": "P-1002 · Socket base 10A · Design"}
    monkeypatch.setattr("dashboard.ui.names.current_lang", lambda: "en")
    assert names(facts, "product")["P-1002"] == "P-1002 Socket base 10A"
    monkeypatch.setattr("dashboard.ui.names.current_lang", lambda: "zh")
    assert names(facts, "product")["P-1002"] == "P-1002 10A 插座底座"


def test_the_demo_plant_has_a_chinese_and_an_english_name_for_every_master_row():
    rows = ([m for ms in P.MACHINES.values() for m in ms] + [v[0] for v in P.MATERIALS.values()]
            + [p[0] for p in P.PRODUCTS] + [(c[1], c[2]) for c in P.CUSTOMERS] + [(s[1], s[2]) for s in P.SUPPLIERS])
    assert len(rows) == 18 + 15 + 24 + 25 + 8
    for zh, en in rows:
        assert CJK.search(zh), zh
        assert not CJK.search(en) and en.strip(), en
    assert ("PP树脂（共聚）", "PP copolymer resin") in rows
    assert len({zh for zh, _ in rows}) == len(rows)  # no two rows share a Chinese name
