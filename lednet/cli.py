"""The ``lednet`` command: a thin layer that reads options, calls the library, reports.

Library exceptions (``lednet.errors``) become one line on stderr and an exit code; a traceback
is shown only with --verbose. Data goes to stdout, diagnostics to stderr.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .errors import EXIT_CONFIG, EXIT_REJECTED, EXIT_RUNTIME, LednetError, NotBuiltError
from .periods import parse_period

log = logging.getLogger("lednet")
F = TypeVar("F", bound=Callable[..., Any])


class Context:
    """Options shared by every command."""

    def __init__(self, config: str | None, verbose: int, quiet: bool) -> None:
        self.config = config
        self.verbose = verbose
        self.quiet = quiet

    def workspace(self) -> Any:
        from .workspace import load_workspace

        return load_workspace(self.config)

    @contextlib.contextmanager
    def locked_workspace(self) -> Iterator[Any]:
        """The workspace, held under its lock for a command that changes it.

        A manual ingest racing the nightly run would otherwise fail halfway; this way one
        of them waits (lock_timeout) or exits 4 with a one-line message.
        """
        from .locking import workspace_lock

        workspace = self.workspace()
        with workspace_lock(workspace, workspace.lock_timeout):
            yield workspace


def _period(ctx: click.Context, param: click.Parameter, value: Any) -> int | None:
    if value is None:
        return None
    try:
        return parse_period(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc


period_option = click.option("--period", "-p", callback=_period, metavar="YEAR",
                             help="Period year: 2012 means financial year 2011/12.")
authority_option = click.option("--authority", "-a", "authorities", multiple=True,
                                metavar="CODE", help="Only this member (GSS code); repeatable.")


def handle_errors(command: F) -> F:
    """Turn lednet's own exceptions into one line and an exit code."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        options = ctx.find_object(Context)
        verbose = options.verbose if options is not None else 0
        try:
            return command(*args, **kwargs)
        except LednetError as exc:
            if verbose:
                log.exception("details")
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted; nothing half-done was kept.", err=True)
            ctx.exit(130)

    return wrapper  # type: ignore[return-value]


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s" if verbose
                                           else "%(message)s"))
    root = logging.getLogger("lednet")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "-c", metavar="PATH", envvar="LEDNET_CONFIG",
              help="Workspace lednet.yaml (or its folder). Default: ./lednet.yaml.")
@click.option("--verbose", "-v", count=True, help="More detail, and tracebacks on errors.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@click.version_option(__version__, prog_name="lednet")
@click.pass_context
def main(ctx: click.Context, config: str | None, verbose: int, quiet: bool) -> None:
    """Run a performance network for local economic development.

    \b
    Exit codes: 0 success, 1 runtime error, 2 usage or configuration error,
    3 ran but some returns were rejected, 4 the workspace is locked by another run.

    \b
    Example:
      lednet --config examples/yorkshire check
    """
    _setup_logging(verbose, quiet)
    ctx.obj = Context(config, verbose, quiet)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--network", default="My economic development network", show_default=True,
              help="The network's name.")
@handle_errors
def init(directory: Path, network: str) -> None:
    """Create a new workspace in DIRECTORY with a config, member list and folders.

    \b
    Example:
      lednet init ~/networks/yorkshire --network "Yorkshire ED network"
    """
    from .scaffold import init_workspace

    config = init_workspace(directory, network)
    click.echo(f"Created {config}. Edit members.yaml, then run 'lednet check'.")


@main.command()
@click.pass_obj
@handle_errors
def check(obj: Context) -> None:
    """Validate the workspace's config, catalogue and member list.

    Warns about NOMIS codes the catalogue marks as inferred. Exits 2 on any error.

    \b
    Example:
      lednet --config examples/yorkshire/lednet.yaml check
    """
    from .workspace import check_exclusions

    workspace = obj.workspace()
    catalogue = workspace.catalogue
    exclusions = check_exclusions(workspace)
    for warning in catalogue.warnings:
        click.echo(f"warning: {warning}", err=True)
    from .resources import resource_path

    templates = resource_path("templates")
    if not templates.is_dir():
        raise NotBuiltError(f"report templates not found at {templates}; reinstall lednet")
    counts = ", ".join(f"{len(catalogue.section(s))} {s}" for s in
                       ("profile", "national", "local", "derived"))
    click.echo(f"{workspace.config_path}: OK")
    click.echo(f"catalogue {catalogue.name} v{catalogue.version} "
               f"({catalogue.short_fingerprint}): {len(catalogue.indicators)} indicators "
               f"({counts}), {len(catalogue.checks)} cross-field checks")
    click.echo(f"members: {len(workspace.members)}; exclusions: {exclusions}; "
               f"report templates: {templates}")


@main.command()
@period_option
@authority_option
@click.option("--refresh", is_flag=True, help="Ask NOMIS again even where a cached answer exists.")
@click.option("--offline", is_flag=True, help="Use cached answers only; name what is missing.")
@click.pass_obj
@handle_errors
def fetch(obj: Context, period: int | None, authorities: tuple[str, ...], refresh: bool,
          offline: bool) -> None:
    """Fetch national (NOMIS) indicators for every member for a period and store them.

    \b
    Example:
      lednet fetch --period 2012 --offline
    """
    period = _require_period(period)
    fetch_national = _load("lednet.nomis.fetch", "fetch_national", "fetch")
    with obj.locked_workspace() as workspace:
        summary = fetch_national(workspace, period, authorities=list(authorities),
                                 refresh=refresh, offline=offline)
    for line in summary.lines():
        click.echo(line)


@main.command("make-templates")
@period_option
@authority_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the return templates (default: the workspace's).")
@click.option("--force", is_flag=True, help="Overwrite return templates that already exist.")
@click.pass_obj
@handle_errors
def make_templates(obj: Context, period: int | None, authorities: tuple[str, ...],
                   out: Path | None, force: bool) -> None:
    """Write one Excel return template per member for a period, plus officer guidance.

    \b
    Example:
      lednet make-templates --period 2012 --out returns-to-send/
    """
    period = _require_period(period)
    make = _load("lednet.returns.template", "make_templates", "make-templates")
    with obj.locked_workspace() as workspace:
        result = make(workspace, period, authorities=list(authorities), out_dir=out,
                      force=force)
    for line in result.lines():
        click.echo(line)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@period_option
@click.option("--dry-run", is_flag=True, help="Check and report, but store nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@click.pass_obj
@handle_errors
def ingest(obj: Context, paths: tuple[Path, ...], period: int | None, dry_run: bool,
           as_json: bool) -> None:
    """Validate returned workbooks (files or folders) and merge accepted values.

    Exits 3 when any return was rejected.

    \b
    Example:
      lednet ingest returns/ --period 2012
    """
    ingest_paths = _load("lednet.ingest", "ingest_paths", "ingest")
    with obj.locked_workspace() as workspace:
        result = ingest_paths(workspace, list(paths), period=period, dry_run=dry_run)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        for line in result.lines(quiet=obj.quiet):
            click.echo(line)
    if result.rejected:
        sys.exit(EXIT_REJECTED)


@main.command()
@period_option
@click.option("--chase", "chase", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the list of members to chase, with contacts, to this file.")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_obj
@handle_errors
def status(obj: Context, period: int | None, chase: Path | None, as_json: bool) -> None:
    """Show each expected member's return for a period: missing, rejected, accepted.

    \b
    Example:
      lednet status --period 2012 --chase chase-2012.csv
    """
    period = _require_period(period)
    period_status = _load("lednet.status", "period_status", "status")
    report = period_status(obj.workspace(), period)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        for line in report.lines():
            click.echo(line)
    if chase is not None:
        report.write_chase(chase)
        click.echo(f"chase list: {chase}", err=True)


@main.command()
@period_option
@authority_option
@click.option("--format", "formats", default="html,pdf", show_default=True,
              help="Comma-separated: html, pdf.")
@click.option("--anonymise", is_flag=True, help="Show other members as A, B, C...")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports (default: the workspace's outputs).")
@click.pass_obj
@handle_errors
def report(obj: Context, period: int | None, authorities: tuple[str, ...], formats: str,
           anonymise: bool, out: Path | None) -> None:
    """Render benchmark reports for a period: one per authority and one for the network.

    \b
    Example:
      lednet report --period 2012 --format html,pdf
    """
    period = _require_period(period)
    chosen = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = sorted(set(chosen) - {"html", "pdf"})
    if unknown or not chosen:
        raise click.BadParameter(f"unknown format {', '.join(unknown)}; use html and/or pdf",
                                 param_hint="--format")
    build_reports = _load("lednet.report.build", "build_reports", "report")
    with obj.locked_workspace() as workspace:
        result = build_reports(workspace, period, authorities=list(authorities),
                               formats=chosen, anonymise=anonymise, out_dir=out)
        if not authorities and not anonymise and out is None and set(chosen) == {"html", "pdf"}:
            # The full default set is now current; a scheduled run need not rebuild it.
            from .freshness import mark_reports_current

            mark_reports_current(workspace, period)
    for line in result.lines():
        click.echo(line)


@main.command()
@period_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "parquet"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Output file (default: the workspace's outputs folder).")
@click.pass_obj
@handle_errors
def export(obj: Context, period: int | None, fmt: str, out: Path | None) -> None:
    """Write the merged dataset for a period, with provenance, as CSV, Excel or Parquet.

    \b
    Example:
      lednet export --period 2012 --format csv --out dataset-2012.csv
    """
    period = _require_period(period)
    export_dataset = _load("lednet.export", "export_dataset", "export")
    path = export_dataset(obj.workspace(), period, fmt, out)
    click.echo(str(path))


@main.command()
@period_option
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable summary.")
@click.option("--wait", type=float, default=None, metavar="SECONDS",
              help="Wait this long for another run's lock (default: workspace setting).")
@click.pass_obj
@handle_errors
def run(obj: Context, period: int | None, as_json: bool, wait: float | None) -> None:
    """The scheduled job: fetch, make templates, ingest new returns, feedback, reports.

    Quiet when nothing happened. Exit codes as for the other commands; 4 if locked.

    \b
    Example (crontab, every night at 02:15):
      15 2 * * *  cd /srv/network && lednet --quiet run --period 2012
    """
    run_batch = _load("lednet.batch", "run_batch", "run")
    if not obj.verbose:
        # Unattended: progress notes go to the run log, the terminal shows only problems.
        for handler in logging.getLogger("lednet").handlers:
            handler.setLevel(logging.WARNING)
    summary = run_batch(obj.workspace(), period=period, wait=wait, quiet=obj.quiet)
    if as_json:
        click.echo(json.dumps(summary.to_json(), indent=2))
    else:
        for line in summary.lines(quiet=obj.quiet):
            click.echo(line)
    sys.exit(summary.exit_code)


@main.command()
@period_option
@click.option("--reopen", is_flag=True, help="Reopen a closed period (logged).")
@click.option("--reason", default="", help="Why; recorded in the store's event log.")
@click.pass_obj
@handle_errors
def close(obj: Context, period: int | None, reopen: bool, reason: str) -> None:
    """Freeze a period's dataset so its reports are reproducible; or --reopen it.

    \b
    Example:
      lednet close --period 2012 --reason "agreed at the validation meeting"
    """
    period = _require_period(period)
    close_period = _load("lednet.closing", "close_period", "close")
    with obj.locked_workspace() as workspace:
        click.echo(close_period(workspace, period, reopen=reopen, reason=reason))


@main.command()
@period_option
@click.option("--authority", "-a", required=True, metavar="CODE", help="Member GSS code.")
@click.option("--indicator", "-i", required=True, metavar="ID", help="Indicator id.")
@click.option("--accept", "kind", flag_value="accept_value",
              help="Accept a value that failed a hard check.")
@click.option("--correct", "value", type=float, default=None,
              help="Replace the value with this one (e.g. sent by e-mail).")
@click.option("--accept-explanation", "kind", flag_value="accept_explanation")
@click.option("--reject-explanation", "kind", flag_value="reject_explanation")
@click.option("--reason", required=True, help="Why; shown in status and feedback.")
@click.option("--who", default="", help="Who decided (default: your login name).")
@click.pass_obj
@handle_errors
def decide(obj: Context, period: int | None, authority: str, indicator: str, kind: str | None,
           value: float | None, reason: str, who: str) -> None:
    """Record a coordinator decision about one value, with a reason (kept in the audit trail).

    \b
    Example:
      lednet decide -p 2012 -a E06000014 -i jobs_created_total --accept --reason "verified"
    """
    period = _require_period(period)
    if value is not None:
        kind = "correct_value"
    if kind is None:
        raise click.UsageError("say what to do: --accept, --correct VALUE, "
                               "--accept-explanation or --reject-explanation")
    record = _load("lednet.decisions", "record_decision", "decide")
    with obj.locked_workspace() as workspace:
        click.echo(record(workspace, period, authority, indicator, kind, value, reason, who))


def _require_period(period: int | None) -> int:
    if period is None:
        raise click.UsageError("--period is required, e.g. --period 2012")
    return period


def _load(module: str, name: str, command: str) -> Any:
    """Import a command's library function; a capability not built yet says so plainly."""
    import importlib

    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as exc:
        missing = getattr(exc, "name", None) or ""
        if not (missing == name or (missing and module.startswith(missing))):
            raise
        raise NotBuiltError(f"'lednet {command}' is not available in this version yet") from exc


if __name__ == "__main__":  # pragma: no cover
    main()

__all__ = ["main", "EXIT_CONFIG", "EXIT_RUNTIME"]
