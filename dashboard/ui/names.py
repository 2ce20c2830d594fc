"""Display names for the codes of a dimension, in the user's language (master data names, reason
names, loss categories, stages, cost categories, departments). Pure: no Streamlit.

Used by the analysis pages (dashboard.ui.analysis re-exports these) and by "Why?" (dashboard.ui.explain,
which the KPI tiles import: this module keeps that free of an import cycle)."""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from dashboard.i18n import current_lang, t
from dashboard.i18n.codes import code_label, code_labels
from dashboard.i18n.master_names import BILINGUAL, local_name, localized, localized_frames
from dashboard.kpi import OTHER, UNASSIGNED
from dashboard.kpi.dimensions import DIMENSION_BY_NAME
from data_access.kinds.base import DEPARTMENTS


# {dimension: (master kind, code column)} of the dimensions whose names are master data names
_MASTER = {d.name: (d.master, d.code) for d in DIMENSION_BY_NAME.values() if d.master and d.name_column}


def stage_label(stage, lang: str | None = None) -> str:
    return code_label("product_stage", stage, lang)


def picker_labels(facts: Mapping[str, pl.DataFrame], kind: str, code: str, lang: str | None = None) -> dict[str, str]:
    """{code: "code · name"} for a picker of master rows in the user's language; a product also shows its
    development stage ("P-1001 · 16A 开关外壳 · 市场化", issue 17.3)."""
    frame = facts[kind]
    if frame.height == 0:
        return {}
    frame = localized(frame, lang) if "name" in frame.columns else frame.with_columns(name=pl.lit(None, pl.String))
    stages = frame.get_column("stage").to_list() if kind == "products" and "stage" in frame.columns else None
    out: dict[str, str] = {}
    for i, (c, n) in enumerate(frame.select(code, "name").iter_rows()):
        parts = [c] + ([n] if n and n != c else [])
        if stages is not None and stages[i]:
            parts.append(stage_label(stages[i], lang))
        out[c] = " · ".join(parts)
    return dict(sorted(out.items()))


def names(facts: Mapping[str, pl.DataFrame], dim: str) -> dict[str, str]:
    """{code: display name} for a dimension in the current language."""
    lang = current_lang()
    out: dict[str, str] = {OTHER: t("kpi.other"), UNASSIGNED: t("kpi.unassigned")}
    if dim == "reason":
        reasons = facts["reasons"]
        column = "name_zh" if lang == "zh" else "name_en"
        out.update({c: (n or c) for c, n in reasons.select("reason_code", column).iter_rows()})
    elif dim in _MASTER:
        kind, code = _MASTER[dim]
        if dim in ("machine",):  # machine codes are what the floor says
            return out
        frame = facts[kind]
        out.update({c: f"{c} {n}" if n else c for c, n in frame.select(code, local_name(frame, lang)).iter_rows()})
    elif dim in ("category", "loss"):
        for c in ("speed", "scrap", "rework", "no_ideal_cycle"):  # the waterfall's own loss steps
            out[c] = t(f"kpi.loss.{c}")
        out.update(code_labels("loss_category"))  # the reasons' categories (dashboard.i18n.codes)
        out["speed"] = t("kpi.loss.speed") if dim == "loss" else out["speed"]
    elif dim == "stage":
        out.update(code_labels("inspection_stage"))
    elif dim == "cost_category":
        out.update(code_labels("cost_category"))
    elif dim == "department":
        out.update({d: (zh if lang == "zh" else en) for d, (en, zh) in DEPARTMENTS.items()})
    return out


def display_name(facts: Mapping[str, pl.DataFrame], dim: str, code: str) -> str:
    return names(facts, dim).get(code, code)


def with_names(frame: pl.DataFrame, code_column: str, facts: Mapping[str, pl.DataFrame], dim: str) -> pl.DataFrame:
    """Adds `code` and `name` (display text) for a code column."""
    mapping = names(facts, dim)
    return frame.with_columns(code=pl.col(code_column).cast(pl.String)).with_columns(
        name=pl.col("code").replace_strict(mapping, default=pl.col("code"), return_dtype=pl.String))


__all__ = ["BILINGUAL", "display_name", "local_name", "localized", "localized_frames", "names", "picker_labels", "stage_label",
           "with_names"]
