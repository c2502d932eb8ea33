"""Module-defined event types: their extra fields are validated by the module's spec at the edge."""

from datetime import date

import orjson
import pytest

from core.ingest.context import RequestContext
from core.ingest.edge import Edge
from core.ingest.service import IngestService
from core.metrics import Metrics
from core.tenancy.salts import DailySalts
from core.tenancy.service import TenancyService
from tests.unit.core.ingest.test_service import RecordingBuffer

CTX = RequestContext("203.0.113.5", "Mozilla/5.0", 1_710_000_000_000)


class VitalsSpec:
    type = "vitals"
    fields = frozenset({"value", "metric_id"})

    def validate(self, event, extra: dict) -> dict:
        if not isinstance(extra.get("value"), int | float) or extra["value"] < 0:
            raise ValueError("value: must be a non-negative number")
        return {"value": float(extra["value"]), "metric_id": str(extra.get("metric_id", ""))}


@pytest.fixture
def setup(uow):
    tenancy, buffer = TenancyService(uow=uow), RecordingBuffer()
    site = tenancy.create_site(domain="example.com")
    edge = Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)))
    ingest = IngestService(edge=edge, buffer=buffer, tenancy=tenancy, metrics=Metrics(), event_types=[VitalsSpec()])
    return ingest, buffer, site.site_id


def test_a_registered_type_keeps_its_validated_payload_as_data(setup):
    ingest, buffer, sid = setup
    result = ingest.collect_browser([{"site_id": sid, "type": "vitals", "name": "LCP", "value": 2400,
                                      "metric_id": "v1-1"}], CTX, None)
    assert result.accepted == 1 and result.rejected == []
    (record,) = buffer.records()
    assert record["type"] == "vitals" and record["name"] == "LCP"
    assert orjson.loads(record["data"]) == {"value": 2400.0, "metric_id": "v1-1"}


def test_the_specs_error_rejects_only_that_event(setup):
    ingest, buffer, sid = setup
    result = ingest.collect_browser([
        {"site_id": sid, "type": "vitals", "name": "LCP", "value": -1},
        {"site_id": sid, "type": "event", "name": "ok"},
    ], CTX, None)
    assert result.accepted == 1
    assert result.rejected == [{"index": 0, "error": "value: must be a non-negative number"}]


def test_unknown_types_and_fields_are_rejected_with_the_field_named(setup):
    ingest, _, sid = setup
    result = ingest.collect_browser([
        {"site_id": sid, "type": "teleport"},
        {"site_id": sid, "type": "event", "value": 3},  # `value` belongs to vitals, not to plain events
        {"site_id": sid, "type": "vitals", "value": 1, "colour": "red"},
        "not an object",
    ], CTX, None)
    assert result.accepted == 0
    errors = [r["error"] for r in result.rejected]
    assert errors[0].startswith("type: unknown event type 'teleport'") and "vitals" in errors[0]
    assert errors[1] == "value: Extra inputs are not permitted"
    assert errors[2] == "colour: Extra inputs are not permitted"
    assert errors[3] == "event: must be a JSON object"
