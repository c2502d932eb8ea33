"""Metering and reads of the events log for the site owner: events per day, counts, recent events,
and one identified user's events (data portability). Privacy-safe fields only."""

from datetime import UTC, date, datetime

from tracking.export.clickhouse import COUNT, RECENT, USAGE, USER_EVENTS, ExportRows


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class UsageReport:
    def __init__(self, *, rows: ExportRows) -> None:
        self._rows = rows

    def per_day(self, site_id: str, day_from: date, day_to: date) -> list[dict]:
        rows = self._rows.query(USAGE, {"site": site_id, "day_from": day_from, "day_to": day_to})
        return [{"date": d, "events": int(n)} for d, n in rows]

    def count(self, site_id: str, from_ms: int, to_ms: int) -> int:
        return int(self._rows.query(COUNT, {"site": site_id, "from_ms": from_ms, "to_ms": to_ms})[0][0])

    def recent(self, site_id: str, limit: int) -> list[dict]:
        keys = ("event_id", "type", "name", "ts", "pathname", "hostname", "referrer_domain", "country",
                "device_type", "browser", "os")
        out = []
        for row in self._rows.query(RECENT, {"site": site_id, "limit": limit}):
            item = dict(zip(keys, row, strict=True))
            item["ts"] = _iso(item["ts"])
            out.append(item)
        return out

    def user_events(self, site_id: str, user_key: str | None) -> list[dict]:
        if user_key is None:
            return []
        out = []
        for (eid, typ, name, ts_ms, url, referrer, keys, values, country, device, browser, os_,
             data) in self._rows.query(USER_EVENTS, {"site": site_id, "user": user_key}):
            out.append({"event_id": eid, "type": typ, "name": name, "ts": _iso(ts_ms), "url": url,
                        "referrer": referrer, "props": dict(zip(keys, values, strict=True)), "country": country,
                        "device_type": device, "browser": browser, "os": os_, "data": data})
        return out
