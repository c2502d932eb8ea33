"""The edge hook of page_analytics: where an event's visitor came from.

From the page URL: `utm_source|medium|campaign|term|content` (`ref` and `source` stand in for a
missing utm_source), and which ad click ids it carried (gclid, fbclid, msclkid, ttclid, twclid,
li_fat_id) as names only: their values identify a click, so they are removed from the stored URL
and referrer. From the
referrer: the source name and category (referrer database), self-referrals ignored. Then the
channel (service/channels.py). Runs after core redacted PII from the URL and referrer.
"""

from urllib.parse import parse_qsl, unquote, urlsplit

from core.ingest.context import RequestContext
from tracking.page_analytics.service.channels import DIRECT, channel
from tracking.page_analytics.service.referrer_data import SEARCH, SOCIAL
from tracking.page_analytics.service.referrers import KnownSource, known_host, known_name

CLICK_IDS = ("gclid", "fbclid", "msclkid", "ttclid", "twclid", "li_fat_id")
# When a click id arrives without a referrer (in-app browsers drop it), it still names its network.
_CLICK_ID_SOURCES = {"gclid": KnownSource("Google", SEARCH), "msclkid": KnownSource("Bing", SEARCH),
                     "fbclid": KnownSource("Facebook", SOCIAL), "ttclid": KnownSource("TikTok", SOCIAL),
                     "twclid": KnownSource("X", SOCIAL), "li_fat_id": KnownSource("LinkedIn", SOCIAL)}
_UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
DIRECT_SOURCE = "(direct)"
_MAX = 200  # campaign values are free text from the URL: keep them short


class TrafficSourceEnricher:
    # Click ids are removed from the stored URL and referrer, so those are rewritten too.
    writes = frozenset({"source", "channel", "click_ids", "url", "referrer", "referrer_domain", *_UTM})
    reads = frozenset({"url", "referrer", "hostname"})

    def enrich(self, record: dict, ctx: RequestContext) -> None:
        params = _query(record.get("url", ""))
        utm = {key: params.get(key, "")[:_MAX] for key in _UTM}
        if not utm["utm_source"]:
            utm["utm_source"] = (params.get("ref") or params.get("source") or "")[:_MAX]
        click_ids = tuple(c for c in CLICK_IDS if c in params)
        ref_host = _host(record.get("referrer", ""))
        internal = bool(ref_host) and _same_site(ref_host, record.get("hostname", ""))
        external = bool(ref_host) and not internal
        has_campaign = any(utm.values())
        record.update(utm)
        record["click_ids"] = list(click_ids)
        if click_ids:
            record["url"] = _without_click_ids(record["url"])
        record["referrer"] = _without_click_ids(record.get("referrer", ""))
        record["referrer_domain"] = ref_host.removeprefix("www.") if external else ""
        if internal and not has_campaign and not click_ids:
            record["source"] = record["channel"] = ""  # a navigation inside the site, not an arrival
            return
        known = (known_name(utm["utm_source"]) if utm["utm_source"] else None) \
            or (known_host(ref_host) if external else None) \
            or next((_CLICK_ID_SOURCES[c] for c in click_ids), None)
        record["channel"] = channel(medium=utm["utm_medium"], category=known.category if known else None,
                                    click_ids=frozenset(click_ids), has_campaign=has_campaign,
                                    external_referrer=external)
        if utm["utm_source"]:
            record["source"] = known.name if known and known_name(utm["utm_source"]) else utm["utm_source"]
        elif known:
            record["source"] = known.name
        elif external:
            record["source"] = record["referrer_domain"]
        else:
            record["source"] = DIRECT_SOURCE if record["channel"] == DIRECT else ""


def _query(url: str) -> dict[str, str]:
    try:
        query = urlsplit(url).query
    except ValueError:
        return {}
    params: dict[str, str] = {}
    for key, value in parse_qsl(query, keep_blank_values=True):
        params.setdefault(key.lower(), value.strip())
    return params


def _without_click_ids(url: str) -> str:
    """The URL minus its click-id parameters, every other byte unchanged."""
    if "?" not in url:
        return url
    base, _, rest = url.partition("?")
    query, hash_, fragment = rest.partition("#")
    kept = [p for p in query.split("&") if unquote(p.partition("=")[0]).lower() not in CLICK_IDS]
    return base + ("?" + "&".join(kept) if kept and any(kept) else "") + hash_ + fragment


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ""


def _same_site(a: str, b: str) -> bool:
    """Same host, give or take `www.`, or one a subdomain of the other (shop.x and checkout.shop.x)."""
    a, b = a.lower().removeprefix("www."), b.lower().removeprefix("www.")
    return bool(a and b) and (a == b or a.endswith("." + b) or b.endswith("." + a))
