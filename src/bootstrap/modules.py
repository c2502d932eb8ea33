"""The list of tracking modules. This is the only place that names them all."""

from core.modules import TrackingModule


def installed_modules() -> tuple[TrackingModule, ...]:
    from tracking.page_analytics.module import MODULE as page_analytics

    return (page_analytics,)
