"""dashboard: the product's face, a first-party web dashboard served by the service itself.

Serves `/` (sign in, then the main and realtime views), `/share` (a share link's read-only view),
and the API docs `/docs` and `/redoc`, all from files built out of `dashboard/` and committed in
`static/` (no CDN, no second server, works offline). The dashboard reads only public APIs
(`POST /api/v2/query`, the presence and live-feed streams, the e-commerce reports), with
a session cookie this module issues in exchange for a site's secret key or an organisation key
(whose sites the page switches between). It consumes no events and owns no tables: a session is a
signed cookie (core.http.auth), so any API process accepts it.
"""

from core.modules import TrackingModule
from tracking.dashboard import routes
from tracking.dashboard.container import DashboardContainer
from tracking.dashboard.settings import DashboardSettings

MODULE = TrackingModule(
    name="dashboard",
    container=DashboardContainer,
    settings=DashboardSettings,
    router=routes.router,
)
