"""DNT / GPC policies and consent, per event."""

import pytest

from core.privacy.policy import PrivacyDecision, decide, privacy_signal

DNT, GPC, NONE = {"dnt": "1"}, {"sec-gpc": "1"}, {}


def test_signals():
    assert privacy_signal(DNT) and privacy_signal(GPC)
    assert not privacy_signal({"dnt": "0"}) and not privacy_signal(NONE)


@pytest.mark.parametrize(("policy", "headers", "analytics", "marketing", "expected"), [
    ("count_anonymously", NONE, None, None, PrivacyDecision()),
    ("count_anonymously", DNT, None, True, PrivacyDecision(anonymous=True)),  # a signal vetoes marketing
    ("count_anonymously", GPC, None, None, PrivacyDecision(anonymous=True)),
    ("drop", DNT, None, None, PrivacyDecision(drop=True)),
    ("drop", NONE, None, True, PrivacyDecision(marketing=True)),
    ("ignore", DNT, None, True, PrivacyDecision(marketing=True)),
    ("ignore", NONE, False, None, PrivacyDecision(anonymous=True)),  # no analytics consent: anonymous
    ("drop", NONE, False, True, PrivacyDecision(anonymous=True, marketing=True)),
])
def test_decisions(policy, headers, analytics, marketing, expected):
    assert decide(policy, headers, analytics, marketing) == expected
