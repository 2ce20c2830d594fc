"""`plantkpi` command line (SPEC §7). Same functions as the pages; no Streamlit import.

Each sub-command parses its arguments here and hands over to the module that owns the work.
Exit codes: 0 done, 2 rejected input (problems printed, nothing written), 1 any other failure.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_REJECTED = 0, 1, 2


def _engine():
    from data_access.db import get_engine

    return get_engine()


def cmd_init(args) -> int:
    from data_access.db import database_url, describe, init_db

    engine = _engine()
    init_db(engine)
    print(f"database ready: {describe(database_url())}")
    if args.demo:
        from seed.demo import database_is_empty, load_demo

        if args.if_empty and not database_is_empty(engine):
            print("demo plant not loaded: the database already holds data")
        else:
            load_demo(engine, scale=args.scale, progress=lambda msg: print(msg, flush=True))
    try:
        from dashboard.auth import ensure_demo_accounts

        if args.demo:
            for line in ensure_demo_accounts(engine):
                print(line)
    except ImportError:
        pass
    return EXIT_OK


def cmd_serve(args) -> int:
    app = Path(__file__).parent / "app.py"
    print(f"PlantKPI: open http://localhost:{args.port} in your browser", flush=True)
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--client.toolbarMode", "minimal"]
    return subprocess.call(command, env=os.environ.copy())


def cmd_template(args) -> int:
    from data_access.ingest.template import write_template

    write_template(args.kind, Path(args.out), lang=args.lang, fmt=args.format)
    print(f"template written: {args.out}")
    return EXIT_OK


def cmd_import(args) -> int:
    from data_access.ingest.cli import import_file

    return import_file(args.kind, Path(args.file), mapping_file=args.mapping, replace=args.replace,
                       valid_only=args.valid_only, user=args.user, lang=args.lang)


def cmd_kpi(args) -> int:
    from dashboard.kpi.cli import run_kpi_command

    return run_kpi_command(args, _engine())


def cmd_report(args) -> int:
    from dashboard.reports.cli import run_report_command

    return run_report_command(args, _engine())


def cmd_user(args) -> int:
    from dashboard.auth import user_command

    return user_command(args, _engine())


def cmd_backup(args) -> int:
    from data_access.backup import backup

    backup(_engine(), Path(args.file))
    print(f"backup written: {args.file}")
    return EXIT_OK


def cmd_restore(args) -> int:
    from data_access.backup import restore

    restore(_engine(), Path(args.file))
    print(f"restored from {args.file}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    from data_access.kinds import KINDS

    parser = argparse.ArgumentParser(prog="plantkpi", description="PlantKPI (数字化管理看板)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="create or migrate the database; load the demo plant")
    p.add_argument("--demo", action="store_true", help="load the demo plant")
    p.add_argument("--scale", choices=["small", "medium", "large"], default="small")
    p.add_argument("--if-empty", action="store_true", help="load the demo only into an empty database")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("serve", help="start the web app")
    p.add_argument("--port", type=int, default=8501)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("template", help="write an upload template")
    p.add_argument("kind", choices=sorted(KINDS))
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("import", help="validate and import a CSV/XLSX file")
    p.add_argument("kind", choices=sorted(KINDS))
    p.add_argument("file")
    p.add_argument("--mapping", help="JSON file: {file header: field name}")
    p.add_argument("--replace", action="store_true", help="overwrite rows whose natural key exists")
    p.add_argument("--valid-only", action="store_true", help="import the valid rows, skip the others")
    p.add_argument("--user", default=os.environ.get("USER", "cli"))
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("kpi", help="KPI values")
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument("--by", help="comma-separated dimensions, e.g. month,line")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_kpi)

    p = sub.add_parser("report", help="executive monthly report")
    p.add_argument("--month", required=True, help="YYYY-MM or 'last'")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("user", help="manage accounts")
    user_sub = p.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add")
    add.add_argument("name")
    add.add_argument("--role", choices=["admin", "executive", "manager", "clerk"], required=True)
    add.add_argument("--department")
    add.add_argument("--password", help="default: asked on the terminal")
    p.set_defaults(func=cmd_user)

    p = sub.add_parser("backup", help="whole database to one portable file")
    p.add_argument("file")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="whole database from a backup file")
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)

    from dashboard.explain_cli import add_parser as add_explain_parser

    add_explain_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except Exception as exc:  # a clear message instead of a traceback
        if os.environ.get("PLANTKPI_DEBUG"):
            raise
        print(f"plantkpi {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
