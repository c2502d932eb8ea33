"""The referrer database: which host is which search engine, social network, e-mail client or AI
assistant, and the source name reports show for it.

Maintained here, in the repository, as data: add a host to its category and name, with a test
vector in tests/unit/tracking/page_analytics/test_traffic_sources.py. A host matches itself and
its subdomains (`l.facebook.com` is Facebook). BRANDS match any country domain of a search engine
(`google.co.uk`, `bing.de`) after the exact hosts were tried, so `mail.google.com` stays Gmail.
"""

SEARCH, SOCIAL, EMAIL, AI = "search", "social", "email", "ai"

HOSTS: dict[str, dict[str, tuple[str, ...]]] = {
    SEARCH: {
        "Google": ("google.com",), "Bing": ("bing.com",), "DuckDuckGo": ("duckduckgo.com", "ddg.gg"),
        "Yahoo!": ("search.yahoo.com", "yahoo.com"), "Yandex": ("yandex.ru", "yandex.com", "ya.ru"),
        "Baidu": ("baidu.com",), "Ecosia": ("ecosia.org",), "Qwant": ("qwant.com",), "Naver": ("naver.com",),
        "Seznam": ("seznam.cz",), "Startpage": ("startpage.com",), "Brave Search": ("search.brave.com",),
        "Kagi": ("kagi.com",), "Yahoo! Japan": ("yahoo.co.jp",), "Sogou": ("sogou.com",), "So.com": ("so.com",),
        "Ask": ("ask.com",), "AOL": ("search.aol.com",), "Mojeek": ("mojeek.com",), "Daum": ("daum.net",),
    },
    SOCIAL: {
        "Facebook": ("facebook.com", "fb.com", "fb.me", "messenger.com"), "Instagram": ("instagram.com",),
        "X": ("twitter.com", "x.com", "t.co"), "LinkedIn": ("linkedin.com", "lnkd.in"),
        "Reddit": ("reddit.com", "redd.it"), "Pinterest": ("pinterest.com", "pin.it"),
        "YouTube": ("youtube.com", "youtu.be"), "TikTok": ("tiktok.com",), "Snapchat": ("snapchat.com",),
        "Threads": ("threads.net", "threads.com"), "Bluesky": ("bsky.app",), "Mastodon": ("mastodon.social",),
        "Hacker News": ("news.ycombinator.com",), "VKontakte": ("vk.com",), "Tumblr": ("tumblr.com",),
        "Quora": ("quora.com",), "Telegram": ("t.me", "web.telegram.org"), "WhatsApp": ("wa.me", "whatsapp.com"),
        "Discord": ("discord.com", "discord.gg"), "Weibo": ("weibo.com",), "XING": ("xing.com",),
        "Product Hunt": ("producthunt.com",), "Medium": ("medium.com",), "Twitch": ("twitch.tv",),
    },
    EMAIL: {
        "Gmail": ("mail.google.com",), "Outlook": ("outlook.live.com", "outlook.office.com", "outlook.office365.com"),
        "Yahoo! Mail": ("mail.yahoo.com",), "Proton Mail": ("mail.proton.me", "mail.protonmail.com"),
        "iCloud Mail": ("icloud.com",), "AOL Mail": ("mail.aol.com",), "GMX": ("gmx.net", "gmx.de", "gmx.com"),
        "WEB.DE": ("web.de",), "Yandex Mail": ("mail.yandex.ru", "mail.yandex.com"), "Mail.ru": ("mail.ru",),
        "Fastmail": ("fastmail.com",), "Zoho Mail": ("mail.zoho.com", "mail.zoho.eu"),
    },
    AI: {
        "ChatGPT": ("chatgpt.com", "chat.openai.com"), "Perplexity": ("perplexity.ai",), "Claude": ("claude.ai",),
        "Gemini": ("gemini.google.com", "bard.google.com"), "Copilot": ("copilot.microsoft.com",),
        "Mistral Le Chat": ("chat.mistral.ai",), "DeepSeek": ("chat.deepseek.com",), "Meta AI": ("meta.ai",),
        "Grok": ("grok.com",), "Poe": ("poe.com",), "Phind": ("phind.com",), "You.com": ("you.com",),
    },
}

# Search engines with country domains: the second-level label names the engine.
BRANDS: dict[str, tuple[str, str]] = {
    "google": (SEARCH, "Google"), "bing": (SEARCH, "Bing"), "yahoo": (SEARCH, "Yahoo!"),
    "yandex": (SEARCH, "Yandex"), "baidu": (SEARCH, "Baidu"), "ecosia": (SEARCH, "Ecosia"),
    "qwant": (SEARCH, "Qwant"), "duckduckgo": (SEARCH, "DuckDuckGo"), "facebook": (SOCIAL, "Facebook"),
    "instagram": (SOCIAL, "Instagram"), "pinterest": (SOCIAL, "Pinterest"), "linkedin": (SOCIAL, "LinkedIn"),
    "youtube": (SOCIAL, "YouTube"), "reddit": (SOCIAL, "Reddit"),
}
