"""The list of tracking modules. This is the only place that names them all."""

from core.modules import TrackingModule


def installed_modules() -> tuple[TrackingModule, ...]:
    from tracking.active_users.module import MODULE as active_users
    from tracking.dashboard.module import MODULE as dashboard
    from tracking.device_intel.module import MODULE as device_intel
    from tracking.ecommerce.module import MODULE as ecommerce
    from tracking.export.module import MODULE as export
    from tracking.geo_time.module import MODULE as geo_time
    from tracking.insights.module import MODULE as insights
    from tracking.meta_capi.module import MODULE as meta_capi
    from tracking.page_analytics.module import MODULE as page_analytics
    from tracking.sessions.module import MODULE as sessions
    from tracking.tracker_script.module import MODULE as tracker_script
    from tracking.web_vitals.module import MODULE as web_vitals

    # Bus subscribers run in this order: active_users first, so live presence never waits for the
    # analytics projections' inserts. Enrichers are ordered by the columns they write and read
    # (bootstrap.columns), with this order breaking ties.
    return (active_users, device_intel, geo_time, page_analytics, tracker_script, web_vitals, sessions, ecommerce,
            meta_capi, export, dashboard, insights)
