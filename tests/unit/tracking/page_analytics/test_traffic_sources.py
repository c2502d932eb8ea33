"""Referrers, campaigns, click ids and the channel grouping, rule by rule, on real-world URLs."""

import pytest

from core.ingest.context import RequestContext
from tracking.page_analytics.service.referrers import known_host, known_name
from tracking.page_analytics.service.traffic import TrafficSourceEnricher

CTX = RequestContext("", "", 0)


def enrich(url: str, referrer: str = "") -> dict:
    from urllib.parse import urlsplit

    record = {"url": url, "referrer": referrer, "hostname": urlsplit(url).hostname or ""}
    TrafficSourceEnricher().enrich(record, CTX)
    return record


@pytest.mark.parametrize(("url", "referrer", "source", "channel"), [
    ("https://shop.example/", "", "(direct)", "Direct"),
    ("https://shop.example/", "https://www.google.com/", "Google", "Organic Search"),
    ("https://shop.example/", "https://www.google.co.uk/search?q=x", "Google", "Organic Search"),
    ("https://shop.example/", "https://duckduckgo.com/", "DuckDuckGo", "Organic Search"),
    ("https://shop.example/?gclid=Cj0KCQ", "https://www.google.com/", "Google", "Paid Search"),
    ("https://shop.example/?gclid=Cj0KCQ", "", "Google", "Paid Search"),
    ("https://shop.example/?msclkid=abc", "https://www.bing.com/", "Bing", "Paid Search"),
    ("https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=bf", "", "Google", "Paid Search"),
    ("https://shop.example/", "https://l.facebook.com/", "Facebook", "Organic Social"),
    ("https://shop.example/?fbclid=IwAR0", "", "Facebook", "Organic Social"),  # fbclid alone is not paid
    ("https://shop.example/?utm_source=facebook&utm_medium=paid_social", "https://m.facebook.com/", "Facebook",
     "Paid Social"),
    ("https://shop.example/?ttclid=E.C.P", "", "TikTok", "Paid Social"),
    ("https://shop.example/", "https://t.co/abc", "X", "Organic Social"),
    ("https://shop.example/", "https://news.ycombinator.com/item?id=1", "Hacker News", "Organic Social"),
    ("https://shop.example/?utm_source=newsletter&utm_medium=email", "", "newsletter", "Email"),
    ("https://shop.example/", "https://mail.google.com/", "Gmail", "Email"),
    ("https://shop.example/", "https://chatgpt.com/", "ChatGPT", "AI Assistants"),
    ("https://shop.example/?utm_source=chatgpt.com", "", "ChatGPT", "AI Assistants"),
    ("https://shop.example/", "https://www.perplexity.ai/search/x", "Perplexity", "AI Assistants"),
    ("https://shop.example/?utm_medium=display&utm_source=dv360", "", "dv360", "Display"),
    ("https://shop.example/?utm_medium=affiliate&utm_source=awin", "", "awin", "Affiliates"),
    ("https://shop.example/", "https://blog.other.example/post", "blog.other.example", "Referral"),
    ("https://shop.example/?ref=producthunt", "", "Product Hunt", "Organic Social"),
    ("https://shop.example/?utm_source=partner-x", "", "partner-x", "Other"),
    ("https://shop.example/?utm_medium=cpc&utm_source=unknown-network", "", "unknown-network", "Paid Search"),
    ("https://shop.example/?utm_medium=paid&utm_source=unknown-network", "", "unknown-network", "Other"),
])
def test_sources_and_channels(url, referrer, source, channel):
    record = enrich(url, referrer)
    assert (record["source"], record["channel"]) == (source, channel)


def test_self_referrals_are_internal_navigations_not_arrivals():
    for referrer in ("https://shop.example/cart", "https://www.shop.example/", "https://checkout.shop.example/"):
        record = enrich("https://shop.example/thanks", referrer)
        assert (record["source"], record["channel"], record["referrer_domain"]) == ("", "", "")
    campaign = enrich("https://shop.example/?utm_source=banner&utm_medium=display", "https://shop.example/")
    assert campaign["channel"] == "Display"


def test_campaign_parameters_and_click_ids_are_kept_as_names_only():
    record = enrich("https://shop.example/?UTM_Source=Newsletter&utm_medium=email&utm_campaign=spring-sale"
                    "&utm_term=shoes&utm_content=hero&gclid=SECRETCLICK&li_fat_id=X", "https://www.bing.com/")
    assert (record["utm_source"], record["utm_medium"], record["utm_campaign"], record["utm_term"],
            record["utm_content"]) == ("Newsletter", "email", "spring-sale", "shoes", "hero")
    assert record["click_ids"] == ["gclid", "li_fat_id"] and "SECRETCLICK" not in repr(record)
    assert record["url"] == ("https://shop.example/?UTM_Source=Newsletter&utm_medium=email&utm_campaign=spring-sale"
                             "&utm_term=shoes&utm_content=hero")
    assert enrich("https://shop.example/p?fbclid=X#top")["url"] == "https://shop.example/p#top"
    assert record["referrer_domain"] == "bing.com"


def test_the_referrer_database():
    assert known_host("mail.google.com").name == "Gmail" and known_host("news.google.com").name == "Google"
    assert known_host("gemini.google.com").category == "ai" and known_host("example.org") is None
    assert known_name("Facebook").category == "social" and known_name("google").name == "Google"
    assert known_name("partner-x") is None
