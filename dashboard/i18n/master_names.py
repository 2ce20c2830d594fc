"""A master row's name in the user's language (issue 20.1): lines, products, materials, machines,
customers and suppliers keep the plant's own (Chinese) name in `name` and an optional English one in `name_en`.
Chinese shows `name`, English `name_en`, each falling back to the other when empty, so a plant that
keeps only one of them still reads everywhere. Used by the pages, the PDF, the XLSX and the CLI.

A leaf like the rest of dashboard.i18n (polars and the current language only)."""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from dashboard.i18n import current_lang

BILINGUAL = ("lines", "products", "materials", "machines", "customers", "suppliers")


def local_name(frame: pl.DataFrame, lang: str | None = None) -> pl.Expr:
    """An expression for the row's name in `lang` (aliased "name")."""
    lang = lang or current_lang()
    if "name_en" not in frame.columns:
        return pl.col("name")
    first, second = (pl.col("name"), pl.col("name_en")) if lang == "zh" else (pl.col("name_en"), pl.col("name"))
    empty = first.is_null() | (first.cast(pl.String).str.strip_chars() == "")
    return pl.when(empty).then(second).otherwise(first).alias("name")


def localized(frame: pl.DataFrame, lang: str | None = None) -> pl.DataFrame:
    """The master frame with `name` in the user's language."""
    if "name" not in frame.columns or "name_en" not in frame.columns:
        return frame
    return frame.with_columns(local_name(frame, lang))


def localized_frames(frames: Mapping[str, pl.DataFrame], lang: str | None = None) -> dict[str, pl.DataFrame]:
    """{kind: frame} with the bilingual masters' `name` in the user's language (other frames as they are)."""
    return {k: localized(v, lang) if k in BILINGUAL else v for k, v in frames.items()}


def row_name(row: Mapping, lang: str | None = None, key: str = "name") -> str:
    """The name of one row (a dict with `key` and `key`_en) in `lang`, "" when it has neither."""
    lang = lang or current_lang()
    own, english = row.get(key), row.get(f"{key}_en")
    first, second = (own, english) if lang == "zh" else (english, own)
    return str(first if first not in (None, "") else (second if second not in (None, "") else ""))


def with_english(frame: pl.DataFrame, **names: str) -> pl.DataFrame:
    """frame.select(new=old, ...) of a master frame that carries `name_en` beside the renamed `name` (as
    `new`_en null when the frame has none), for choosing the language at render time (row_name, local_name)."""
    english = pl.col("name_en") if "name_en" in frame.columns else pl.lit(None, pl.String)
    cols = {new: pl.col(old) for new, old in names.items()}
    for new, old in names.items():
        if old == "name":
            cols[f"{new}_en"] = english
    return frame.select(**cols)


__all__ = ["BILINGUAL", "local_name", "localized", "localized_frames", "row_name", "with_english"]
