"""tracker_script: the first-party browser tracker, served by the collector itself.

Serves `/t.js` (and its content-hashed, immutable twins and the lazily loaded Web Vitals chunk)
from the files built out of `tracker/` and committed in `static/`. It consumes no events and owns
no tables: the tracker talks to the collect endpoints like any other client.
"""

from core.modules import TrackingModule
from tracking.tracker_script import routes
from tracking.tracker_script.container import TrackerScriptContainer

MODULE = TrackingModule(
    name="tracker_script",
    container=TrackerScriptContainer,
    router=routes.router,
)
