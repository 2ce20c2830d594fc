"""Display names for the codes of a dimension, in the user's language (master data names, reason
names, loss categories, stages, cost categories, departments). Pure: no Streamlit.

Used by the analysis pages (dashboard.ui.analysis re-exports these) and by "Why?" (dashboard.ui.explain,
which the KPI tiles import: this module keeps that free of an import cycle)."""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from dashboard.i18n import current_lang, t
from dashboard.i18n.codes import CODES, code_label
from dashboard.i18n.master_names import BILINGUAL, local_name, localized, localized_frames
from dashboard.kpi import OTHER, UNASSIGNED
from dashboard.kpi.dimensions import DIMENSION_BY_NAME
from data_access.kinds.base import DEPARTMENTS


# The code label groups a dimension's `labels` may name: dashboard.i18n.codes, the departments the kinds
# report to (data_access owns them; i18n is a leaf) and the OEE waterfall's own loss steps.
_LOSS_STEPS = ("speed", "scrap", "rework", "no_ideal_cycle")
LABEL_GROUPS: dict[str, Mapping[str, tuple[str, str]]] = {
    **CODES,
    "reporting_department": DEPARTMENTS,
    "loss_step": {c: (t(f"kpi.loss.{c}", "en"), t(f"kpi.loss.{c}", "zh")) for c in _LOSS_STEPS},
}


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
    """{code: display name} for a dimension in the current language, from its declaration
    (dashboard.kpi.dimensions: master names, code label groups, or the codes themselves)."""
    d = DIMENSION_BY_NAME[dim]
    lang = current_lang()
    out: dict[str, str] = {OTHER: t("kpi.other"), UNASSIGNED: t("kpi.unassigned")}
    for group in d.labels:
        out.update({c: texts[1] if lang == "zh" else texts[0] for c, texts in LABEL_GROUPS[group].items()})
    if d.master and d.name_column:
        frame = facts[d.master]
        name = (pl.col(d.name_column.format(lang=lang)) if "{lang}" in d.name_column
                else local_name(frame, lang) if d.name_column == "name" else pl.col(d.name_column))
        pairs = frame.select(d.code, name.alias("name")).iter_rows()
        out.update({c: (f"{c} {n}" if d.code_in_name else n) if n else c for c, n in pairs})
    return out


def display_name(facts: Mapping[str, pl.DataFrame], dim: str, code: str) -> str:
    return names(facts, dim).get(code, code)


def with_names(frame: pl.DataFrame, code_column: str, facts: Mapping[str, pl.DataFrame], dim: str) -> pl.DataFrame:
    """Adds `code` and `name` (display text) for a code column."""
    mapping = names(facts, dim)
    return frame.with_columns(code=pl.col(code_column).cast(pl.String)).with_columns(
        name=pl.col("code").replace_strict(mapping, default=pl.col("code"), return_dtype=pl.String))


__all__ = ["BILINGUAL", "LABEL_GROUPS", "display_name", "local_name", "localized", "localized_frames", "names", "picker_labels", "stage_label",
           "with_names"]
