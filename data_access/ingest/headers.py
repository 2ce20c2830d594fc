"""Step 2: file headers -> fields of the kind (docs/kinds.md): field name, Chinese label, English label
and aliases, ignoring case, spaces and punctuation; a hand-made mapping wins over all of them.
Mappings are saved as presets per department and kind (docs/architecture.md "Ingestion")."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from data_access.db import write_transaction
from data_access.kinds import get_kind, normalise_header
from data_access.models import MappingPreset, utcnow

IGNORE = ""  # a mapping value meaning "ignore this column"


@lru_cache(maxsize=None)
def header_index(kind_name: str) -> dict[str, str]:
    """normalised header text -> field name. Field names first, then labels, then aliases, so that
    a field's own name is never taken by another field's alias."""
    kind = get_kind(kind_name)
    index: dict[str, str] = {}
    for texts in (lambda f: [f.name], lambda f: [f.zh, f.en], lambda f: list(f.aliases)):
        for f in kind.fields:
            for text in texts(f):
                index.setdefault(normalise_header(text), f.name)
    return index


def _normalised_mapping(kind_name: str, mapping: dict[str, str] | None) -> dict[str, str]:
    if not mapping:
        return {}
    kind = get_kind(kind_name)
    out = {}
    for header, target in mapping.items():
        target = (target or "").strip()
        if target and target not in kind.field_names:
            raise ValueError(f"mapping: {target!r} is not a field of {kind_name}")
        out[normalise_header(header)] = target
    return out


def match_cell(kind_name: str, text, mapping: dict[str, str] | None = None) -> str | None:
    """The field a header cell stands for, or None."""
    if text is None or str(text).strip() == "":
        return None
    key = normalise_header(text)
    norm_map = _normalised_mapping(kind_name, mapping)
    if key in norm_map:
        return norm_map[key] or None
    return header_index(kind_name).get(key)


def header_threshold(kind_name: str) -> int:
    """A row is the header row when it names at least half of the required fields."""
    required = sum(1 for f in get_kind(kind_name).fields if f.required)
    return max(1, math.ceil(required / 2))


@dataclass
class HeaderMatch:
    columns: dict[str, int]  # field -> column position in the file
    headers: list[str]  # every header as written in the file
    extra: list[str] = field(default_factory=list)  # headers that match no field (ignored)
    missing_required: list[str] = field(default_factory=list)
    missing_optional: list[str] = field(default_factory=list)
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # field -> headers that all map to it

    def header_of(self, field_name: str) -> str:
        return self.headers[self.columns[field_name]] if field_name in self.columns else field_name

    @property
    def mapping(self) -> dict[str, str]:
        """{file header: field} as matched, e.g. to prefill the UI's mapping editor."""
        return {self.headers[i]: f for f, i in self.columns.items()}


def match_headers(kind_name: str, headers: list[str], mapping: dict[str, str] | None = None) -> HeaderMatch:
    kind = get_kind(kind_name)
    found: dict[str, list[int]] = {}
    extra = []
    ignored = {k for k, v in _normalised_mapping(kind_name, mapping).items() if not v}
    for i, text in enumerate(headers):
        target = match_cell(kind_name, text, mapping)
        if target:
            found.setdefault(target, []).append(i)
        elif str(text or "").strip() and normalise_header(text) not in ignored:
            extra.append(str(text))
    columns = {f: idx[0] for f, idx in found.items()}
    duplicates = {f: [headers[i] for i in idx] for f, idx in found.items() if len(idx) > 1}
    return HeaderMatch(
        columns=columns, headers=[str(h or "") for h in headers], extra=extra,
        missing_required=[f.name for f in kind.fields if f.required and f.name not in columns],
        missing_optional=[f.name for f in kind.fields if not f.required and f.name not in columns],
        duplicates=duplicates,
    )


# ------------------------------------------------------------------------------- presets
def save_preset(engine: Engine, department: str, kind_name: str, mapping: dict[str, str], *, user: str) -> None:
    """Remember a hand-made mapping {file header: field} for this department and kind. Raises
    PermissionDenied (nothing saved) unless `user` is an admin or a clerk of that department who
    may write the kind."""
    from data_access.permissions import ensure_can_save_preset

    _normalised_mapping(kind_name, mapping)  # refuse unknown fields before saving
    table = MappingPreset.__table__
    with write_transaction(engine) as conn:
        ensure_can_save_preset(conn, user, department, kind_name)
        conn.execute(sa.delete(table).where(table.c.department == department, table.c.kind == kind_name))
        conn.execute(sa.insert(table).values(department=department, kind=kind_name, updated_at=utcnow(),
                                             mapping_json=json.dumps(mapping, ensure_ascii=False)))


def load_preset(engine: Engine, department: str, kind_name: str) -> dict[str, str] | None:
    table = MappingPreset.__table__
    with engine.connect() as conn:
        text = conn.execute(sa.select(table.c.mapping_json).where(
            table.c.department == department, table.c.kind == kind_name)).scalar()
    return json.loads(text) if text else None


def load_mapping_file(path) -> dict[str, str]:
    """`--mapping FILE`: a JSON object {file header: field name}."""
    from pathlib import Path

    data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    if not isinstance(data, dict):
        raise ValueError("mapping file must hold a JSON object {file header: field name}")
    return {str(k): str(v or "") for k, v in data.items()}
