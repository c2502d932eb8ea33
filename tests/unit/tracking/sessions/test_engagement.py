"""The engagement event type's validation and normalisation."""

import pytest

from core.ingest.schemas import BrowserEvent
from tracking.sessions.service.engagement import EngagementSpec

PAGE = BrowserEvent(site_id="s", type="engagement", url="https://shop.example/a")


def test_engagement_payload_is_validated_and_normalised():
    spec = EngagementSpec()
    assert spec.validate(PAGE, {"engaged_ms": 1500.0, "scroll_depth": 75}) == {"engaged_ms": 1500, "scroll_depth": 75}
    assert spec.validate(PAGE, {}) == {"engaged_ms": 0, "scroll_depth": 0}
    for extra, error in [({"engaged_ms": -1}, "engaged_ms"), ({"scroll_depth": 101}, "scroll_depth"),
                         ({"scroll_depth": True}, "scroll_depth"), ({"engaged_ms": "9"}, "engaged_ms"),
                         ({"engaged_ms": float("nan")}, "engaged_ms")]:
        with pytest.raises(ValueError, match=error):
            spec.validate(PAGE, extra)
    with pytest.raises(ValueError, match="url"):
        spec.validate(BrowserEvent(site_id="s", type="engagement"), {"engaged_ms": 1})
