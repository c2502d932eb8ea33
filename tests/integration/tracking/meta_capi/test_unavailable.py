"""An outbox that cannot be written makes the collect request answer 503 with nothing buffered."""

from alembic import command
from dependency_injector import providers
from fastapi.testclient import TestClient

from bootstrap.app import create_app
from bootstrap.migrate import alembic_config
from core.config.settings import Settings


class BrokenOutbox:
    def accept(self, records, private, ctx) -> None:
        raise ConnectionError("database is down")


def test_a_failing_edge_sink_answers_503_and_buffers_nothing(tmp_path, caplog):
    settings = Settings(data_dir=tmp_path, worker_enabled=False)
    command.upgrade(alembic_config(settings), "heads")
    app = create_app(settings)
    container = app.state.container
    container.meta_capi.sink.override(providers.Object(BrokenOutbox()))
    site = container.core.tenancy().create_site(domain="shop.example")
    client = TestClient(app)
    r = client.post("/api/v1/events", headers={"X-API-Key": site.secret_key},
                    json={"userId": "u1", "eventName": "purchase", "user": {"email": "jane@example.com"}})
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert container.core.buffer().backlog() == 0
    assert "jane@example.com" not in caplog.text
    client.close()
