"""The `utrack` command line. Every command reads the same UT_* settings as the server."""

import json
import logging
import signal
import sys

import typer

from bootstrap import log_secrets, preflight
from core.buffer.disk_log import BufferLocked
from core.config.settings import Settings

cli = typer.Typer(help="Universal Tracking: privacy-first web and e-commerce analytics.",
                  no_args_is_help=True, add_completion=False)
sites = typer.Typer(help="Manage sites and their API keys.", no_args_is_help=True)
cli.add_typer(sites, name="sites")
meta_capi = typer.Typer(help="Meta Conversions API forwarding (module meta_capi).", no_args_is_help=True)
cli.add_typer(meta_capi, name="meta-capi")


@cli.command()
def serve(host: str = typer.Option(None, help="Interface to bind (default UT_HOST)."),
          port: int = typer.Option(None, help="Port to listen on (default UT_PORT)."),
          migrate_first: bool = typer.Option(True, "--migrate/--no-migrate",
                                             help="Apply pending migrations before serving.")) -> None:
    """Serve the API, with the worker in the same process unless UT_WORKER_ENABLED=false."""
    import uvicorn

    from bootstrap.log_secrets import uvicorn_log_config

    settings = Settings()
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


@sites.command("create")
def sites_create(domain: str = typer.Option(..., help="The site's domain, e.g. example.com."),
                 timezone: str = typer.Option("UTC", help="IANA time zone for reports."),
                 origin: list[str] = typer.Option(None, help="Allowed origin (repeat); "
                                                  "default: the domain and its subdomains."),
                 dnt_policy: str = typer.Option("count_anonymously", help="How DNT: 1 / Sec-GPC: 1 are honoured: "
                                                "ignore, count_anonymously (random visitor id, country "
                                                "only) or drop.")) -> None:
    """Create a site; prints JSON with site_id, public_key and secret_key (shown only once)."""
    from core.tenancy.service import TenancyError

    container = _core()
    try:
        created = container.tenancy().create_site(domain=domain, timezone=timezone,
                                                  allowed_origins=list(origin or []) or None,
                                                  dnt_policy=dnt_policy)
    except TenancyError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(json.dumps(_asdict(created), indent=2))


@sites.command("list")
def sites_list() -> None:
    """List sites (keys are stored hashed and cannot be shown)."""
    container = _core()
    typer.echo(json.dumps([_asdict(s) for s in container.tenancy().list_sites()], indent=2))


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


def _modules():
    """The full container (core and every module), on an up-to-date transactional schema."""
    from bootstrap.container import build_container
    from bootstrap.modules import installed_modules

    return build_container(_core().settings(), installed_modules())


def _core():
    """Core's container for site management; the transactional schema is brought up to date first
    (idempotent), so `sites create` works on a fresh install before the first `serve`."""
    from alembic import command
    from dependency_injector import providers

    from bootstrap.migrate import alembic_config
    from core.di.container import CoreContainer

    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(settings), "heads")
    return CoreContainer(settings=providers.Object(settings))


def _asdict(obj) -> dict:
    from dataclasses import asdict

    return asdict(obj)


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    log_secrets.install()
    try:
        cli()
    except KeyboardInterrupt:
        sys.exit(130)
    except preflight.Refused as exc:
        _fail(str(exc))
    except BufferLocked:  # lost a race the preflight check could not see: the same one line
        _fail(preflight.lock_conflict_message(Settings()))


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    sys.exit(1)
