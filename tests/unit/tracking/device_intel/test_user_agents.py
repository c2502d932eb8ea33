"""Real-world user agents come out as the right browser, OS, device type and bot flag."""

import pytest

from core.ingest.context import RequestContext
from tracking.device_intel.service.bots import BotRules
from tracking.device_intel.service.enricher import DeviceEnricher
from tracking.device_intel.service.user_agents import DeviceInfo, UserAgentParser

CHROME_WIN = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/131.0.0.0 Safari/537.36")
IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


@pytest.fixture(scope="module")
def parser() -> UserAgentParser:
    return UserAgentParser(bots=BotRules("curl, python-requests"))


@pytest.mark.parametrize(("ua", "expected"), [
    (CHROME_WIN, ("Chrome", "131.0", "Windows", "10", "desktop")),
    (IPHONE, ("Safari", "17.5", "iOS", "17.5", "mobile")),
    ("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 "
     "Mobile/15E148 Safari/604.1", ("Safari", "16.6", "iOS", "16.6", "tablet")),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 "
     "Mobile Safari/537.36", ("Chrome", "124.0", "Android", "14", "mobile")),
    ("Mozilla/5.0 (Linux; Android 13; SM-X706B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36", ("Chrome", "120.0", "Android", "13", "tablet")),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:132.0) Gecko/20100101 Firefox/132.0",
     ("Firefox", "132.0", "macOS", "10.15", "desktop")),
    (CHROME_WIN + " Edg/131.0.0.0", ("Edge", "131.0", "Windows", "10", "desktop")),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
     "Safari/537.36", ("Chrome", "120.0", "Chrome OS", "14541.0", "desktop")),
    ("Mozilla/5.0 (SMART-TV; Linux; Tizen 6.0) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/4.0 "
     "Chrome/76.0.3809.146 TV Safari/537.36", ("Samsung Internet", "4.0", "Tizen", "6.0", "other")),
])
def test_browsers_systems_and_devices(parser, ua, expected):
    info = parser.parse(ua)
    assert (info.browser, info.browser_version, info.os, info.os_version, info.device_type) == expected
    assert not info.is_bot


@pytest.mark.parametrize("ua", [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",  # crawler
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) "
    "Chrome/116.0.1938.76 Safari/537.36",
    "Mozilla/5.0 (compatible; GPTBot/1.0; +https://openai.com/gptbot)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 "
    "Safari/537.36",  # headless browser
    "Mozilla/5.0 (compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",  # monitoring agents
    "Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)",
    CHROME_WIN + " Chrome-Lighthouse",
    "curl/8.5.0", "python-requests/2.31.0",  # the configured deny list
])
def test_bots(parser, ua):
    info = parser.parse(ua)
    assert info.is_bot and info.device_type == "bot"


def test_generic_clients_are_not_bots_without_the_deny_list_and_no_ua_is_unknown():
    plain = UserAgentParser(bots=BotRules(""))
    assert not plain.parse("curl/8.5.0").is_bot
    assert plain.parse("") == DeviceInfo()
    assert not plain.parse("Mozilla/5.0 (Linux; Android 10; CUBOT_X30) Mobile Safari/537.36").is_bot


def test_parses_are_cached_and_the_enricher_fills_the_record(parser):
    parser.parse(IPHONE)
    hits = parser.parse.cache_info().hits
    parser.parse(IPHONE)
    assert parser.parse.cache_info().hits == hits + 1
    record: dict = {}
    DeviceEnricher(parser=parser).enrich(record, RequestContext("203.0.113.5", IPHONE, 0))
    assert record == {"browser": "Safari", "browser_version": "17.5", "os": "iOS", "os_version": "17.5",
                      "device_type": "mobile", "is_bot": 0}
