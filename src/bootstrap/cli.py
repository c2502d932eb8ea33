"""The `utrack` command line. Every command reads the same UT_* settings as the server."""

import json
import logging
import signal
import sys

import typer
from pydantic import ValidationError

from bootstrap import log_secrets, preflight
from bootstrap.cli_sites import sites
from bootstrap.cli_support import as_dict as _asdict
from bootstrap.cli_support import fail as _fail
from bootstrap.cli_support import modules_container as _modules
from bootstrap.cli_tenancy import keys, orgs
from core.buffer.disk_log import BufferLocked
from core.config.settings import Settings

cli = typer.Typer(help="Universal Tracking: privacy-first web and e-commerce analytics.",
                  no_args_is_help=True, add_completion=False)
cli.add_typer(sites, name="sites")
cli.add_typer(orgs, name="orgs")
cli.add_typer(keys, name="keys")
meta_capi = typer.Typer(help="Meta Conversions API forwarding (module meta_capi).", no_args_is_help=True)
cli.add_typer(meta_capi, name="meta-capi")
exports = typer.Typer(help="Raw event export to S3-compatible buckets or local directories (module export).",
                      no_args_is_help=True)
cli.add_typer(exports, name="exports")
data = typer.Typer(help="Data rights: delete a visitor's, session's, user's or site's data; retention.",
                   no_args_is_help=True)
cli.add_typer(data, name="data")


@cli.command()
def serve(host: str = typer.Option(None, help="Interface to bind (default UT_HOST)."),
          port: int = typer.Option(None, help="Port to listen on (default UT_PORT)."),
          migrate_first: bool = typer.Option(True, "--migrate/--no-migrate",
                                             help="Apply pending migrations before serving.")) -> None:
    """Serve the API and the dashboard (http://HOST:PORT/, sign in with a site's secret key), with
    the worker in the same process unless UT_WORKER_ENABLED=false."""
    import uvicorn

    from bootstrap.log_secrets import uvicorn_log_config

    settings = Settings()
    preflight.settings_usable(settings)
    preflight.secret_key_set(settings)
    preflight.data_dir_free(settings)
    pending = _migrate_for_serve(settings) if migrate_first else None
    from bootstrap.app import create_app

    uvicorn.run(create_app(settings, analytics_pending=pending), host=host or settings.host,
                port=port or settings.port, log_level=settings.log_level, access_log=False,
                log_config=uvicorn_log_config(),  # share tokens and keys are masked in every line
                # uvicorn would believe X-Forwarded-For from 127.0.0.1 on its own; only the proxies in
                # UT_TRUSTED_PROXIES may name the client (core.http.context.client_ip).
                proxy_headers=False)


@cli.command()
def worker(once: bool = typer.Option(False, help="Drain the buffer once, then exit.")) -> None:
    """Run a worker on its own (needs server stores: Redis buffer and ClickHouse server)."""
    from bootstrap.app import create_app
    from core.di.container import close_core, start_core

    settings = Settings(worker_enabled=False)
    preflight.settings_usable(settings)
    preflight.secret_key_set(settings)
    preflight.data_dir_free(settings)
    if not settings.redis_url:
        typer.echo("warning: without UT_REDIS_URL the buffer is this process's disk log", err=True)
    app = create_app(settings)
    container = app.state.container
    work = container.core.worker()
    try:
        start_core(container.core)
        if once:
            typer.echo(json.dumps({"processed": work.drain(timeout_s=300)}))
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: work.stop())
        container.core.background().start()  # modules' periodic tasks (e.g. the Meta CAPI sender)
        work.run_forever()
    finally:
        close_core(container.core)


@cli.command()
def migrate() -> None:
    """Apply the transactional (Alembic) and analytics (ClickHouse) migrations."""
    settings = Settings()
    preflight.settings_usable(settings)
    preflight.data_dir_free(settings)
    typer.echo(json.dumps(_migrate(settings)))


def _migrate_for_serve(settings: Settings) -> str | None:
    """Apply the migrations; with a ClickHouse server that is down, start anyway (events are
    buffered durably) and return why, so the worker migrates once it is back. The transactional
    store is needed for every request (sites, keys): without it there is nothing to serve."""
    from bootstrap.migrate import migrate_analytics, migrate_transactional
    from core.analytics.factory import build_analytics_store

    migrate_transactional(settings)
    try:
        store = build_analytics_store(settings)
        try:
            migrate_analytics(store)
        finally:
            store.close()
    except Exception as exc:
        if not settings.clickhouse_url:
            raise  # the embedded engine cannot be "down": a failure here is a real error
        reason = f"{type(exc).__name__}: {exc}"[:300]
        logging.getLogger("utrack").error("ClickHouse is unreachable (%s): serving and buffering events; "
                                          "migrations and draining start when it answers", reason)
        return reason
    return None


def _migrate(settings: Settings) -> dict:
    from bootstrap.migrate import migrate_all

    return migrate_all(settings)


@meta_capi.command("set")
def meta_capi_set(site_id: str,
                  pixel_id: str = typer.Option(None, help="The Meta pixel (dataset) id (needed for a new pixel)."),
                  token_stdin: bool = typer.Option(False, help="Read the access token from stdin (never pass "
                                                   "it as an argument: it would show in ps and shell history). "
                                                   "Without it, the stored token is kept."),
                  enabled: bool = typer.Option(None, "--enabled/--disabled"),
                  test_event_code: str = typer.Option(None, help="Send to Events Manager's Test Events tab "
                                                      "(\"\" stops it)."),
                  graph_version: str = typer.Option(None, help="Graph API version (new pixel: v21.0)."),
                  ldu: bool = typer.Option(None, "--ldu/--no-ldu",
                                           help="Limited Data Use (data_processing_options LDU)."),
                  ldu_country: int = typer.Option(None), ldu_state: int = typer.Option(None)) -> None:
    """Create or update a site's pixel, as `PUT .../meta-capi` does: options left out keep their stored
    values (a new pixel starts from the defaults, with the default event mapping). Prints the
    settings without the token, with the API's keys."""
    from pydantic import ValidationError

    from tracking.meta_capi.schemas import PixelSettings, PixelUpdate
    from tracking.meta_capi.service.settings import PixelIdRequired

    token = sys.stdin.readline().strip() if token_stdin else None
    try:  # the API's validation, so both accept the same values
        update = PixelUpdate(pixel_id=pixel_id, access_token=token, enabled=enabled,
                             test_event_code=test_event_code, graph_version=graph_version, ldu=ldu,
                             ldu_country=ldu_country, ldu_state=ldu_state)
        config = _modules().meta_capi.settings().set(site_id, **update.model_dump())
    except (ValidationError, PixelIdRequired) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(PixelSettings.model_validate(config).model_dump_json(indent=2))


@meta_capi.command("show")
def meta_capi_show(site_id: str) -> None:
    """A site's pixel settings and delivery status, as `GET .../meta-capi/deliveries` shows them (same
    keys); the token is never shown (only `has_access_token`)."""
    from tracking.meta_capi.schemas import DeliveryStatus

    status = DeliveryStatus.model_validate(_modules().meta_capi.report().status(site_id))
    if status.pixel is None:
        typer.echo("error: no Meta pixel is set for this site", err=True)
        raise typer.Exit(1)
    typer.echo(status.model_dump_json(indent=2))


@exports.command("add")
def exports_add(site_id: str, kind: str = typer.Option(..., help="s3 or local."),
                bucket: str = typer.Option(None),
                endpoint_url: str = typer.Option(None, help="S3 endpoint URL (public addresses only, unless "
                                                 "its host is in UT_EXPORT_ENDPOINT_HOSTS)."),
                region: str = typer.Option(None), prefix: str = typer.Option(None),
                path: str = typer.Option(None, help="local: directory relative to UT_EXPORT_LOCAL_ROOT."),
                fmt: str = typer.Option(None, "--format", help="parquet (default), jsonl or csv."),
                compression: str = typer.Option(None, help="parquet: zstd, snappy, none; text: gzip, none."),
                interval_s: int = typer.Option(None, help="900 … 86400, dividing the day (default 3600)."),
                backup: bool = typer.Option(False, help="Mark it as the metering (backup) copy."),
                credentials_stdin: bool = typer.Option(False, help="Read the access key, then the secret key, "
                                                       "one per line, from stdin (never as arguments).")) -> None:
    """Add a destination, as `POST …/exports` does; prints it (never the credentials)."""
    from tracking.export.schemas import DestinationOut
    from tracking.export.service.destinations import InvalidDestination

    access = secret = None
    if credentials_stdin:
        access, secret = sys.stdin.readline().strip(), sys.stdin.readline().strip()
    try:
        view = _modules().export.destinations().create(
            site_id, kind=kind, bucket=bucket, endpoint_url=endpoint_url, region=region, prefix=prefix, path=path,
            format=fmt, compression=compression, interval_s=interval_s, backup=backup, access_key=access,
            secret_key=secret)
    except InvalidDestination as exc:
        _fail(str(exc), 2)
    typer.echo(DestinationOut.model_validate(view).model_dump_json(indent=2))


@exports.command("list")
def exports_list(site_id: str) -> None:
    """The site's destinations, as `GET …/exports` shows them."""
    from tracking.export.schemas import DestinationOut

    views = _modules().export.destinations().list(site_id)
    typer.echo(json.dumps([DestinationOut.model_validate(v).model_dump(mode="json") for v in views], indent=2))


@exports.command("status")
def exports_status(site_id: str, destination_id: int) -> None:
    """A destination's status, as `GET …/exports/{id}` shows it."""
    from tracking.export.schemas import ExportStatus
    from tracking.export.service.destinations import UnknownDestination

    try:
        status = _modules().export.runs().status(site_id, destination_id)
    except UnknownDestination:
        _fail(f"no export destination {destination_id} on site {site_id}")
    typer.echo(ExportStatus.model_validate(status, from_attributes=True).model_dump_json(indent=2))


@exports.command("run")
def exports_run(site_id: str, destination_id: int) -> None:
    """Export the due intervals now (what the schedule would do next)."""
    c = _owned_destination(site_id, destination_id)
    outcome = c.export.runs().run(destination_id)
    typer.echo(json.dumps(_asdict(outcome)))
    if outcome.error:
        raise typer.Exit(1)


@exports.command("backfill")
def exports_backfill(site_id: str, destination_id: int,
                     from_: str = typer.Option(..., "--from", help="UTC date or ISO time (by write time)."),
                     to: str = typer.Option(..., help="UTC date or ISO time, excluded.")) -> None:
    """Export past intervals in [from, to) that were not exported yet, with a progress bar.
    Resumable: run it again after an interruption and it goes on where it stopped."""
    from rich.progress import Progress

    c = _owned_destination(site_id, destination_id)
    lo, hi = _when(from_, "--from"), _when(to, "--to")
    with Progress(transient=False) as progress:
        task = progress.add_task("exporting", total=None)
        outcome = c.export.runs().backfill(destination_id, lo, hi,
                                           progress=lambda i, n: progress.update(task, completed=i, total=n))
    typer.echo(json.dumps(_asdict(outcome)))
    if outcome.error:
        raise typer.Exit(1)


def _owned_destination(site_id: str, destination_id: int):
    from tracking.export.service.destinations import UnknownDestination

    c = _modules()
    try:
        c.export.destinations().get(site_id, destination_id)
    except UnknownDestination:
        _fail(f"no export destination {destination_id} on site {site_id}")
    return c


def _when(value: str, name: str) -> int:
    from datetime import UTC, datetime

    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        _fail(f"{name} must be a date (2026-11-01) or an ISO time (2026-11-01T06:00:00Z), got {value!r}", 2)
    return int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp() * 1000)


@data.command("delete-visitor")
def data_delete_visitor(site_id: str, visitor_id: int) -> None:
    """Delete every event of this visitor id (today's, as the API shows it) in every module."""
    typer.echo(json.dumps({"removed": _modules().export.rights().erase_visitor(site_id, visitor_id, "cli")}))


@data.command("delete-session")
def data_delete_session(site_id: str, session_id: int) -> None:
    """Delete one session's events and rows in every module."""
    typer.echo(json.dumps({"removed": _modules().export.rights().erase_session(site_id, session_id, "cli")}))


@data.command("delete-user")
def data_delete_user(site_id: str, user_id: str) -> None:
    """Delete an identified user's events and the sessions they were in."""
    typer.echo(json.dumps({"removed": _modules().export.rights().erase_user(site_id, user_id, "cli")}))


@data.command("delete-site")
def data_delete_site(site_id: str, yes: bool = typer.Option(False, "--yes", help="Confirm.")) -> None:
    """Delete a site, its keys and all its data in every store (the deletion audit stays)."""
    if not yes:
        _fail("this deletes every event of the site: add --yes", 2)
    removed, flushed = _modules().export.rights().erase_site(site_id, "cli")
    typer.echo(json.dumps({"removed": removed, "flushed": flushed}))


@data.command("retention")
def data_retention(site_id: str, days: int = typer.Option(None, help="Days of events kept; 0 = forever.")) -> None:
    """Show or set a site's retention (applied hourly by the worker's background task)."""
    rights = _modules().export.rights()
    if days is not None:
        if days < 0:
            _fail("--days must be 0 or more", 2)
        rights.set_retention(site_id, days)
    typer.echo(json.dumps({"site_id": site_id, "days": rights.retention(site_id)}))


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    log_secrets.install()
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
    except preflight.BadSettings as exc:
        _fail(str(exc), 2)
    except preflight.Refused as exc:
        _fail(str(exc))
    except ValidationError as exc:  # a UT_* value pydantic refused, read by any command: one line, no traceback
        if not preflight.is_settings_error(exc):
            raise
        _fail(preflight.settings_message(exc), 2)
    except BufferLocked:  # lost a race the preflight check could not see: the same one line
        _fail(preflight.lock_conflict_message(Settings()))
