"""`make bench`: every benchmark of the project, side by side in one run, printed as tables.

Each module tests/bench/bench_*.py exposes `run() -> list[dict]`; every dict is one row
(at least "case", and the figures as named columns; ratios computed in the module against the
plain baseline its issue names). Run one with `python -m tests.bench NAME`.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
import time

import tests.bench as bench_pkg


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n## {title}")
    if not rows:
        print("(no rows)")
        return
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]

    def fmt(v) -> str:
        if isinstance(v, float):
            return f"{v:,.3f}" if abs(v) < 1000 else f"{v:,.0f}"
        return "" if v is None else str(v)

    cells = [[fmt(r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print(" | ".join(c.ljust(w) for c, w in zip(columns, widths)))
    print("-|-".join("-" * w for w in widths))
    for row in cells:
        print(" | ".join(v.ljust(w) for v, w in zip(row, widths)))


def main(names: list[str]) -> int:
    modules = sorted(m.name for m in pkgutil.iter_modules(bench_pkg.__path__) if m.name.startswith("bench_"))
    if names:
        modules = [m for m in modules if any(n in m for n in names)]
    for name in modules:
        module = importlib.import_module(f"tests.bench.{name}")
        started = time.perf_counter()
        try:
            rows = module.run()
        except Exception as error:  # one failing bench must not end the run: the others' tables still print
            rows = [{"case": f"error: {type(error).__name__}: {str(error)[:160]}"}]
        print_table(f"{name[6:]}  ({time.perf_counter() - started:.0f} s)", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
