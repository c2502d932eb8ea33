"""The funnel rule as pure functions over one unit's events, so every mode is exact and testable.

A unit's events come as two parallel lists, times (ms) and masks, sorted by (ts_ms, event_id); bit i of a mask
says the event matches step i+1 (an event may match several steps; `mask == 0` is some other event,
which only the `strict` order looks at). Events at the same millisecond happened "at once": their
order inside that instant is unknown, so an instant ("block") may serve several consecutive steps
in any order, each step by a different event. The window runs from the entry's time:
a step counts when it happened at most `window_ms` after the entry.

- `ordered`: each step at or after the previous one; other events in between are allowed. Taking
  the longest run of next steps in every instant is optimal (a higher step reached at the same
  time never closes a door a lower one keeps open), and gives each step its earliest time.
- `strict`: the same, but the unit's next events must be the next steps: an instant whose events
  are not all next steps ends the attempt after the steps it does hold.
- `any`: steps in any order: step k counts once steps 1..k have all happened (distinct events)
  within the window; its time is the instant that completed them.

An attempt starts at an entry: an event matching step 1 (`any`: matching any step). With
`first` entry a unit has one attempt (its first entry in the date range); with `every`, each
entry in the range starts its own attempt. The answer of an attempt is the time (ms since its
entry) at which it reached each step, up to the last step reached.
"""

from collections.abc import Iterator, Sequence

ORDERS = ("ordered", "strict", "any")
ENTRIES = ("first", "every")


def attempts(ts: Sequence[int], masks: Sequence[int], *, steps: int, order: str, window_ms: int, entry: str,
             start_ms: int, end_ms: int) -> Iterator[tuple[int, list[int]]]:
    """(index of the entry event, [ms from entry to step 1, 2, ...]) for each attempt of one unit."""
    first_bit = (1 << steps) - 1 if order == "any" else 1
    for i, mask in enumerate(masks):
        if mask & first_bit and start_ms <= ts[i] < end_ms:
            yield i, _reach(ts, masks, i, steps, order, window_ms)
            if entry == "first":
                return


def _reach(tss: Sequence[int], masks: Sequence[int], entry: int, steps: int, order: str,
           window_ms: int) -> list[int]:
    t0 = tss[entry]
    deadline = t0 + window_ms
    lo = entry  # events at the entry's millisecond happened at once with it, whatever their ids

    while lo > 0 and tss[lo - 1] == t0:
        lo -= 1
    if order == "any":
        return _reach_any(tss, masks, lo, steps, deadline, t0)
    times = [0]
    level = 1
    j = lo
    n = len(tss)
    strict = order == "strict"
    while j < n and level < steps:
        ts = tss[j]
        if ts > deadline:
            break
        if (j + 1 == n or tss[j + 1] != ts) and (j == 0 or tss[j - 1] != ts):
            # an instant of one event (the usual case): it serves the next step or nothing
            if j == entry:
                pass  # the entry itself, already step 1
            elif masks[j] >> level & 1:
                times.append(ts - t0)
                level += 1
            elif strict:
                break
            j += 1
            continue
        k = j
        while k < n and tss[k] == ts:
            k += 1
        block = [masks[idx] for idx in range(j, k) if idx != entry]
        wanted = list(range(level, steps))  # 0-based step numbers still to reach, in order
        m = _longest_prefix(block, wanted)
        times.extend([ts - t0] * m)
        level += m
        if strict and m < len(block):
            break  # some event of this instant is not a next step
        j = k
    return times


def _reach_any(tss: Sequence[int], masks: Sequence[int], lo: int, steps: int, deadline: int,
               t0: int) -> list[int]:
    seen: list[int] = []
    times: list[int] = []
    j = lo
    n = len(tss)
    while j < n and tss[j] <= deadline and len(times) < steps:
        k = j
        while k < n and tss[k] == tss[j]:
            k += 1
        seen.extend(m for m in masks[j:k] if m)
        m = _longest_prefix(seen, list(range(steps)))
        times.extend([tss[j] - t0] * (m - len(times)))
        j = k
    return times


def _longest_prefix(masks: Sequence[int], wanted: Sequence[int]) -> int:
    """The largest m such that steps wanted[0..m) can each be served by a different event of
    `masks` (bipartite matching, augmenting paths; instants hold a handful of events)."""
    owner: dict[int, int] = {}  # event index -> step it serves

    def assign(step: int, tried: set[int]) -> bool:
        for e, mask in enumerate(masks):
            if mask >> step & 1 and e not in tried:
                tried.add(e)
                if e not in owner or assign(owner[e], tried):
                    owner[e] = step
                    return True
        return False

    for m, step in enumerate(wanted):
        if not assign(step, set()):
            return m
    return len(wanted)
