"""User ids become keyed pseudonyms: stable per site, unrelated across sites, unlinkable once the
site's secret is deleted, and the raw id is never what the edge keeps (server or browser)."""

import hashlib
import hmac
from datetime import date

from sqlalchemy import select

from core.db.models import UserKey
from core.ingest.context import RequestContext
from core.ingest.edge import Edge
from core.ingest.schemas import BrowserEvent, ServerEvent
from core.tenancy.pseudonyms import UserPseudonyms
from core.tenancy.salts import DailySalts

CTX = RequestContext("203.0.113.9", "UA/1", 1_710_000_000_000)


def test_pseudonym_is_the_hmac_sha256_of_the_id_under_the_sites_stored_secret(uow):
    p = UserPseudonyms(uow=uow)
    value = p.pseudonym("s1", "cust-1")
    with uow() as session:
        secret = session.scalar(select(UserKey.secret).where(UserKey.site_id == "s1"))
    assert len(secret) == 32
    assert value == hmac.new(secret, b"cust-1", hashlib.sha256).hexdigest()[:32]


def test_same_id_same_pseudonym_per_site_and_another_site_cannot_link_it(uow):
    p = UserPseudonyms(uow=uow)
    assert p.pseudonym("s1", "cust-1") == p.pseudonym("s1", "cust-1") == UserPseudonyms(uow=uow).pseudonym("s1",
                                                                                                           "cust-1")
    assert p.pseudonym("s2", "cust-1") != p.pseudonym("s1", "cust-1")
    assert p.pseudonym("s1", "cust-2") != p.pseudonym("s1", "cust-1")
    assert p.pseudonym("s1", "") == ""


def test_queries_hash_at_query_time_without_creating_a_secret(uow):
    p = UserPseudonyms(uow=uow)
    assert p.existing("s9", "cust-1") is None  # no secret: nobody was identified on s9
    stored = p.pseudonym("s1", "cust-1")
    assert p.existing("s1", "cust-1") == stored


def test_deleting_the_secret_breaks_the_link(uow):
    p = UserPseudonyms(uow=uow)
    before = p.pseudonym("s1", "cust-1")
    assert p.forget("s1") is True
    assert p.existing("s1", "cust-1") is None
    assert p.pseudonym("s1", "cust-1") != before  # a new secret: the old pseudonyms match no id


def test_the_edge_stores_pseudonyms_for_server_and_browser_ids_pii_looking_or_not(uow):
    p = UserPseudonyms(uow=uow)
    edge = Edge(salts=DailySalts(uow=uow, today=lambda: date(2024, 3, 9)), pseudonyms=p)
    for raw in ("cust-1", "jane@example.org", "+49 151 98765432"):
        server = edge.from_server(ServerEvent.model_validate({"userId": raw, "eventName": "x"}), "s1", CTX)
        browser = edge.from_browser(BrowserEvent.model_validate(
            {"site_id": "s1", "type": "pageview", "url": "https://e.com/", "user_id": raw}), CTX)
        assert server["user_id"] == browser["user_id"] == p.pseudonym("s1", raw)
        assert raw not in repr(server) and raw not in repr(browser)
    anonymous = edge.from_browser(BrowserEvent.model_validate(
        {"site_id": "s1", "type": "pageview", "user_id": "cust-1"}), CTX, anonymous=True)
    assert anonymous.get("user_id", "") == ""  # no analytics consent: not linked to the user
    plain = edge.from_browser(BrowserEvent.model_validate({"site_id": "s1", "type": "pageview"}), CTX)
    assert plain.get("user_id", "") == ""
