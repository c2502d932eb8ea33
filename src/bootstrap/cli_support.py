"""What every `utrack` command group shares: the containers on an up-to-date schema, JSON output,
and the one-line error exit."""

import json
import sys
from dataclasses import asdict

import typer

from core.config.settings import Settings


def modules_container():
    """The full container (core and every module), on an up-to-date transactional schema."""
    from bootstrap.container import build_container
    from bootstrap.modules import installed_modules

    return build_container(core_container().settings(), installed_modules())


def core_container():
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


def as_dict(obj) -> dict:
    return asdict(obj)


def echo_json(value) -> None:
    typer.echo(json.dumps(value, indent=2, default=str))


def fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    sys.exit(code)
