"""`plantkpi` command line (README "Command line"). Same functions as the pages; no Streamlit import.

Each sub-command parses its arguments here and hands over to the module that owns the work (the
larger adapters live in dashboard.commands). Exit codes (dashboard.commands.exit_codes): 0 done,
2 rejected input (problems printed, nothing written), 1 any other failure.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from dashboard.commands.exit_codes import EXIT_FAILED, EXIT_OK, EXIT_REJECTED


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
            from dashboard.i18n import t
            from data_access.snapshots import build

            if written := build(engine):
                print(t("seed.snapshots", kinds=len(written)), flush=True)
    try:
        from dashboard.auth import ensure_demo_accounts

        if args.demo:
            for line in ensure_demo_accounts(engine):
                print(line)
    except ImportError:
        pass
    return EXIT_OK


# polars' allocator (jemalloc) gives freed memory back at once instead of keeping it for seconds: the
# server's peak after every fact is built falls ~15 % (large demo 1.13 -> 0.97 GB), a warm filter change
# costs a few ms more. Set unless the environment sets it.
SERVE_ENV = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}


def cmd_serve(args) -> int:
    app = Path(__file__).parent / "app.py"
    shown = "localhost" if args.address in ("127.0.0.1", "localhost") else args.address
    print(f"PlantKPI: open http://{shown}:{args.port} in your browser", flush=True)
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
               "--server.address", args.address,
               "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--client.toolbarMode", "minimal"]
    return subprocess.call(command, env={**SERVE_ENV, **os.environ})


def cmd_template(args) -> int:
    from dashboard.ingest_messages import translator
    from data_access.ingest.template import write_template

    write_template(args.kind, Path(args.out), args.lang, args.format, translator(args.lang))
    print(f"template written: {args.out}")
    return EXIT_OK


def cmd_import(args) -> int:
    """Without --user as the database owner; with --user NAME as that account, once its password
    checks out (dashboard.commands.user.cli_actor): a refused sign-in is exit 2, nothing written."""
    from dashboard.auth import AuthProblem
    from dashboard.commands.user import cli_actor
    from dashboard.i18n import t
    from data_access.db import ensure_writable, init_db
    from dashboard.commands.ingest import import_file

    engine = _engine()
    ensure_writable(engine)  # before the file is read or a password asked: main() says why, exit 2
    try:
        if args.user is not None:
            init_db(engine)
        actor = cli_actor(engine, args.user, args.lang)
    except AuthProblem as problem:
        print(t("cli.user.bad_login", args.lang, name=args.user, problem=problem.message(args.lang)), file=sys.stderr)
        return EXIT_REJECTED
    return import_file(args.kind, Path(args.file), mapping_file=args.mapping, replace=args.replace,
                       valid_only=args.valid_only, user=actor, lang=args.lang, engine=engine)


def _prestart_sqlite_readers(args) -> None:
    """On SQLite, start the Arrow reader processes now, so that their start-up overlaps this process's
    imports (data_access.sqlite_reader): one for a period of up to two months, two for a longer one
    (read in two id ranges at once)."""
    url = os.environ.get("PLANTKPI_DATABASE_URL", "").strip()
    if url and not url.startswith("sqlite"):
        return
    from data_access.snapshots import sqlite_is_current

    if url.startswith("sqlite:///") and sqlite_is_current(url.removeprefix("sqlite:///").split("?")[0]):
        return  # the large kinds come from their columnar snapshot: no reader needed
    from datetime import date

    try:
        span = (date.fromisoformat(args.date_to) - date.fromisoformat(args.date_from)).days
    except (TypeError, ValueError):  # an open period reads the whole history
        span = None
    from data_access.sqlite_reader import prestart

    prestart(1 if span is not None and span <= 62 else 2)


def cmd_kpi(args) -> int:
    _prestart_sqlite_readers(args)
    from dashboard.commands.kpi import run_kpi_command

    return run_kpi_command(args, _engine())


def cmd_report(args) -> int:
    from dashboard.commands.report import run_report_command

    return run_report_command(args, _engine())


def cmd_user(args) -> int:
    from dashboard.commands.user import user_command

    return user_command(args, _engine())


def cmd_backup(args) -> int:
    from dashboard.i18n import t
    from data_access.backup import BackupError, backup, load_or_create_key

    try:
        key, created = load_or_create_key()
    except BackupError as problem:
        print(f"plantkpi backup: {t(problem.key, args.lang, **problem.params)}", file=sys.stderr)
        return EXIT_REJECTED
    if created:
        print(t("backup.cli.key_created", args.lang, path=key.source), file=sys.stderr)
    backup(_engine(), Path(args.file), key=key)
    print(t("backup.cli.written", args.lang, file=args.file, key_id=key.key_id, source=key.source))
    return EXIT_OK


def cmd_restore(args) -> int:
    """Refused (exit 2, nothing changed): a bad, unsigned, foreign or forged file, one lacking a
    table or an admin. Runs as the database owner: whoever may read the database URL may restore."""
    from dashboard.i18n import t
    from data_access.backup import BackupError, restore
    from data_access.permissions import PermissionDenied, database_owner

    if args.trust_unsigned:
        print(t("backup.cli.trusting", args.lang), file=sys.stderr)
    try:
        manifest = restore(_engine(), Path(args.file), user=database_owner(), trust_unsigned=args.trust_unsigned)
    except BackupError as problem:
        print(f"plantkpi restore: {t(problem.key, args.lang, **problem.params)}", file=sys.stderr)
        return EXIT_REJECTED
    except PermissionDenied as refusal:
        print(f"plantkpi restore: {t(refusal.key, args.lang, **refusal.params(args.lang))}", file=sys.stderr)
        return EXIT_REJECTED
    rows = sum(info["rows"] for info in manifest["tables"].values())
    print(t("backup.cli.restored", args.lang, file=args.file, rows=f"{rows:,}",
            signature=t(f"backup.signature.{manifest['signature']}", args.lang)))
    return EXIT_OK


def cmd_scorecard(args) -> int:
    from dashboard.commands.scorecard import run_scorecard_command

    return run_scorecard_command(args, _engine())


def cmd_payroll(args) -> int:
    from dashboard.commands.payroll import run_payroll_command

    return run_payroll_command(args, _engine())


def cmd_subscription(args) -> int:
    from dashboard.notify import run_subscription_command

    return run_subscription_command(args, _engine())


def cmd_notify(args) -> int:
    from dashboard.notify import run_notify_command

    return run_notify_command(args, _engine(), lang=args.lang)

def cmd_db(args) -> int:
    from data_access.migrations import write_revision

    written = write_revision(args.message)
    if written is None:
        print("nothing to migrate: the migrations already build what data_access.models declares")
        return EXIT_OK
    print(f"migration written: {written} (review it, then commit it with the change)")
    return EXIT_OK


def cmd_docs(args) -> int:
    from dashboard.docs import main as docs_main

    return docs_main(["--check"] if args.check else [])


# The sub-commands as a light table: (name, help, the function declaring its arguments). Only the
# dispatched command's arguments are declared (build_parser(only=...)): some need heavy imports (the
# kinds for choices, the explain module), and a CLI run should not pay for every command's.
def _args_init(p) -> None:
    p.add_argument("--demo", action="store_true", help="load the demo plant")
    p.add_argument("--scale", choices=["small", "medium", "large"], default="small")
    p.add_argument("--if-empty", action="store_true", help="load the demo only into an empty database")
    p.set_defaults(func=cmd_init)


def _args_serve(p) -> None:
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--address", default="127.0.0.1",
                   help="interface to listen on (default: this machine only; 0.0.0.0 for the network)")
    p.set_defaults(func=cmd_serve)


def _kind_names() -> list[str]:
    from data_access.kinds import KINDS

    return sorted(KINDS)


def _args_template(p) -> None:
    p.add_argument("kind", choices=_kind_names())
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_template)


def _args_import(p) -> None:
    p.add_argument("kind", choices=_kind_names())
    p.add_argument("file")
    p.add_argument("--mapping", help="JSON file: {file header: field name}")
    p.add_argument("--replace", action="store_true", help="overwrite rows whose natural key exists")
    p.add_argument("--valid-only", action="store_true", help="import the valid rows, skip the others")
    p.add_argument("--user", help="import as this account: its password is asked on the terminal, read from "
                                  "one line of stdin, or taken from PLANTKPI_PASSWORD (default: as the database owner)")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=cmd_import)


def _args_kpi(p) -> None:
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    p.add_argument("--by", help="comma-separated dimensions, e.g. month,line")
    p.add_argument("--kpi", dest="kpi", help="comma-separated KPI ids (default: all), e.g. oee,scrap_ratio")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_kpi)


def _args_report(p) -> None:
    p.add_argument("--month", required=True, help="YYYY-MM or 'last'")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--out", required=True)
    p.set_defaults(func=cmd_report)


def _args_user(p) -> None:
    user_sub = p.add_subparsers(dest="user_command", required=True)
    password_help = ("visible in the shell history; default: PLANTKPI_PASSWORD, else asked on the terminal, "
                     "else one line of stdin")
    add = user_sub.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, help="admin, executive, manager or clerk")
    add.add_argument("--department", help="a clerk's department")
    add.add_argument("--password", help=password_help)
    user_sub.add_parser("list", help="every account with role, department and status")
    passwd = user_sub.add_parser("passwd", help="set a new password (also unlocks)")
    passwd.add_argument("name")
    passwd.add_argument("--password", help=password_help)
    for name, text in (("unlock", "lift a lock-out after wrong passwords"),
                       ("disable", "stop an account from signing in and writing"),
                       ("enable", "let a disabled account sign in again"),
                       ("remove", "delete an account (its audit entries stay)")):
        user_sub.add_parser(name, help=text).add_argument("name")
    for command_parser in user_sub.choices.values():
        command_parser.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=cmd_user)


def _args_backup(p) -> None:
    p.add_argument("file")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=cmd_backup)


def _args_restore(p) -> None:
    p.add_argument("file")
    p.add_argument("--trust-unsigned", action="store_true",
                   help="restore a backup that is unsigned, signed with another key, or altered after signing")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=cmd_restore)


def _args_payroll(p) -> None:
    p.add_argument("--month", required=True, help="YYYY-MM or 'last'")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.add_argument("--out", required=True, help="FILE.xlsx or FILE.pdf")
    p.set_defaults(func=cmd_payroll)


def _args_scorecard(p) -> None:
    p.add_argument("--month", required=True, help="YYYY-MM or 'last'")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_scorecard)


def _args_subscription(p) -> None:
    sub_sub = p.add_subparsers(dest="subscription_command", required=True)
    add = sub_sub.add_parser("add")
    add.add_argument("user")
    add.add_argument("--what", required=True, help="summary | csat_weekly | alert | exceptions")
    add.add_argument("--kpi", default="", help="the KPI of an alert")
    add.add_argument("--email", required=True)
    sub_sub.add_parser("list")
    remove = sub_sub.add_parser("remove")
    remove.add_argument("id", type=int)
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=cmd_subscription)


def _args_notify(p) -> None:
    p.add_argument("--now", help="the moment to act as (YYYY-MM-DD HH:MM); default: now")
    p.add_argument("--dry-run", action="store_true", help="list what is due; send and record nothing")
    p.add_argument("--lang", choices=["en", "zh"], default="en")
    p.set_defaults(func=cmd_notify)


def _args_db(p) -> None:
    db_sub = p.add_subparsers(dest="db_command", required=True)
    revision = db_sub.add_parser("revision", help="write the next Alembic migration from the kinds and models")
    revision.add_argument("-m", "--message", required=True, help="what the migration does, e.g. 'add kind widgets'")
    p.set_defaults(func=cmd_db)


def _args_docs(p) -> None:
    p.add_argument("--check", action="store_true", help="only say whether they are current (exit 1 if not)")
    p.set_defaults(func=cmd_docs)


def _args_explain(p) -> None:
    from dashboard.commands.explain import add_arguments

    add_arguments(p)


COMMANDS: tuple[tuple[str, str, object], ...] = (
    ("init", "create or migrate the database; load the demo plant", _args_init),
    ("serve", "start the web app", _args_serve),
    ("template", "write an upload template", _args_template),
    ("import", "validate and import a CSV/XLSX file", _args_import),
    ("kpi", "KPI values", _args_kpi),
    ("report", "executive monthly report", _args_report),
    ("user", "manage accounts, as the database owner", _args_user),
    ("backup", "whole database to one portable file, signed with the backup key "
               "(PLANTKPI_BACKUP_KEY or PLANTKPI_BACKUP_KEY_FILE, default ./data/backup.key; "
               "created when there is none)", _args_backup),
    ("restore", "whole database from a backup file signed with this installation's key", _args_restore),
    ("payroll", "the month's pay sheet", _args_payroll),
    ("scorecard", "the month's department scores (考评)", _args_scorecard),
    ("subscription", "what a user receives by e-mail", _args_subscription),
    ("notify", "send the subscriptions and alerts that are due, never twice", _args_notify),
    ("db", "developer commands for the schema", _args_db),
    ("docs", "rewrite docs/kinds.md and docs/kpis.md from the declarations", _args_docs),
    ("explain", "the change of a KPI explained by the members of a dimension", _args_explain),
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every sub-command with its arguments; with `only`, every sub-command listed (for --help) but
    only that one's arguments declared (the one being dispatched; "" for none)."""
    parser = argparse.ArgumentParser(prog="plantkpi", description="PlantKPI (数字化管理看板)")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text, declare in COMMANDS:
        p = sub.add_parser(name, help=text)
        if only is None or only == name:
            declare(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    names = {name for name, _, _ in COMMANDS}
    args = build_parser(only=argv[0] if argv and argv[0] in names else "").parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return EXIT_FAILED
    except Exception as exc:  # a clear message instead of a traceback
        db = sys.modules.get("data_access.db")  # imported by whatever raised it: not imported up front
        if db is not None and isinstance(exc, db.DatabaseReadOnly):  # any writing command on a read-only SQLite file
            from dashboard.i18n import t

            print(f"plantkpi {args.command}: {t(exc.key, getattr(args, 'lang', 'en'), path=exc.path)}",
                  file=sys.stderr)
            return EXIT_REJECTED
        if os.environ.get("PLANTKPI_DEBUG"):
            raise
        print(f"plantkpi {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_FAILED


# Commands that only read: as a process of their own they end without the interpreter's teardown
# (freeing a million-row frame object by object and joining the reader processes: ~1 s of a
# twelve-month `kpi` run on the large demo). Nothing is left unwritten: they hold no transaction.
READ_ONLY = frozenset({"kpi", "explain"})


def run() -> None:
    """The `plantkpi` console command (and `python -m dashboard.cli`)."""
    code = main()
    if sys.argv[1:2] and sys.argv[1] in READ_ONLY:
        sys.stdout.flush()
        sys.stderr.flush()
        readers = sys.modules.get("data_access.sqlite_reader")
        if readers is not None:  # the reader processes end on their stdin's end: waited for, not orphaned
            readers.close_all()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
