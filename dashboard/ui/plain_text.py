"""User text (names, comments, file names) shown literally inside Markdown-rendered elements.

st.markdown, st.caption, st.info, st.success ... render Markdown: a user named `**boss**` would
appear bold, `[x](http://…)` as a link. plain() backslash-escapes every ASCII punctuation mark
(CommonMark allows escaping any of them), so the text reads exactly as typed. Raw HTML is never
rendered by Streamlit without unsafe_allow_html; the escape also keeps `<` and `>` visible.
Tables (st.dataframe) and st.text need no escaping.

spreadsheet_csv() does the same for downloads: a cell starting with =, +, - or @ would run as a
formula in Excel, so it gets a leading apostrophe (docs/architecture.md "Ingestion").
"""
from __future__ import annotations

import re

import polars as pl

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: object) -> str:
    return _PUNCTUATION.sub(r"\\\1", str(text)).replace("\n", " ")


def spreadsheet_csv(frame: pl.DataFrame) -> bytes:
    """CSV in UTF-8 with a BOM (so that Excel reads Chinese), formula-looking text made inert."""
    text = {c: pl.col(c).cast(pl.String) for c, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical)}
    safe = frame.with_columns(pl.when(v.str.contains(r"^[=+\-@]")).then(pl.lit("'") + v).otherwise(v).alias(c)
                              for c, v in text.items())
    return ("\ufeff" + safe.write_csv()).encode("utf-8")
