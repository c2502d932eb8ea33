"""What the edge knows about the HTTP request. It lives only for the request: never stored."""

from dataclasses import dataclass, field
from typing import ClassVar, Protocol


@dataclass(frozen=True, slots=True)
class RequestContext:
    ip: str
    user_agent: str
    received_ms: int
    headers: dict[str, str] = field(default_factory=dict)
    # Set per event by the edge when the visitor must not be identified (DNT/GPC policy, consent):
    # enrichers then keep nothing finer than the country.
    anonymous: bool = False
    # time.monotonic() after which the HTTP caller has answered 503 and given up: past it nothing
    # may be buffered, or an event answered 503 would be counted (None: no deadline).
    commit_by: float | None = None


class Enricher(Protocol):
    """A module's hook into the edge (device, geo...): adds fields to a record in place.

    `writes` and `reads` name events-log columns (`core.bus.columns`); bootstrap runs enrichers in
    an order where every column is written before it is read, and refuses to start otherwise.
    """

    writes: ClassVar[frozenset[str]]
    reads: ClassVar[frozenset[str]]

    def enrich(self, record: dict, ctx: RequestContext) -> None: ...


class EdgeSink(Protocol):
    """A module's hook on the accepted events of one request, run before they are buffered.

    `private[i]` holds what belongs to `records[i]` but must never be stored with it (the raw `user`
    object of a server event, the visitor's forwarded ip/UA, the server event's marketing consent);
    None for browser events, whose live ip/UA are in `ctx`. An exception fails the whole request (503).
    """

    def accept(self, records: list[dict], private: list[dict | None], ctx: RequestContext) -> None: ...
