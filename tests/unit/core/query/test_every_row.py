"""QueryService.every_row: the adapters' way to read a whole answer, page after page, in order."""

from core.query.clickhouse import VISIT_NUMBERS
from core.query.schemas import QueryRequest
from core.query.service import QueryService
from core.tenancy.service import SiteInfo

SITE = SiteInfo("site_x", "example.com", (), "UTC")


class Store:
    """Seven sources with 1..7 visits each, whatever the SQL; counts the queries it answers."""

    def __init__(self) -> None:
        self.queries = 0

    def rows(self, sql: str, params: dict) -> list[tuple]:
        self.queries += 1
        return [(f"s{n}", *(n for _ in VISIT_NUMBERS)) for n in range(1, 8)]

    def first_event_ms(self, site_id: str) -> int:
        return 0


def test_every_row_comes_once_in_the_answers_order_whatever_the_page_size():
    store = Store()
    engine = QueryService(store=store)
    request = QueryRequest(site_id=SITE.id, metrics=["visits"], date_range=["2026-03-01", "2026-03-02"],
                           dimensions=["visit:source"], pagination={"limit": 1, "offset": 5})
    rows, meta = engine.every_row(site=SITE, request=request, page=3)
    assert [(r.dimensions, r.metrics) for r in rows] == [([f"s{n}"], [n]) for n in range(7, 0, -1)]
    assert meta["total_rows"] == 7 and store.queries == 3  # pages of 3, 3 and 1
    one, _ = engine.every_row(site=SITE, request=request)
    assert one == rows and store.queries == 4
