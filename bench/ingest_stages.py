"""Where an ingested event's CPU goes: µs of process CPU per event, stage by stage (issue 16).

Runs the real objects of the service in this process, on the embedded store set (SQLite, the
in-process Redis, chDB, the disk-log buffer) with every module installed, over realistic traffic
(bench/traffic.py: varied user agents, IPs, referrers, pages, event types). Each figure comes from
a fresh service made from one migrated template and warmed up with the `--warm-up` events that
precede the measured ones (through HTTP and the worker: the caches hold a working set, one-time
costs are paid). Three passes:

1. the stages: each stage of the request path runs over all events (stage by stage, in pipeline
   order, so each cache sees the events in the order the pipeline would), then the real worker
   loop drains the buffer with its stores and bus subscribers wrapped in timers (one per call);
2. the whole `IngestService.collect_browser` call per request, to check that the stages add up;
3. the whole HTTP request through the ASGI app in process (middleware, routing, body, rate
   limits, the hop to the store thread, the response), without uvicorn's socket and parsing work.

Figures are `time.process_time()` (every thread of this process), so they hold on a shared
machine; each is the median of `--repeat` runs. Single requests carry one event with its own IP
and UA; a batch request carries `--batch-size` consecutive events under the first one's IP and
UA (as `bench/ingest.py` sends them), so its enrichers see fewer distinct strings.

    .venv/bin/python bench/ingest_stages.py                 # 3,000 events after 3,000, 3 runs, ~3 min
    .venv/bin/python bench/ingest_stages.py --events 6000 --repeat 5
"""

import argparse
import dataclasses
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from bootstrap.app import create_app  # noqa: E402
from bootstrap.migrate import migrate_all  # noqa: E402
from core.config.settings import Settings  # noqa: E402
from core.di.container import CoreContainer, close_core  # noqa: E402
from core.http.body import parse_json  # noqa: E402
from core.ingest.context import RequestContext  # noqa: E402
from core.ingest.edge import Edge  # noqa: E402
from core.privacy.policy import decide  # noqa: E402
from core.tenancy.origins import origin_allowed  # noqa: E402
from stage_report import HTTP, WHOLE, WORKER_WHOLE, report  # noqa: E402
from stage_timers import INSERT, Clock, asgi_post, timed_worker  # noqa: E402
from traffic import Event, visits  # noqa: E402

DOMAIN = "shop.example"
ORIGIN = f"https://{DOMAIN}"
_LABELS = {"DeviceEnricher": "UA parse, bot flag (device_intel)",
           "GeoEnricher": "geo: IP -> place, local time (geo_time)",
           "TrafficSourceEnricher": "referrer, UTM, channel (page_analytics)", "OutboxSink": "meta_capi outbox sink"}
REQUEST_STAGES = ("parse (JSON body)", "validate (pydantic + module specs)", "site lookup, origin, consent policy",
                  "edge record (Edge.from_browser without enrichers)")


def settings_for(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, database_url="", redis_url="", clickhouse_url="", env="development",
                    log_level="warning", rate_limit_api="100000000/minute",
                    rate_limit_collect_ip="100000000/minute", rate_limit_site_events="1000000000/minute")


def make_template(directory: Path) -> str:
    """A migrated data dir with one site; each run copies it. Returns the site id."""
    settings = settings_for(directory)
    migrate_all(settings)
    core = CoreContainer(settings=_object(settings))
    try:
        return core.tenancy().create_site(domain=DOMAIN).site_id
    finally:
        close_core(core)


def _object(value):
    from dependency_injector import providers

    return providers.Object(value)


@contextmanager
def fresh_app(template: Path, directory: Path, warm: list[Event]) -> Iterator:
    shutil.copytree(template, directory, symlinks=True)  # chDB links its tables relatively
    _clear_module_caches()
    app = create_app(settings_for(directory))
    try:
        warm_up(app, warm)
        yield app
    finally:
        close_core(app.state.core)
        app.state.container.unwire()
        shutil.rmtree(directory, ignore_errors=True)


def warm_up(app, warm: list[Event]) -> None:
    """The traffic before the measured events, through HTTP and the worker: caches then hold a
    working set (the common UAs, recent visitors), one-time costs are paid (the UA rules compiled,
    the GeoIP file paged in, chDB opened, today's salt loaded), and chDB's merges have settled."""
    import uvloop

    async def run() -> set[int]:
        return {await asgi_post(app, "/collect/event", orjson.dumps(e.body), _headers(e.user_agent), e.ip)
                for e in warm}

    assert uvloop.run(run()) == {202}
    app.state.core.worker().drain(timeout_s=600)
    time.sleep(1.0)


def _headers(user_agent: str) -> dict[str, str]:
    return {"origin": ORIGIN, "user-agent": user_agent, "content-type": "application/json"}


def _clear_module_caches() -> None:
    """Module-level LRU caches outlive a service in this process: a fresh one starts empty."""
    from tracking.geo_time.service import timezones
    from tracking.page_analytics.service import referrers

    for cached in (referrers.known_host, referrers.known_name, timezones.zone_for):
        cached.cache_clear()


def requests_of(events: list[Event], size: int) -> list[tuple[list[dict], RequestContext]]:
    out = []
    for i in range(0, len(events), size):
        chunk = events[i:i + size]
        ctx = RequestContext(chunk[0].ip, chunk[0].user_agent, int(time.time() * 1000))
        out.append(([e.body for e in chunk], ctx))
    return out


def stage_pass(app, reqs, size: int, clock: Clock) -> None:
    core = app.state.core
    ingest, tenancy, salts, redactor = core.ingest(), core.tenancy(), core.salts(), core.redactor()
    bare = Edge(salts=salts, enrichers=(), clock_skew_max_s=core.settings().clock_skew_max_s, redactor=redactor,
                pseudonyms=core.pseudonyms())
    bodies = [orjson.dumps(items[0] if size == 1 else {"events": items}) for items, _ in reqs]
    n = sum(len(items) for items, _ in reqs)
    with clock.stage(REQUEST_STAGES[0]):
        parsed = [parse_json(b) for b in bodies]
    parsed = [[p] if size == 1 else p["events"] for p in parsed]
    with clock.stage(REQUEST_STAGES[1]):
        validated = [[ingest._validate_browser(item) for item in items] for items in parsed]
    with clock.stage(REQUEST_STAGES[2]):
        decisions = []
        for (_, ctx), events in zip(reqs, validated, strict=True):
            for event, _ in events:
                site = tenancy.site(event.site_id)
                assert origin_allowed(ORIGIN, list(site.allowed_origins))
                consent = event.consent
                decisions.append(decide(site.dnt_policy, ctx.headers, consent.analytics if consent else None,
                                        consent.marketing if consent else None))
    flat = [(event, data, ctx) for (_, ctx), events in zip(reqs, validated, strict=True) for event, data in events]
    with clock.stage(REQUEST_STAGES[3]):
        records = [bare.from_browser(event, ctx, data, anonymous=d.anonymous, marketing=d.marketing)
                   for (event, data, ctx), d in zip(flat, decisions, strict=True)]
    with clock.stage("  of which: visitor hash (daily salt, BLAKE2b)"):
        for event, _, ctx in flat:
            salts.visitor_id(event.site_id, ctx.ip, ctx.user_agent)
    redactor.sensitive_key.cache_clear()
    with clock.stage("  of which: PII redaction (URL, referrer, name, props, payload)"):
        for event, data, _ in flat:
            redactor.url(event.url), redactor.url(event.referrer), redactor.text(event.name)
            redactor.props({k: str(v) for k, v in event.props.items() if v is not None})
            if data:
                redactor.payload(data, scope=event.site_id)
    contexts = [dataclasses.replace(ctx, anonymous=True) if d.anonymous else ctx
                for (_, _, ctx), d in zip(flat, decisions, strict=True)]
    for enricher in core.enrichers():
        with clock.stage(_LABELS.get(type(enricher).__name__, f"enricher {type(enricher).__name__}")):
            for record, ctx in zip(records, contexts, strict=True):
                enricher.enrich(record, ctx)
    per_request, at = [], 0
    for items, ctx in reqs:
        per_request.append((records[at:at + len(items)], ctx))
        at += len(items)
    for sink in core.edge_sinks():
        with clock.stage(_LABELS.get(type(sink).__name__, f"sink {type(sink).__name__}")):
            for recs, ctx in per_request:
                sink.accept(recs, [None] * len(recs), ctx)
    with clock.stage("serialise (orjson, one payload per request)"):
        payloads = [orjson.dumps(recs) for recs, _ in per_request]
    buffer = core.buffer()
    with clock.stage(f"buffer append ({buffer.kind}, one call per request)"):
        for payload in payloads:
            buffer.append([payload])
    worker = timed_worker(core, clock)
    with clock.stage(WORKER_WHOLE):
        drained = worker.drain(timeout_s=600)
    assert buffer.backlog() == 0 and drained > 0, (drained, buffer.backlog())
    batches = clock.calls[INSERT]
    clock.meta = {"worker batches": batches, "events per batch": round(n / max(batches, 1), 1),
                  "records (requests) per batch": round(len(reqs) / max(batches, 1), 1)}


def whole_pass(app, reqs, _size: int, clock: Clock) -> None:
    ingest = app.state.core.ingest()
    with clock.stage(WHOLE):
        for items, ctx in reqs:
            ingest.collect_browser(items, ctx, ORIGIN)


def http_pass(app, reqs, size: int, clock: Clock) -> None:
    path = "/collect/event" if size == 1 else "/collect/batch"
    bodies = [orjson.dumps(items[0] if size == 1 else {"events": items}) for items, _ in reqs]

    async def run() -> list[int]:
        statuses = []
        for body, (_, ctx) in zip(bodies, reqs, strict=True):
            statuses.append(await asgi_post(app, path, body, _headers(ctx.user_agent), ctx.ip))
        return statuses

    import uvloop

    with clock.stage(HTTP):
        statuses = uvloop.run(run())
    assert set(statuses) == {202}, set(statuses)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--events", type=int, default=3000)
    p.add_argument("--repeat", type=int, default=3, help="fresh runs per figure; the median is printed")
    p.add_argument("--warm-up", type=int, default=3000, help="events sent through HTTP and the worker first")
    p.add_argument("--batch-size", type=int, default=50)
    return p.parse_args()


def main() -> int:
    args = parse_args()
    started, load_before = time.perf_counter(), os.getloadavg()
    columns: dict[int, dict[str, list[float]]] = {}
    meta: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="ut-stages-") as tmp:
        template = Path(tmp) / "template"
        site_id = make_template(template)
        traffic = visits(args.events + args.warm_up, site_id, DOMAIN)
        warm, events = traffic[:args.warm_up], traffic[args.warm_up:]
        for size in (1, args.batch_size):
            reqs = requests_of(events, size)
            figures: dict[str, list[float]] = defaultdict(list)
            for r in range(args.repeat):
                for name, run in (("stages", stage_pass), ("whole", whole_pass), ("http", http_pass)):
                    clock = Clock(len(events))
                    with fresh_app(template, Path(tmp) / f"{name}-{size}-{r}", warm) as app:
                        run(app, reqs, size, clock)
                    for stage, us in clock.per_event_us().items():
                        figures[stage].append(us)
                    if name == "stages":
                        meta[size] = clock.meta
                print(f"  batch size {size}: run {r + 1}/{args.repeat} done", file=sys.stderr, flush=True)
            columns[size] = {k: statistics.median(v) for k, v in figures.items()}
    report(events, columns, meta, args.repeat, time.perf_counter() - started, load_before)
    return 0


if __name__ == "__main__":
    sys.exit(main())
