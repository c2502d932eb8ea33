"""Who writes and who reads each events-log column: the order of enrichers, checked at start-up.

Every enricher and batch processor declares the columns it `writes` and `reads`; subscriptions
declare what they read. From that, enrichers are ordered so each column is written before it is
read (ties keep module order), and a start-up that cannot work is refused with a message that
names the module and the column: a cycle, a column written twice, a column nobody writes.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from graphlib import CycleError, TopologicalSorter

from core.bus.events import EVENT_COLUMNS

_COLUMNS = {c.name: c for c in EVENT_COLUMNS}


class WiringError(RuntimeError):
    """The installed modules' declarations contradict each other; raised before anything starts."""


@dataclass(frozen=True, slots=True)
class Declared:
    owner: str  # "<module>.<provider>"
    writes: frozenset[str]
    reads: frozenset[str]


def order_enrichers(enrichers: Sequence[Declared]) -> list[int]:
    """Indexes of `enrichers` in a valid run order."""
    writer: dict[str, str] = {}
    for e in enrichers:
        _known(e, e.writes | e.reads)
        for name in e.writes:
            if _COLUMNS[name].writer == "worker":
                raise WiringError(f"{e.owner} writes {name!r}, which the worker assigns after the edge")
            if name in writer:
                raise WiringError(f"column {name!r} is written by both {writer[name]} and {e.owner}")
            writer[name] = e.owner
    graph = TopologicalSorter()
    index = {e.owner: i for i, e in enumerate(enrichers)}
    for e in enrichers:
        graph.add(e.owner)
        for name in sorted(e.reads - e.writes):
            if name in writer:
                graph.add(e.owner, writer[name])
            elif _COLUMNS[name].writer != "edge":
                raise WiringError(f"{e.owner} reads {name!r}, which no installed enricher writes")
    try:
        graph.prepare()
    except CycleError as exc:
        raise WiringError(f"enrichers read each other's columns in a cycle: {' -> '.join(exc.args[1])}") from None
    order: list[int] = []
    while graph.is_active():
        ready = sorted(graph.get_ready(), key=index.__getitem__)
        order.extend(index[o] for o in ready)
        graph.done(*ready)
    return order


def check_readers(enrichers: Sequence[Declared], readers: Sequence[Declared]) -> None:
    """Batch processors and subscribers run after the edge: what they read must exist by then."""
    written = {n for e in enrichers for n in e.writes}
    written |= {n for r in readers for n in r.writes}
    for r in readers:
        _known(r, r.writes | r.reads)
        for name in sorted(r.reads):
            if name not in written and _COLUMNS[name].writer != "edge":
                raise WiringError(f"{r.owner} reads {name!r}, which no installed module writes")


def _known(d: Declared, names: frozenset[str]) -> None:
    unknown = sorted(names - _COLUMNS.keys())
    if unknown:
        raise WiringError(f"{d.owner} names columns the events log does not have: {', '.join(unknown)} "
                          "(declare them on core.bus.events.TrackedEvent)")
