"""``animateur``: the command line of the project.

    animateur demo generate [--days N --scale S --seed K --end-date D]   write the demo inbox
    animateur build [--from D --to D]      materialize every asset (real Dagster run, recorded in DAGSTER_HOME)
    animateur serve start|stop|status      Dagster UI (:3000) and Streamlit (:8501) in the background
    animateur sql "select ..." [--warehouse]   query the published copy (or the warehouse), read-only
    animateur import <format> <path> [--date D] [--no-build]   import an export file (X archive, Slack export...)
    animateur import generic <path> --mapping M.yml             any CSV/JSON, through a YAML mapping
    animateur strategy check [PATH]        validate strategy.yml (default: ANIMATEUR_STRATEGY, data/, the demo's)
    animateur strategy init --field F      print a strategy file to start from (cause, media, work, ...)
    animateur erase-member <platform> <handle> [--dry-run]   erase a person (README "Privacy")
    animateur report weekly|monthly|quarterly PERIOD [--language fr|en]   render one report (HTML + PDF)
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from datetime import date
from pathlib import Path

from pipelines import settings
from pipelines.lib.inbox import inbox_files


def inbox_date_range(feeds_dir: Path) -> tuple[date, date]:
    """First and last day for which the inbox holds a daily file."""
    files = inbox_files(feeds_dir)
    if not files:
        raise SystemExit(f"no daily files under {feeds_dir}: run `animateur demo generate` first")
    return files[0].day, files[-1].day


# host:pid of the CLI process that runs an in-process run (build, import, erase-member): lets a later build tell a
# dead run from a live one.
RUN_PROCESS_TAG = "animateur/process"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def release_dead_runs(instance) -> list[str]:
    """Runs of this CLI whose process died (killed, out of memory) stay STARTED with their warehouse pool slot
    claimed, and every later run would wait for that slot forever: mark them failed and free their slots."""
    import dagster as dg

    host = socket.gethostname()
    released = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED,
                                                                  dg.DagsterRunStatus.STARTING])):
        owner_host, _, pid = run.tags.get(RUN_PROCESS_TAG, "").rpartition(":")
        if owner_host != host or not pid.isdigit() or _process_alive(int(pid)):
            continue
        instance.report_run_failed(run, f"process {pid} ended without finishing the run")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        released.append(run.run_id)
    return released


def build(first_day: date | None = None, last_day: date | None = None, select: str | None = None) -> bool:
    """Materialize every asset (or the ``select``-ed ones, e.g. ``group:ingestion``) for a range of days in one
    run of ``refresh_warehouse``."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.defs.automation import WAREHOUSE_ASSETS, partition_range_tags

    if first_day is None or last_day is None:
        inbox_first, inbox_last = inbox_date_range(settings.feeds_dir())
        first_day, last_day = first_day or inbox_first, last_day or inbox_last
    print(f"building the warehouse {settings.warehouse_path()} from {first_day} to {last_day}", flush=True)
    settings.apply_dagster_run_settings()
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    for run_id in release_dead_runs(instance):
        print(f"run {run_id}: its process had died; marked failed, its warehouse slot freed", flush=True)
    definitions = defs()
    job = definitions.resolve_job_def("refresh_warehouse")
    asset_keys = None
    if select:
        with warnings.catch_warnings():  # the selection-string parser is flagged beta; its syntax is stable
            warnings.simplefilter("ignore", dg.BetaWarning)
            # the refresh job's assets only, with every asset that must run with a selected one (the other tables
            # of a multi-table asset: a Discourse feed, the strategy tables)
            selection = (dg.AssetSelection.from_string(select) & WAREHOUSE_ASSETS).required_multi_asset_neighbors()
            asset_keys = list(selection.resolve(definitions.resolve_asset_graph()))
        print(f"selected {len(asset_keys)} assets: {select}", flush=True)
    result = job.execute_in_process(
        instance=instance,
        # INFO on the console (DEBUG, with every dbt line, stays in the run's logs in the Dagster UI)
        run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        asset_selection=asset_keys,
        tags={**partition_range_tags(first_day.isoformat(), last_day.isoformat()),
              RUN_PROCESS_TAG: f"{socket.gethostname()}:{os.getpid()}"},
        raise_on_error=False,
    )
    failed_checks = [
        e.asset_check_evaluation_data.check_name
        for e in result.all_events
        if e.event_type_value == "ASSET_CHECK_EVALUATION" and not e.asset_check_evaluation_data.passed
    ]
    if failed_checks:
        print(f"failed checks: {sorted(set(failed_checks))}", file=sys.stderr)
    print(f"run {result.run_id}: {'success' if result.success else 'FAILURE'}", flush=True)
    return result.success and not failed_checks


# --- serving -------------------------------------------------------------------------------------------------

def _run_dir() -> Path:
    path = settings.data_dir() / "run"
    path.mkdir(parents=True, exist_ok=True)
    return path


SERVICES = {
    "dagster": {
        "cmd": lambda port: [str(Path(sys.executable).parent / "dagster"), "dev",
                             "-w", str(settings.REPO_ROOT / "data" / "dagster" / "workspace.yaml"),
                             "--host", "127.0.0.1", "--port", str(port)],
        "port": 3000,
        "health": "/server_info",
    },
    "streamlit": {
        "cmd": lambda port: [sys.executable, "-m", "streamlit", "run", str(settings.REPO_ROOT / "dashboards" / "app.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        "port": 8501,
        "health": "/_stcore/health",
    },
}


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def serve_start(timeout: float = 180.0) -> None:
    # A server started from a background shell inherits ignored SIGINT/SIGTERM (and `dagster dev` then cannot
    # be stopped): children inherit these defaults instead. Each server gets its own session, so that
    # `animateur serve stop` ends the whole process group (dagster dev's webserver and daemon included).
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    settings.apply_dagster_run_settings()  # inherited by dagster dev's webserver and daemon, which create runs
    settings.ensure_dagster_home()  # else dagster dev keeps its runs in a temporary folder of the working directory
    for name, svc in SERVICES.items():
        url = f"http://127.0.0.1:{svc['port']}{svc['health']}"
        if _answers(url):
            print(f"{name} already answers on http://localhost:{svc['port']}")
            continue
        log = (_run_dir() / f"{name}.log").open("ab")
        proc = subprocess.Popen(svc["cmd"](svc["port"]), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, cwd=settings.REPO_ROOT, start_new_session=True)
        (_run_dir() / f"{name}.pid").write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    for name, svc in SERVICES.items():
        url = f"http://127.0.0.1:{svc['port']}{svc['health']}"
        while not _answers(url):
            if time.monotonic() > deadline:
                raise SystemExit(f"{name} did not answer on {url}; see {_run_dir() / (name + '.log')}")
            time.sleep(1)
        print(f"{name:9} http://localhost:{svc['port']}  (log: {_run_dir() / (name + '.log')})")


def serve_stop() -> None:
    for name in SERVICES:
        pid_file = _run_dir() / f"{name}.pid"
        if not pid_file.exists():
            continue
        pid = int(pid_file.read_text())
        try:
            os.killpg(pid, signal.SIGTERM)
            for _ in range(50):
                os.killpg(pid, 0)
                time.sleep(0.2)
            os.killpg(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        pid_file.unlink(missing_ok=True)
        print(f"{name} stopped")


def serve_status() -> None:
    for name, svc in SERVICES.items():
        up = _answers(f"http://127.0.0.1:{svc['port']}{svc['health']}")
        print(f"{name:9} {'up' if up else 'down'}  http://localhost:{svc['port']}")


def sql(query: str, *, warehouse: bool = False, max_rows: int = 200) -> None:
    """Run one read-only query and print the result as a table."""
    import duckdb

    path = settings.warehouse_path() if warehouse else settings.published_path()
    if not path.exists():
        raise SystemExit(f"{path} does not exist yet: run `make demo` (or `animateur build`)")
    with duckdb.connect(str(path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        con.sql(query).show(max_rows=max_rows, max_width=200)


def import_export_file(format_name: str, path: Path, day: date, *, mapping: Path | None = None,
                       refresh: bool = True) -> int:
    """Import one export into the warehouse with a progress bar, print what was loaded and quarantined, then
    rebuild the models and the published copy (unless ``refresh`` is off)."""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from pipelines.defs.ingestion.registry import export_format
    from pipelines.lib.imports import ExportError, import_export
    from pipelines.lib.ingest import connect

    try:
        if format_name == "generic":
            if mapping is None:
                raise SystemExit("animateur import generic needs --mapping <file.yml>")
            from pipelines.defs.ingestion.imported.mapping import generic_format

            fmt = generic_format(mapping)
        else:
            fmt = export_format(format_name)
    except (KeyError, ValueError) as exc:
        raise SystemExit(str(exc).strip("'\"")) from None
    settings.warehouse_path().parent.mkdir(parents=True, exist_ok=True)
    with Progress(TextColumn("{task.description:<48}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
                  transient=False) as bar:
        task = bar.add_task(f"{fmt.name}: {path.name}", total=1)

        def progress(what: str, done: int, total: int) -> None:
            bar.update(task, description=what[:48], completed=done, total=max(total, 1))

        try:
            with connect(settings.warehouse_path()) as con:
                result = import_export(con, fmt, path, day, progress=progress)
        except ExportError as exc:
            raise SystemExit(f"cannot import {path} as {fmt.name}: {exc}") from None
    print("\n".join(result.summary_lines()))
    mismatched = [name for name, t in result.tables.items() if t.declared is not None
                  and t.declared != t.stats.records_in and not result.already_imported]
    for name in mismatched:
        print(f"warning: {name}: the export declares {result.tables[name].declared} records, "
              f"{result.tables[name].stats.records_in} were found in it")
    if refresh and not build(day, day, "not group:ingestion"):
        return 1
    return 0


def report(kind: str, period: str, language: str | None = None) -> int:
    """Render one report (``<data_dir>/reports/<kind>/<period_start>.html|pdf``) as a run of its Dagster job,
    recorded in DAGSTER_HOME like the scheduled ones. ``period``: a day inside it, ``2026-06`` or ``2026-Q2``."""
    import dagster as dg

    from pipelines.definitions import defs
    from pipelines.lib.reports.periods import parse_period

    try:
        start = parse_period(kind, period)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    if not settings.published_path().exists():
        raise SystemExit(f"{settings.published_path()} does not exist yet: run `animateur build` first")
    if language:
        os.environ["ANIMATEUR_REPORT_LANGUAGE"] = language
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    result = defs().resolve_job_def(f"{kind}_report").execute_in_process(
        instance=instance, partition_key=start.isoformat(), raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    )
    if not result.success:
        print(f"run {result.run_id}: FAILURE", file=sys.stderr)
        return 1
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        for name in ("html", "pdf"):
            if name in metadata:
                print(metadata[name].value)
    return 0


def erase_member_command(platform: str, handle: str, *, dry_run: bool = False) -> int:
    """Erase a person from raw, the typed tables, the models and the published copy (pipelines/lib/erasure.py),
    then print what was done and the inbox files that still name them."""
    import duckdb

    from pipelines.lib.erasure import REBUILD_SELECTION, ErasureError, erase_member
    from pipelines.lib.pseudonyms import PseudonymKeyError

    warehouse = settings.warehouse_path()
    if not warehouse.exists():
        raise SystemExit(f"{warehouse} does not exist: nothing to erase")
    try:
        report = erase_member(warehouse, platform, handle, inbox=settings.inbox_dir(), dry_run=dry_run,
                              rebuild=lambda first, last: build(first, last, REBUILD_SELECTION),
                              other_files=(settings.identity_reviews_path(),))
    except (ErasureError, PseudonymKeyError) as exc:
        raise SystemExit(str(exc)) from None
    except duckdb.IOException as exc:  # another process (a run, an analyst's shell) holds the warehouse
        raise SystemExit(f"cannot open {warehouse} for writing ({exc}): retry when the run ends") from None
    if dry_run:
        person = report.person
        print(f"would erase member of {platform}:{handle}: {len(person.accounts)} account(s): "
              f"{', '.join(person.account_keys)}")
        return 0
    print("\n".join(report.lines()))
    return 0 if report.rebuilt and not report.residuals else 1


def strategy_command(action: str, path: Path | None, field: str | None) -> int:
    """``check``: print OK and a summary, or every mistake (exit 1). ``init``: print a file to start from."""
    from pipelines.lib.strategy import FIELDS, StrategyError, load_strategy, starter_file

    if action == "init":
        if field not in FIELDS:
            raise SystemExit(f"animateur strategy init needs --field, one of {', '.join(FIELDS)}")
        print(starter_file(field), end="")
        return 0
    path = path or settings.strategy_path()
    try:
        strategy = load_strategy(path)
    except StrategyError as exc:
        print(exc, file=sys.stderr)
        print(f"{path}: {len(exc.issues)} mistake(s)", file=sys.stderr)
        return 1
    print(f"OK {path}")
    print(strategy.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="animateur", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="demo data")
    demo.add_argument("action", choices=["generate"])
    demo.add_argument("rest", nargs=argparse.REMAINDER, help="generator options (see --help of the generator)")
    b = sub.add_parser("build", help="materialize every asset for a range of days")
    b.add_argument("--from", dest="first_day", type=date.fromisoformat)
    b.add_argument("--to", dest="last_day", type=date.fromisoformat)
    b.add_argument("--select", help="Dagster asset selection, e.g. 'group:ingestion' (default: every asset)")
    s = sub.add_parser("serve", help="Dagster UI and Streamlit in the background")
    s.add_argument("action", choices=["start", "stop", "status"])
    q = sub.add_parser("sql", help="run a read-only SQL query on the published copy")
    q.add_argument("query")
    q.add_argument("--warehouse", action="store_true", help="query the pipeline's warehouse instead "
                   "(read-only; fails while a build holds the write lock)")
    i = sub.add_parser("import", help="import an export file or folder (see the README's Sources table)")
    i.add_argument("format", help="x-archive, slack-export, ... or generic (with --mapping)")
    i.add_argument("path", type=Path)
    i.add_argument("--date", type=date.fromisoformat, help="partition to land it in (default: the latest, yesterday UTC)")
    i.add_argument("--mapping", type=Path, help="YAML mapping of a generic CSV/JSON file")
    i.add_argument("--no-build", action="store_true", help="land and parse only; do not rebuild the models")
    st = sub.add_parser("strategy", help="check strategy.yml, or start one from a preset")
    st.add_argument("action", choices=["check", "init"])
    st.add_argument("path", nargs="?", type=Path, help="the file to check (default: the configured strategy)")
    st.add_argument("--field", help="init: cause, media, work, luxury_brand or group")
    r = sub.add_parser("report", help="render one report document (HTML and PDF) from the published copy")
    r.add_argument("kind", choices=["weekly", "monthly", "quarterly"])
    r.add_argument("period", help="a day of the period (2026-06-22), a month (2026-06) or a quarter (2026-Q2)")
    r.add_argument("--language", choices=["fr", "en"], help="default: strategy.yml (reports.language, else "
                   "organisation.default_language)")
    em = sub.add_parser("erase-member", help="erase a person from the warehouse and the published copy")
    em.add_argument("platform", help="the channel of the account: x, facebook, zendesk, ...")
    em.add_argument("handle", help="the account's handle (with or without @), id or e-mail")
    em.add_argument("--dry-run", action="store_true", help="only show the accounts that would be erased")
    args = parser.parse_args(argv)
    settings.load_dotenv()  # .env (git-ignored) fills what the environment does not set: the pseudonym key

    if args.command == "demo":
        from pipelines.demo.generator import main as generate_main

        return generate_main(args.rest) or 0
    if args.command == "build":
        return 0 if build(args.first_day, args.last_day, args.select) else 1
    if args.command == "import":
        from pipelines.defs.partitions import DAILY_PARTITIONS

        # the latest daily partition (yesterday, UTC): today's is not open yet
        day = args.date or date.fromisoformat(DAILY_PARTITIONS.get_last_partition_key())
        return import_export_file(args.format, args.path, day, mapping=args.mapping, refresh=not args.no_build)
    if args.command == "strategy":
        return strategy_command(args.action, args.path, args.field)
    if args.command == "erase-member":
        return erase_member_command(args.platform, args.handle, dry_run=args.dry_run)
    if args.command == "report":
        return report(args.kind, args.period, args.language)
    if args.command == "sql":
        sql(args.query, warehouse=args.warehouse)
        return 0
    {"start": serve_start, "stop": serve_stop, "status": serve_status}[args.action]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
