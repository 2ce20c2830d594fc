"""An audit entry's detail (stored as JSON) in words: "Good qty: 950 → 940", "file: week2.csv; rows: 12",
field names as the kinds' labels and codes as their labels (dashboard.i18n.codes). Pure: no Streamlit."""
from __future__ import annotations

import json

from dashboard.i18n import current_lang, t
from dashboard.i18n.codes import EMPTY, code_label, field_group, is_empty
from data_access.kinds import KINDS


def _key_label(key: str, kind: str | None, lang: str) -> str:
    if kind in KINDS and key in KINDS[kind].field_names:
        return KINDS[kind].field(key).label(lang)
    text = t(f"r2zh.audit.key.{key}", lang)
    return key if text == f"r2zh.audit.key.{key}" else text


def _value(key: str, value, kind: str | None, lang: str) -> str:
    if is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return t("r2zh.audit.yes" if value else "r2zh.audit.no", lang)
    group = field_group(kind, key) if kind else None
    group = group or {"role": "role", "department": "department"}.get(key)
    if key == "source":
        text = t(f"input.history.source.{value}", lang)
        return str(value) if text.startswith("input.") else text
    if group:
        return code_label(group, value, lang)
    if key == "op":  # an account operation, else an action's own word (login, restore ...)
        text = t(f"r2zh.audit.op.{value}", lang)
        return code_label("audit_action", value, lang) if text.startswith("r2zh.") else text
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, float):
        return f"{value:,.4g}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _changes(before: dict, after: dict, kind: str | None, lang: str) -> list[str]:
    return [t("r2zh.audit.change", lang, field=_key_label(k, kind, lang), before=_value(k, before.get(k), kind, lang),
              after=_value(k, after.get(k), kind, lang)) for k in dict.fromkeys([*before, *after])]


def describe(detail: str | None, kind: str | None = None, lang: str | None = None) -> str:
    """The detail in a sentence of the user's language; "—" when there is none."""
    lang = lang or current_lang()
    if is_empty(detail):
        return EMPTY
    try:
        data = json.loads(detail)
    except (TypeError, ValueError):
        return str(detail)
    if not isinstance(data, dict):
        return str(data)
    parts: list[str] = []
    for row in data.get("rows", []) if isinstance(data.get("rows"), list) else []:  # edits: per row before → after
        changes = _changes(row.get("before") or {}, row.get("after") or {}, kind, lang)
        parts.append(f"{t('r2zh.audit.row', lang, id=row.get('id'))}: " + ", ".join(changes))
    if isinstance(data.get("before"), dict) or isinstance(data.get("after"), dict):
        parts += _changes(data.get("before") or {}, data.get("after") or {}, kind, lang)
    for key, value in data.items():
        if key in ("before", "after") or (key == "rows" and isinstance(value, list)):
            continue
        parts.append(f"{_key_label(key, kind, lang)}: {_value(key, value, kind, lang)}")
    return "; ".join(parts) if parts else EMPTY


__all__ = ["describe"]
