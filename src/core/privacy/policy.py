"""What a visitor's privacy signals and consent allow us to keep, per event.

Signals: `DNT: 1` (Do Not Track) and `Sec-GPC: 1` (Global Privacy Control). Each site chooses
how to honour them:
- `ignore`: count as usual;
- `count_anonymously` (default): count the event, but with a random visitor id (no two events
  of the visitor can be linked, not even within a day) and no geo beyond the country;
- `drop`: do not store the event at all (the caller still gets 202: it did nothing wrong).
Consent sent with an event (`consent: {"analytics": false}`) is treated like `count_anonymously`
whatever the site's policy, and the `marketing` flag is kept only when given and no signal says no.
"""

from dataclasses import dataclass

IGNORE, COUNT_ANONYMOUSLY, DROP = "ignore", "count_anonymously", "drop"
DNT_POLICIES = (IGNORE, COUNT_ANONYMOUSLY, DROP)


@dataclass(frozen=True, slots=True)
class PrivacyDecision:
    drop: bool = False
    anonymous: bool = False
    marketing: bool = False


def privacy_signal(headers: dict[str, str]) -> bool:
    """True when the browser sent `DNT: 1` or `Sec-GPC: 1`."""
    return headers.get("dnt", "").strip() == "1" or headers.get("sec-gpc", "").strip() == "1"


def decide(policy: str, headers: dict[str, str], analytics_consent: bool | None,
           marketing_consent: bool | None) -> PrivacyDecision:
    signal = privacy_signal(headers) and policy != IGNORE
    if signal and policy == DROP:
        return PrivacyDecision(drop=True)
    return PrivacyDecision(anonymous=signal or analytics_consent is False,
                           marketing=bool(marketing_consent) and not signal)
