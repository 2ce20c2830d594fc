"""The upload wizard of an input page (docs/architecture.md "Ingestion", issue 3): template
download, file -> what was
detected and a preview -> sheet and column mapping (presets per department and kind) -> options ->
the validation report with every problem and the rejected rows -> commit as one batch.

All checking and writing is data_access.ingest's; this module only draws it. The helpers
problems_frame / show_problems / set_flash / show_flash are shared by the form, the history and
the data editor of the same page.
"""
from __future__ import annotations

import json
import re
import dataclasses

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from dashboard.i18n import LANG_NAMES, LANGS, t
from dashboard.i18n.codes import choices_text
from dashboard.ingest_messages import describe, message, rejected_rows_bytes, summary, translator
from dashboard.ui.plain_text import plain
from data_access.db import data_version
from data_access.ingest import (MAX_BYTES, ImportResult, Problem, check_upload, column_help, import_upload, load_preset,
                                match_headers, read_upload, save_preset, template_bytes,
                                template_file_name)
from data_access.ingest.commit import file_sha256, same_file_problem
from data_access.ingest.problems import FileProblem
from data_access.ingest.read import column_names
from data_access.kinds import Kind

PREVIEW_ROWS = 10
MB = 1024 * 1024
UPLOAD_TYPES = ["csv", "txt", "xlsx", "xlsm"]
DELIMITER_KEYS = {",": "input.detected.comma", ";": "input.detected.semicolon", "\t": "input.detected.tab"}
IGNORE = ""  # mapping choice "ignore this column"


# ------------------------------------------------------------------ shared with form, history, editor
def set_flash(kind_name: str, level: str, message: str) -> None:
    """A message shown once, after the rerun that follows a write (the widget state is reset then)."""
    st.session_state[f"input_flash_{kind_name}"] = (level, message)


def show_flash(kind_name: str) -> None:
    flash = st.session_state.pop(f"input_flash_{kind_name}", None)
    if flash:
        level, message = flash
        getattr(st, level)(plain(message))


def bump_nonce(name: str) -> None:
    """Widgets keyed with the nonce start empty after a successful write."""
    st.session_state[name] = st.session_state.get(name, 0) + 1


def problems_frame(problems: list[Problem], lang: str, row_label_key: str = "input.problems.row",
                   kind: Kind | None = None, file_kind: Kind | None = None) -> pl.DataFrame:
    """Every problem as a row of a table: where (row as in the file, column), value, message. A file's
    column is named as the file writes it (the clerk finds it there); with `kind` (the editor, whose
    problems name fields) a field's name reads as the field's label."""
    labels = {f.name: f.label(lang) for f in kind.fields} if kind is not None else {}
    columns = [labels.get(p.column, p.column) for p in problems]
    messages = [message(p, lang) for p in problems]
    if file_kind is not None and lang == "zh":  # a file with English headers: each field id with its words
        words = {f.name: f.label(lang) for f in file_kind.fields}
        columns = [f"{c}（{words[c]}）" if c in words else c for c in columns]
        ids = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")(?![\w-])")
        messages = [ids.sub(lambda m: words[m.group(1)], m) if m else m for m in messages]
    return pl.DataFrame({
        t(row_label_key, lang): [p.row for p in problems],
        t("input.problems.column", lang): columns,
        t("input.problems.value", lang): [p.value for p in problems],
        t("input.problems.message", lang): messages,
        t("input.problems.level", lang): [t("input.problems.warning" if p.warning else "input.problems.error", lang)
                                          for p in problems],
    }, schema={t(row_label_key, lang): pl.Int64, t("input.problems.column", lang): pl.String,
               t("input.problems.value", lang): pl.String, t("input.problems.message", lang): pl.String,
               t("input.problems.level", lang): pl.String})


def show_problems(problems: list[Problem], lang: str, row_label_key: str = "input.problems.row",
                  kind: Kind | None = None, file_kind: Kind | None = None) -> None:
    """Problems of the file as a whole (no row: empty file, missing or extra columns, permission,
    same file) as messages; every problem of a row in one table (a table shows user text literally)."""
    for p in problems:
        if p.row is None:
            # The box's colour says "warning"; describe() would say it again.
            (st.warning if p.warning else st.error)(plain(describe(dataclasses.replace(p, warning=False), lang)))
    located = [p for p in problems if p.row is not None]
    if located:
        st.dataframe(problems_frame(located, lang, row_label_key, kind, file_kind), hide_index=True, width="stretch",
                     height=min(38 + 35 * len(located), 420))


# ------------------------------------------------------------------ template
def template_downloads(kind: Kind, lang: str) -> None:
    """CSV and XLSX templates with English or Chinese headers, and what each column means."""
    st.markdown(f"**{t('input.template.title', lang)}**")
    st.caption(t("input.template.intro", lang))
    cols = st.columns([2, 1, 1, 2])
    header_lang = cols[0].radio(t("input.template.header_lang", lang), LANGS, index=LANGS.index(lang),
                                format_func=LANG_NAMES.get, horizontal=True, key=f"input_tpl_lang_{kind.name}")
    for col, fmt in zip(cols[1:3], ("csv", "xlsx")):
        col.download_button(t(f"input.template.{fmt}", lang), template_bytes(kind.name, header_lang, fmt, translator(header_lang)),
                            file_name=template_file_name(kind.name, header_lang, fmt), icon=":material/download:",
                            key=f"input_tpl_{fmt}_{kind.name}", on_click="ignore",
                            mime="text/csv" if fmt == "csv" else
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with st.expander(t("input.template.columns", lang)):
        titles = [t(k, lang) for k in ("ingest.tpl.col.header", "ingest.tpl.col.field", "ingest.tpl.col.label",
                                      "ingest.tpl.col.type", "ingest.tpl.col.required", "ingest.tpl.col.allowed",
                                      "ingest.tpl.col.help")]
        rows = column_help(kind, header_lang, translator(header_lang))
        for row, f in zip(rows, kind.fields):  # the allowed codes with their words (dashboard.i18n.codes)
            if f.choices:
                row[5] = row[5].replace(", ".join(f.choices), choices_text(kind.name, f.name, f.choices, lang), 1)
        st.dataframe(pl.DataFrame(rows, schema=titles, orient="row"), hide_index=True, width="stretch")


# ------------------------------------------------------------------ what was detected
def detected_lines(result: ImportResult, lang: str) -> list[str]:
    """What the reader found out about the file, one "**label:** value" per item (values plain)."""
    info = result.info
    items = [("input.detected.format", info.format.upper()),
             ("input.detected.size", f"{info.size / 1024:.1f} KB")]
    if info.encoding:
        items.append(("input.detected.encoding", info.encoding))
    if info.delimiter:
        items.append(("input.detected.delimiter", t(DELIMITER_KEYS.get(info.delimiter, "input.detected.comma"), lang)))
    if info.line_ending:
        items.append(("input.detected.line_ending", info.line_ending))
    if info.sheet:
        items.append(("input.detected.sheet", info.sheet))
    header = str(info.header_row)
    if info.extra_header_rows:
        header += " + " + ", ".join(str(r) for r in info.extra_header_rows)
    items.append(("input.detected.header_row", header))
    items.append(("input.detected.rows", str(result.rows_in_file)))
    if info.date_formats:
        header_of = result.match.header_of if result.match else (lambda name: name)
        items.append(("input.detected.date_formats",
                      ", ".join(f"{header_of(f)}: {fmt}" for f, fmt in info.date_formats.items())))
    if info.merged_cells_filled:
        items.append(("input.detected.merged_filled", str(info.merged_cells_filled)))
    return [f"**{t(key, lang)}:** {plain(value)}" for key, value in items]


def preview_frame(raw, rows: int = PREVIEW_ROWS, lang: str = "en") -> pl.DataFrame:
    """The first data rows as written in the file, under the file's own headers, with row numbers."""
    names = column_names(raw.headers, blank="({})", repeat=" ")
    head = raw.frame.head(rows)
    head = head.rename({f"c{i}": n for i, n in enumerate(names) if f"c{i}" in head.columns})
    return head.select(raw.row_numbers.head(rows).alias(t("input.problems.row", lang)), *head.columns)


# ------------------------------------------------------------------ the wizard
def _memo(slot: str, key: tuple, compute):
    """One remembered value per slot: reruns caused by unrelated widgets do not re-read the file."""
    held = st.session_state.get(slot)
    if held is not None and held[0] == key:
        return held[1]
    value = compute()
    st.session_state[slot] = (key, value)
    return value


def forget(prefix: str) -> None:
    """Drop the remembered file and check of a finished or removed upload (they hold the whole file)."""
    for slot in (f"{prefix}_raw", f"{prefix}_check"):
        st.session_state.pop(slot, None)


def field_choice_label(kind: Kind, name: str, lang: str) -> str:
    if name == IGNORE:
        return t("input.map.ignore", lang)
    return f"{kind.field(name).label(lang)} ({name})"


def mapping_editor(kind: Kind, headers: list[str], preset: dict[str, str] | None, key_prefix: str,
                   lang: str) -> dict[str, str]:
    """A selectbox for every header that matches no field by itself; the saved preset prefills them.
    Returns {file header: field} of the columns mapped by hand."""
    auto = match_headers(kind.name, headers)
    unmatched = list(auto.extra)
    if not unmatched:
        return {}
    st.markdown(f"**{t('input.map.title', lang)}**")
    st.caption(t("input.map.intro", lang, missing=", ".join(auto.missing_required) or "—"))
    free = [f.name for f in kind.fields if f.name not in auto.columns]
    mapping = {}
    cols = st.columns(3)
    for i, header in enumerate(unmatched):
        options = [IGNORE, *free]
        wanted = (preset or {}).get(header, IGNORE)
        with cols[i % 3]:
            chosen = st.selectbox(t("input.map.column", lang, header=plain(header)), options,
                                  index=options.index(wanted) if wanted in options else 0,
                                  format_func=lambda name: field_choice_label(kind, name, lang),
                                  key=f"{key_prefix}_{header}")  # per header: another sheet has others
        if chosen != IGNORE:
            mapping[header] = chosen
    return mapping


def upload_wizard(engine: Engine, kind: Kind, department: str, user, lang: str) -> None:
    template_downloads(kind, lang)
    st.divider()
    show_flash(kind.name)
    nonce_key = f"input_upload_nonce_{kind.name}"
    nonce = st.session_state.get(nonce_key, 0)
    prefix = f"input_{kind.name}_{nonce}"
    uploaded = st.file_uploader(t("input.upload.label", lang, kind=kind.label(lang)), type=UPLOAD_TYPES,
                                key=f"input_upload_{kind.name}_{nonce}",
                                help=t("input.upload.help", lang, limit_mb=MAX_BYTES // MB),
                                max_upload_size=MAX_BYTES // MB)  # the browser refuses bigger files
    if uploaded is None:
        forget(prefix)
        return
    data, file_name = uploaded.getvalue(), uploaded.name
    sha = file_sha256(data)

    preset = load_preset(engine, department, kind.name)
    sheet = st.session_state.get(f"{prefix}_sheet")
    try:
        raw = _memo(f"{prefix}_raw", (sha, sheet, json.dumps(preset, sort_keys=True)),
                    lambda: read_upload(data, file_name, kind.name, sheet=sheet, mapping=preset))
    except FileProblem as problem:
        st.error(plain(message(problem.problem(), lang)))
        return

    # Shown in this order; filled in the order the answers are known (the check needs the choices).
    detected_area, mapping_area, report_area = st.container(), st.container(), st.container()
    with mapping_area:
        mapping = mapping_editor(kind, raw.headers, preset, f"{prefix}_map", lang)
        if preset and any(preset.get(h) for h in mapping):
            st.caption(t("input.map.preset_used", lang))
    with report_area:
        st.markdown(f"**{t('input.report.title', lang)}**")
        options = st.columns(2)
        valid_only = options[0].checkbox(t("input.upload.valid_only", lang), key=f"{prefix}_valid_only",
                                         help=t("input.upload.valid_only_help", lang))
        replace = options[1].checkbox(t("input.upload.replace", lang), key=f"{prefix}_replace",
                                      help=t("input.upload.replace_help", lang))

    check_key = (sha, sheet, json.dumps(mapping, sort_keys=True), replace, data_version(engine))
    result = _memo(f"{prefix}_check", check_key,
                   lambda: check_upload(engine, kind.name, data, file_name, mapping=mapping or None, sheet=sheet,
                                        replace=replace))
    with detected_area:
        st.markdown(f"**{t('input.detected.title', lang)}** · {plain(file_name)}")
        if len(raw.info.sheets) > 1:
            st.selectbox(t("input.upload.sheet", lang), raw.info.sheets, index=raw.info.sheets.index(raw.info.sheet),
                         key=f"{prefix}_sheet", help=t("input.upload.sheet_help", lang))
        if result.info is not None:
            st.markdown(" · ".join(detected_lines(result, lang)))
        st.markdown(f"**{t('input.preview.title', lang, rows=min(PREVIEW_ROWS, raw.frame.height))}**")
        st.dataframe(preview_frame(raw, lang=lang), hide_index=True, width="stretch")
    with report_area:
        if result.info is None:  # the file as a whole cannot be used
            show_problems(result.problems, lang, file_kind=kind)
            return

        valid_rows = result.valid.height if result.valid is not None else 0
        # The same bytes imported before: say so first, naming the batch (import would refuse it).
        earlier = same_file_problem(engine, kind.name, data)
        if earlier is not None:
            st.error(plain(message(earlier, lang)))
        if result.errors and not result.rejected_row_numbers:
            st.error(t("input.report.file_errors", lang, problems=len(result.errors)))
        elif result.errors:
            st.error(t("input.report.errors", lang, problems=len(result.errors), rows=len(result.rejected_row_numbers),
                       valid=valid_rows))
        elif result.warnings:
            st.warning(t("input.report.warnings_only", lang, rows=valid_rows, warnings=len(result.warnings)))
        else:
            st.success(t("input.report.clean", lang, rows=valid_rows))
        show_problems(result.problems, lang, file_kind=kind)
        if result.rejected is not None and result.rejected.height:
            downloads = st.columns(2)
            for col, fmt in zip(downloads, ("csv", "xlsx")):
                col.download_button(t(f"input.report.rejected_{fmt}", lang, rows=result.rejected.height),
                                    rejected_rows_bytes(result, fmt, lang), on_click="ignore", icon=":material/download:",
                                    file_name=f"{file_name.rsplit('.', 1)[0]}_rejected.{fmt}",
                                    key=f"{prefix}_rej_{fmt}")

        file_level = earlier is not None or any(p.row is None and not p.warning for p in result.problems)
        blocked = file_level or valid_rows == 0 or (bool(result.errors) and not valid_only)
        if blocked and not file_level and valid_rows:
            st.caption(t("input.upload.blocked", lang))
        remember = False
        if mapping and mapping != {h: f for h, f in (preset or {}).items() if h in mapping}:
            remember = st.checkbox(t("input.map.remember", lang), value=True, key=f"{prefix}_remember")
        if st.button(t("input.upload.commit", lang, rows=valid_rows), type="primary", disabled=blocked,
                     key=f"{prefix}_commit", icon=":material/upload:"):
            done = import_upload(engine, kind.name, data, file_name, user.name, mapping=mapping or None, sheet=sheet,
                                 replace=replace, valid_only=valid_only, department=department)
            if done.written:
                if remember:
                    save_preset(engine, department, kind.name, {**(preset or {}), **mapping}, user=user.name)
                set_flash(kind.name, "success", t("input.upload.done", lang, summary=summary(done, lang),
                                                  file=file_name))
                forget(prefix)
                bump_nonce(nonce_key)
                st.rerun()
            st.error(plain(summary(done, lang)))
            show_problems([p for p in done.problems if not p.warning], lang, file_kind=kind)
