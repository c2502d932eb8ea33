"""Which user agents are bots: known crawlers, headless browsers, monitoring agents, and the
operator's own deny list (`UT_BOT_UA_DENYLIST`).

ua-parser already recognises thousands of crawlers (its device family `Spider`); the patterns
here add what it does not call a spider: headless and automated browsers, uptime and speed
monitors, and the self-declared bot conventions (`+https://...` contact URLs, `bot/1.0`). Generic
HTTP clients (curl, python-requests) are not flagged by default: people test with them, and
server-side proxies send them; add them to the deny list to exclude them.
"""

import re

_BUILT_IN = re.compile(
    r"headless|phantomjs|slimerjs|puppeteer|playwright|selenium|webdriver|electron/.*\bsynthetic"
    r"|lighthouse|pagespeed|gtmetrix|pingdom|uptimerobot|uptime-kuma|better ?uptime|statuscake|site24x7"
    r"|datadog|newrelicpinger|checkly|freshping|hetrixtools|uptrends|catchpoint|dynatrace|zabbix|nagios"
    r"|crawler|spider|scraper|\bbot\b|bot/|\+https?://",
    re.IGNORECASE)


class BotRules:
    def __init__(self, denylist: str = "") -> None:
        self._deny = tuple(p.strip().lower() for p in denylist.split(",") if p.strip())

    def is_bot(self, user_agent: str, spider: bool) -> bool:
        """`spider`: ua-parser's own verdict (device family `Spider`)."""
        if spider or _BUILT_IN.search(user_agent):
            return True
        lowered = user_agent.lower()
        return any(pattern in lowered for pattern in self._deny)
