"""The channel grouping: one channel per event, decided by these rules, first match wins.

1. no campaign parameters, no click id, no external referrer: Direct
2. a paid medium (cpc, ppc, paid*, sem, cpv, cpa, retargeting) or a paid click id, with a social
   source, a social medium or a social-ads click id (ttclid, twclid, li_fat_id): Paid Social
3. a paid medium or gclid/msclkid, with a search source, a search-ads click id or a cpc/ppc/sem
   medium: Paid Search
4. medium display, banner, cpm, expandable or interstitial: Display
5. medium affiliate(s): Affiliates
6. medium email, e-mail, newsletter, or an e-mail client as source: Email
7. an AI assistant as source (chatgpt.com, perplexity.ai...) or medium ai: AI Assistants
8. a social network as source, or medium social, social-media, social-network, sm: Organic Social
9. a search engine as source, or medium organic: Organic Search
10. an external referrer, or medium referral: Referral
11. anything else (unrecognised campaign parameters, a paid medium without a known network): Other

Internal navigations (the referrer is the site itself, no campaign) get no channel: they are not
acquisition. fbclid alone is not paid: Facebook adds it to every outbound link.
"""

from tracking.page_analytics.service.referrer_data import AI, EMAIL, SEARCH, SOCIAL

DIRECT, PAID_SOCIAL, PAID_SEARCH, DISPLAY = "Direct", "Paid Social", "Paid Search", "Display"
AFFILIATES, CHANNEL_EMAIL, AI_ASSISTANTS = "Affiliates", "Email", "AI Assistants"
ORGANIC_SOCIAL, ORGANIC_SEARCH, REFERRAL, OTHER = "Organic Social", "Organic Search", "Referral", "Other"

_PAID_MEDIUMS = frozenset({"cpc", "ppc", "paid", "paidsearch", "paid_search", "paid-search", "sem", "cpv", "cpa",
                           "retargeting", "paidsocial", "paid_social", "paid-social"})
_SEARCH_PAID_MEDIUMS = frozenset({"cpc", "ppc", "sem", "paidsearch", "paid_search", "paid-search"})
_SOCIAL_MEDIUMS = frozenset({"social", "social-network", "social-media", "sm", "social network", "social media",
                             "social_network", "social_media"})
_DISPLAY_MEDIUMS = frozenset({"display", "banner", "cpm", "expandable", "interstitial"})
_EMAIL_MEDIUMS = frozenset({"email", "e-mail", "e_mail", "e mail", "newsletter", "mail"})
SEARCH_AD_CLICK_IDS = frozenset({"gclid", "msclkid"})
SOCIAL_AD_CLICK_IDS = frozenset({"ttclid", "twclid", "li_fat_id"})


def channel(*, medium: str, category: str | None, click_ids: frozenset[str], has_campaign: bool,
            external_referrer: bool) -> str:
    """`category`: search | social | email | ai of the known source, None when unknown."""
    medium = medium.strip().lower()
    if not has_campaign and not click_ids and not external_referrer:
        return DIRECT
    paid_ids = click_ids & (SEARCH_AD_CLICK_IDS | SOCIAL_AD_CLICK_IDS)
    paid = medium in _PAID_MEDIUMS or medium.startswith("paid") or bool(paid_ids)
    if paid and (category == SOCIAL or "social" in medium or click_ids & SOCIAL_AD_CLICK_IDS):
        return PAID_SOCIAL
    if paid and (category == SEARCH or click_ids & SEARCH_AD_CLICK_IDS or medium in _SEARCH_PAID_MEDIUMS):
        return PAID_SEARCH
    if medium in _DISPLAY_MEDIUMS:
        return DISPLAY
    if medium in ("affiliate", "affiliates"):
        return AFFILIATES
    if medium in _EMAIL_MEDIUMS or category == EMAIL:
        return CHANNEL_EMAIL
    if category == AI or medium == "ai":
        return AI_ASSISTANTS
    if category == SOCIAL or medium in _SOCIAL_MEDIUMS:
        return ORGANIC_SOCIAL
    if category == SEARCH or medium == "organic":
        return ORGANIC_SEARCH
    if external_referrer or medium == "referral":
        return REFERRAL
    return OTHER
