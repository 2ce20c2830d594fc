"""The single-record form of an input page, generated from the kind's fields (docs/kinds.md): one widget
per field by its type, required fields marked, the column's meaning and allowed values as help in
the user's language. The record goes through the upload's validation (submit_record), so a form
can never store what a file could not."""
from __future__ import annotations

from datetime import date, datetime, time

import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.i18n import t
from dashboard.i18n.codes import code_label, field_group
from dashboard.ingest_messages import message, translator
from dashboard.ui.names import BILINGUAL, picker_labels
from dashboard.ui.plain_text import plain
from dashboard.ui.upload_wizard import bump_nonce, set_flash, show_flash
from data_access.ingest import column_help, submit_record
from data_access.kinds import KINDS, Field, Kind
from data_access.loaders import load_kind

MAX_CODE_CHOICES = 5000  # above this a code is typed, not picked from a list
REQUIRED_MARK = " *"


def field_label(f: Field, lang: str) -> str:
    return f.label(lang) + (REQUIRED_MARK if f.required else "")


def field_help(kind: Kind, lang: str) -> dict[str, str]:
    """Help text per field: column name in files, type, allowed values, the declaration's note."""
    out = {}
    for (header, name, _label, type_text, _req, allowed, note), f in zip(column_help(kind, lang, translator(lang)), kind.fields):
        column = t("input.form.help_column", lang, header=header)
        parts = [column if header == name else f"{column} ({name})", type_text]
        parts += [p for p in (allowed, note) if p]
        out[name] = plain(" · ".join(parts))
    return out


def code_choices(engine: Engine, f: Field) -> list[str] | None:
    """The codes a reference field may take (from master data), or None to type it freely."""
    if not f.ref:
        return None
    codes: set[str] = set()
    for table, column in f.ref_targets:
        if table not in KINDS:
            return None
        frame = load_kind(table, engine)
        if column not in frame.columns:
            return None
        codes.update(v for v in frame.get_column(column).drop_nulls().to_list())
    return sorted(codes) if len(codes) <= MAX_CODE_CHOICES else None


def code_choice_labels(engine: Engine, f: Field, lang: str) -> dict[str, str]:
    """{code: "code · name"} for a reference to master data with names (a product also its stage)."""
    out: dict[str, str] = {}
    for table, column in f.ref_targets:
        if table in BILINGUAL:
            out.update(picker_labels({table: load_kind(table, engine)}, table, column, lang))
    return out


def field_widget(engine: Engine, f: Field, label: str, help_text: str, key: str, lang: str, kind: Kind | None = None):
    """The widget for one field; returns a Python value or None (empty). Bounds are not enforced
    by the widgets: the pipeline checks them and says why, as it does for files."""
    widget = f.field_type.widget  # data_access.kinds.field_types
    if widget == "choice":
        group = field_group(kind.name, f.name) if kind else None  # the choice's words, the code stored
        return st.selectbox(label, f.choices, index=None, key=key, help=help_text, placeholder=" ",
                            format_func=(lambda c: code_label(group, c, lang)) if group else str)
    if widget == "checkbox":
        return st.checkbox(label, value=bool(f.field_type.example(f)), key=key, help=help_text)
    if widget == "whole":
        return st.number_input(label, value=None, step=1, key=key, help=help_text)
    if widget == "number":
        return st.number_input(label, value=None, step=1.0, format="%g", key=key, help=help_text)
    if widget == "date":
        default = date.today() if f.required else None
        return st.date_input(label, value=default, key=key, help=help_text, format="YYYY-MM-DD")
    if widget == "time":
        return st.time_input(label, value=None, key=key, help=help_text, step=60)
    if widget == "datetime":
        day_col, time_col = st.columns(2)
        day = day_col.date_input(label, value=None, key=f"{key}_date", help=help_text, format="YYYY-MM-DD")
        moment = time_col.time_input(t("input.form.time", lang), value=None, key=f"{key}_time", step=60)
        return datetime.combine(day, moment or time(0)) if day else None
    if widget == "month":
        return st.text_input(label, key=key, help=help_text, placeholder="2026-01") or None
    choices = code_choices(engine, f)
    if choices is not None:  # a code from master data: pick it (or type a new one, which is then refused)
        labels = code_choice_labels(engine, f, lang)
        return st.selectbox(label, choices, index=None, key=key, help=help_text, accept_new_options=True,
                            placeholder=" ", format_func=lambda c: labels.get(c, c))
    return st.text_input(label, key=key, help=help_text) or None


def problem_line(kind: Kind, problem, lang: str) -> str:
    """"Good qty (good_qty), value '-3': must be at least 0" -- the field as the form labels it."""
    parts = []
    if problem.field:
        parts.append(f"{kind.field(problem.field).label(lang)} ({problem.field})")
    elif problem.column:
        parts.append(problem.column)
    if problem.value is not None:
        parts.append(t("ingest.where.value", lang, value=problem.value))
    where = t("ingest.where.sep", lang).join(parts)
    text = message(problem, lang)
    return f"{where}: {text}" if where else text


def record_form(engine: Engine, kind: Kind, department: str, user, lang: str) -> None:
    show_flash(f"{kind.name}_form")
    nonce_key = f"input_form_nonce_{kind.name}"
    nonce = st.session_state.get(nonce_key, 0)
    helps = field_help(kind, lang)
    st.caption(t("input.form.intro", lang, mark=REQUIRED_MARK.strip()))
    with st.form(f"input_form_{kind.name}_{nonce}", border=True):
        values = {}
        cols = st.columns(2)
        for i, f in enumerate(kind.fields):
            with cols[i % 2]:
                values[f.name] = field_widget(engine, f, field_label(f, lang), helps[f.name],
                                              key=f"input_form_{kind.name}_{nonce}_{f.name}", lang=lang, kind=kind)
        replace = st.checkbox(t("input.form.replace", lang), key=f"input_form_{kind.name}_{nonce}_replace",
                              help=t("input.upload.replace_help", lang))
        submitted = st.form_submit_button(t("input.form.submit", lang), type="primary", icon=":material/save:")
    if not submitted:
        return
    result = submit_record(engine, kind.name, values, user.name, replace=replace, department=department)
    if result.written:
        set_flash(f"{kind.name}_form", "success", t("input.form.saved", lang, batch=result.batch_id,
                                                    replaced=result.rows_replaced))
        bump_nonce(nonce_key)
        st.rerun()
    lines = [problem_line(kind, p, lang) for p in result.errors]
    st.error(t("input.form.rejected", lang, problems=len(lines)) + "\n" + "\n".join(f"- {plain(x)}" for x in lines))
    for p in result.warnings:
        st.warning(plain(problem_line(kind, p, lang)))
