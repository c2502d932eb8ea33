"""schemathesis against the app's own OpenAPI document, in process (ASGI, embedded stores).

Every operation gets a few generated requests, authenticated with a real site's secret key and
pointed at that site (path, query and body `site_id`), so they get past the key and the site
lookup into the route's own code. Every answer must be a documented status (no 5xx) whose body
conforms to the documented schema. The findings of all operations are reported together.

Generation is derandomised (the same requests every run, so the gate is not flaky) and bounded:
MAX_EXAMPLES per operation while the run is within BUDGET_S, one each after that, so a slow
machine makes the run shallower, never longer without limit, and no operation goes unchecked.
"""

import shutil
import time
from collections import Counter

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from bootstrap.app import create_app
from bootstrap.migrate import migrate_analytics
from core.analytics.factory import build_analytics_store
from core.config.settings import Settings

MAX_EXAMPLES = 8
BUDGET_S = 30.0
DOMAIN = "fuzz.example"
# Server-sent event streams never end, so a request-response check cannot read them: their
# answers are tested in tests/integration/tracking/active_users.
NOT_FUZZED = {"GET /presence/stream", "GET /events/stream"}
# Erasing the real site waits for the buffer to pass it (seconds per call, tested in
# tests/integration/tracking/export): it gets generated site ids, which must answer 404.
NOT_POINTED = {"DELETE /api/v1/sites/{site_id}"}
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture(scope="module")
def app_and_site(tmp_path_factory, migrated_sqlite):
    data = tmp_path_factory.mktemp("fuzz")
    shutil.copy(migrated_sqlite, data / "utrack.sqlite3")
    # Rate limits off: ~700 requests with one key in seconds would meet the API's per-key limit, and
    # every operation after it would see only its (documented) 429.
    settings = Settings(data_dir=data, worker_enabled=False, rate_limit_api="", rate_limit_collect_ip="",
                        rate_limit_site_events="")
    store = build_analytics_store(settings)
    migrate_analytics(store)  # the report routes must reach their tables, not fail on missing ones
    store.close()
    app = create_app(settings)
    site = app.state.container.core.tenancy().create_site(domain=DOMAIN)
    with TestClient(app):  # runs the lifespan: the stores are open while schemathesis calls the app
        yield app, site


def _requests_only(app):
    """The app for schemathesis without its lifespan: schemathesis would start it a second time and
    end it when it sees fit (its pytest plugin: after each test, closing the stores and unwiring
    the container), while the fixture's TestClient runs it once for the module. Refusing the
    lifespan scope before reading a message is how an ASGI app says it has none."""
    async def asgi(scope, receive, send):
        if scope["type"] == "lifespan":
            raise RuntimeError("the fixture runs the lifespan")
        await app(scope, receive, send)
    return asgi


def _pointed_at(value, site_id: str):
    """`value` with every `site_id` field (at any depth of a JSON body) naming the real site."""
    if isinstance(value, dict):
        return {k: site_id if k == "site_id" else _pointed_at(v, site_id) for k, v in value.items()}
    if isinstance(value, list):
        return [_pointed_at(v, site_id) for v in value]
    return value


def _point(case, site_id: str) -> None:
    if case.path_parameters and "site_id" in case.path_parameters:
        case.path_parameters["site_id"] = site_id
    if case.query and "site_id" in case.query:
        case.query["site_id"] = site_id
    if isinstance(case.body, dict | list):
        case.body = _pointed_at(case.body, site_id)


def _fuzz(operation, examples: int, site, headers: dict,
          mode: GenerationMode) -> tuple[Counter[int], set[str]]:
    """(statuses answered, what failed) for `examples` generated requests to one operation. Failures
    are collected rather than raised, so one run reports every operation's (and hypothesis, seeing
    no failure, does not spend time shrinking). An operation with nothing to get wrong (no
    parameters, no body) has no negative case: it answers nothing then, counted as -1."""
    statuses: Counter[int] = Counter()
    found: set[str] = set()

    @given(case=operation.as_strategy(mode))
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case):
        if operation.label not in NOT_POINTED:
            _point(case, site.site_id)
        try:
            statuses[case.call_and_validate(headers=headers, checks=CHECKS).status_code] += 1
        except (Exception, BaseExceptionGroup) as failure:  # schemathesis' Failure(s), or what the app raised
            statuses[0] += 1
            for each in getattr(failure, "exceptions", [failure]):
                found.add(f"{type(each).__name__}: {each}"[:600])

    try:
        check()
    except Unsatisfiable:
        if mode is not GenerationMode.NEGATIVE:
            raise
        statuses[-1] += 1
    return statuses, found


def _run(app, site, headers: dict, max_examples: int,
         mode: GenerationMode = GenerationMode.POSITIVE) -> dict[str, Counter[int]]:
    """Every operation's statuses; fails with every finding of every operation."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", _requests_only(app))
    operations = [r.ok() for r in schema.get_all_operations() if r.ok().label not in NOT_FUZZED]
    assert len(operations) >= 70
    findings: dict[str, set[str]] = {}
    answered: dict[str, Counter[int]] = {}
    started = time.monotonic()
    for operation in operations:
        examples = max_examples if time.monotonic() - started < BUDGET_S else 1
        answered[operation.label], found = _fuzz(operation, examples, site, headers, mode)
        if found:
            findings[operation.label] = found
    report = "\n".join(f"{label}:\n  " + "\n  ".join(sorted(found)) for label, found in sorted(findings.items()))
    assert not findings, f"{len(findings)} operations answer outside their documentation:\n{report}"
    assert all(answered[op.label] for op in operations), "every operation was called"
    requests = sum(sum(c.values()) for c in answered.values())
    print(f"schemathesis: {requests} requests over {len(operations)} operations in {time.monotonic() - started:.1f}s")
    return answered


def test_every_operation_answers_a_documented_status_with_a_conforming_body(app_and_site):
    app, site = app_and_site
    answered = _run(app, site, {"X-API-Key": site.secret_key, "Origin": f"https://{DOMAIN}"}, MAX_EXAMPLES)
    # the requests got past the key and the site into the routes' own code, not only to their 4xx
    succeeded = sorted(label for label, statuses in answered.items() if any(200 <= s < 300 for s in statuses))
    assert len(succeeded) >= 40, succeeded


def test_without_a_key_every_operation_answers_as_documented(app_and_site):
    app, site = app_and_site
    answered = _run(app, site, {"Origin": f"https://{DOMAIN}"}, 1)
    refused = [label for label, statuses in answered.items() if 401 in statuses]
    assert len(refused) >= 40, sorted(answered)  # the key-protected routes said so, each documented


def test_requests_that_break_the_schema_get_a_documented_4xx(app_and_site):
    """schemathesis' negative mode: wrong types, missing fields, out-of-range values, bodies that
    are not the documented ones. Each must be refused with a documented status and body (the
    422's `errors`, the 400's `detail`), never a 5xx."""
    app, site = app_and_site
    answered = _run(app, site, {"X-API-Key": site.secret_key, "Origin": f"https://{DOMAIN}"}, 4,
                    GenerationMode.NEGATIVE)
    refused = [label for label, statuses in answered.items() if 422 in statuses]
    assert len(refused) >= 40, sorted(answered)
