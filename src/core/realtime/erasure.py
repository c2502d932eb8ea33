"""A module's real-time keys, erased for the data rights (core.modules.Eraser).

`site_patterns` are SCAN patterns with `{site}` (every key of a deleted site); `visitor_keys`
are key templates with `{site}` and `{visitor}` (a deleted visitor's keys). Keys that only live
minutes (presence) may be left to expire; say so where the module declares its patterns.
"""

from collections.abc import Sequence
from datetime import date

from core.erasure import Subject


class KeysEraser:
    def __init__(self, *, client, site_patterns: Sequence[str], visitor_keys: Sequence[str] = ()) -> None:
        self._r, self._site_patterns, self._visitor_keys = client, tuple(site_patterns), tuple(visitor_keys)

    def erase_site(self, site_id: str) -> int:
        removed = 0
        for pattern in self._site_patterns:
            keys = list(self._r.scan_iter(match=pattern.format(site=site_id), count=1000))
            for i in range(0, len(keys), 1000):
                removed += self._r.delete(*keys[i:i + 1000])
        return removed

    def erase_before(self, site_id: str, day: date) -> int:
        """Retention has nothing to cut here: these keys hold current state (visitors' sessions, presence)
        and expire by their own TTLs, which are far shorter than any retention."""
        return 0

    def erase_subject(self, subject: Subject) -> int:
        keys = [k.format(site=subject.site_id, visitor=v) for k in self._visitor_keys for v in subject.visitor_ids]
        return self._r.delete(*keys) if keys else 0
