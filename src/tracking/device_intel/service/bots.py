"""Which user agents are bots: known crawlers, headless browsers, monitoring agents, and the
operator's own deny list (`UT_BOT_UA_DENYLIST`).

ua-parser already recognises thousands of crawlers (its device family `Spider`); the patterns
here add what it does not call a spider: headless and automated browsers, uptime and speed
monitors, and the self-declared bot conventions (`+https://...` contact URLs, `bot/1.0`). Generic
HTTP clients (curl, python-requests) are not flagged by default: people test with them, and
server-side proxies send them; add them to the deny list to exclude them.
"""

import re

# Plain substrings of the lower-cased UA: ~30 `in` checks cost ~2 µs, where one case-insensitive
# alternation regex over the same words cost ~70 µs per UA (measured).
_TOKENS = ("headless", "phantomjs", "slimerjs", "puppeteer", "playwright", "selenium", "webdriver", "lighthouse",
           "pagespeed", "gtmetrix", "pingdom", "uptimerobot", "uptime-kuma", "betteruptime", "better uptime",
           "better-uptime", "statuscake", "site24x7", "datadog", "newrelicpinger", "checkly", "freshping",
           "hetrixtools", "uptrends", "catchpoint", "dynatrace", "zabbix", "nagios", "crawler", "spider", "scraper",
           "bot/", "+http")
_WORD_BOT = re.compile(r"\bbot\b")


class BotRules:
    def __init__(self, denylist: str = "") -> None:
        self._deny = tuple(p.strip().lower() for p in denylist.split(",") if p.strip())

    def is_bot(self, user_agent: str, spider: bool) -> bool:
        """`spider`: ua-parser's own verdict (device family `Spider`)."""
        if spider:
            return True
        lowered = user_agent.lower()
        return (any(token in lowered for token in _TOKENS) or _WORD_BOT.search(lowered) is not None
                or any(pattern in lowered for pattern in self._deny))
