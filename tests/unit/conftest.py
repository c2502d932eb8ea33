"""Unit-tier fixtures: in-process fakes only (SQLite in tmp_path, fakeredis), never a server."""

from collections.abc import Callable
from pathlib import Path

import pytest

from core.db.unit_of_work import UnitOfWork


@pytest.fixture
def sqlite_path(tmp_path) -> Path:
    return tmp_path / "db" / "core.sqlite"


@pytest.fixture
def uow(sqlite_path) -> Callable[[], UnitOfWork]:
    """A unit-of-work factory on a fresh SQLite file with every core table created."""
    import core.db.models  # noqa: F401 - registers the tables on the metadata
    from core.db.base import Base
    from core.db.engine import build_engine, build_session_factory

    engine = build_engine(f"sqlite:///{sqlite_path}")
    Base.metadata.create_all(engine)
    factory = build_session_factory(engine)
    yield lambda: UnitOfWork(factory)
    engine.dispose()
