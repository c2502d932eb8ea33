"""What one data-rights deletion is about, handed to every store's eraser (core.modules.Eraser)."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Subject:
    """Resolved from the events log by core.ingest.erasure: the events of a visitor, a session or
    a user, and the visitor and session ids they carry (empty where the scope does not use them)."""

    site_id: str
    event_ids: tuple[str, ...] = ()
    visitor_ids: tuple[int, ...] = ()
    session_ids: tuple[int, ...] = ()

    def empty(self) -> bool:
        return not (self.event_ids or self.visitor_ids or self.session_ids)
