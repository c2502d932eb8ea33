"""meta_capi: forwards conversions to Meta's Conversions API, server-side, with a transactional outbox.

An edge sink writes each marketing-consented event whose name maps to a Meta event to the outbox
(Alembic branch `meta_capi`) in the collect request, before the event is buffered: the raw user
data and the visitor's ip/UA go there (hashed/encrypted) and nowhere else. A background sender
drains the outbox to `POST {graph}/{version}/{pixel}/events`. Serves the pixel settings, the
delivery status and replay under `/api/v1/sites/{site_id}/meta-capi`.
"""

from core.modules import Hooks, TrackingModule
from tracking.meta_capi import routes
from tracking.meta_capi.container import MetaCapiContainer
from tracking.meta_capi.settings import MetaCapiModuleSettings


def hooks(c: MetaCapiContainer) -> Hooks:
    return Hooks(edge_sinks=(c.sink,), background_tasks=(c.sender,), erasers=(c.eraser,))


MODULE = TrackingModule(
    name="meta_capi",
    container=MetaCapiContainer,
    settings=MetaCapiModuleSettings,
    hooks=hooks,
    router=routes.router,
)
