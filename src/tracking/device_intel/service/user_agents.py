"""User-agent parsing: browser, OS, device type and bot flag, behind an LRU cache.

ua-parser 1.0 with its `regex` extra (the Rust matcher) parses a new UA in tens of microseconds
(`user-agents`, through ua-parser's legacy API, takes ~600 µs), and the same UA string comes back
again and again, so results are cached per string (~2 µs on a hit). The UA itself is only a key in
this process's memory: it never leaves the request path.
"""

import threading
from dataclasses import dataclass
from functools import lru_cache

from tracking.device_intel.service.bots import BotRules

# ua-parser names a browser per platform; reports want one name per browser (the device type
# already says "mobile").
_BROWSERS = {"Mobile Safari": "Safari", "Mobile Safari UI/WKWebView": "Safari", "Chrome Mobile": "Chrome",
             "Chrome Mobile iOS": "Chrome", "Chrome Mobile WebView": "Chrome WebView", "Firefox Mobile": "Firefox",
             "Firefox iOS": "Firefox", "Edge Mobile": "Edge", "Opera Mobile": "Opera", "Other": ""}
_OSES = {"Mac OS X": "macOS", "Other": ""}
_MOBILE_OS = frozenset({"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Symbian OS", "Firefox OS",
                        "HarmonyOS"})
_DESKTOP_OS = frozenset({"Windows", "Mac OS X", "Linux", "Ubuntu", "Chrome OS", "Fedora", "Debian", "FreeBSD",
                         "OpenBSD", "NetBSD", "Solaris", "Mint", "Arch Linux", "Red Hat", "SUSE"})
_TV_OR_CONSOLE = ("smart-tv", "smarttv", "tizen", "web0s", "webos", "hbbtv", "appletv", "crkey", "playstation",
                  "xbox", "nintendo", "android tv", "googletv", "roku", "; aft")
_TABLET = ("tablet", "ipad", "kindle", "silk/", "playbook", "nexus 7", "nexus 9", "nexus 10")


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    browser: str = ""
    browser_version: str = ""
    os: str = ""
    os_version: str = ""
    device_type: str = ""  # desktop | mobile | tablet | bot | other; "" when there is no UA
    is_bot: bool = False


class UserAgentParser:
    def __init__(self, *, bots: BotRules, cache_size: int = 10_000) -> None:
        self._bots = bots
        self._resolver = None
        self._lock = threading.Lock()
        self.parse = lru_cache(maxsize=cache_size)(self._parse)

    def _resolve(self, user_agent: str):
        if self._resolver is None:
            with self._lock:
                if self._resolver is None:  # compiling the rules takes a moment: on first use only
                    from ua_parser import load_builtins
                    from ua_parser.regex import Resolver

                    self._resolver = Resolver(load_builtins())
        from ua_parser import Domain

        return self._resolver(user_agent, Domain.ALL)

    def _parse(self, user_agent: str) -> DeviceInfo:
        if not user_agent:
            return DeviceInfo()
        result = self._resolve(user_agent)
        ua, os_, device = result.user_agent, result.os, result.device
        is_bot = self._bots.is_bot(user_agent, spider=device is not None and device.family == "Spider")
        browser = _BROWSERS.get(ua.family, ua.family) if ua else ""
        os_name = _OSES.get(os_.family, os_.family) if os_ else ""
        return DeviceInfo(
            browser=browser, browser_version=_version(ua.major, ua.minor) if ua and browser else "",
            os=os_name, os_version=_version(os_.major, os_.minor) if os_ and os_name else "",
            device_type="bot" if is_bot else _device_type(user_agent.lower(), os_.family if os_ else "",
                                                          device.family if device else ""),
            is_bot=is_bot)


def _version(major: str | None, minor: str | None) -> str:
    return ".".join(p for p in (major, minor) if p)


def _device_type(lowered: str, os_family: str, device_family: str) -> str:
    if any(marker in lowered for marker in _TV_OR_CONSOLE):
        return "other"
    if device_family == "iPad" or any(marker in lowered for marker in _TABLET):
        return "tablet"
    if os_family == "Android" and "mobile" not in lowered:  # Android tablets drop "Mobile" from the UA
        return "tablet"
    if os_family in _MOBILE_OS or "mobi" in lowered or device_family == "iPhone":
        return "mobile"
    if os_family in _DESKTOP_OS:
        return "desktop"
    return "other"
