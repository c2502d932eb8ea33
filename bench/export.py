"""Export throughput: N events of one site, written in one hour, exported to Parquet (zstd) on the
embedded engine (chDB), through the module's own objects (`ExportRuns`) to a local directory.

The events are generated inside ClickHouse (`INSERT … SELECT … FROM numbers(N)`) with realistic
widths: URLs, referrers, props, UA fields, geo, UTM on a tenth of them. Then one run exports the
interval in parts of UT_EXPORT_PART_ROWS (1,000,000) rows: keyset pages read as Arrow, encoded,
written, the manifest and `_SUCCESS` last. Prints rows/s and MB/s (of Parquet written), and checks
that the files hold exactly N rows. Everything lives in a temp dir deleted at the end.

    .venv/bin/python bench/export.py                      # 10M events, about a minute on 2 cores
    .venv/bin/python bench/export.py --events 1000000 --format csv
"""

import argparse
import json
import platform
import shutil
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq
from alembic import command

from bootstrap.migrate import alembic_config
from core.analytics.chdb_store import ChdbStore
from core.analytics.migrations import migrate
from core.config.settings import Settings
from core.crypto import Cipher
from core.db.engine import build_engine, build_session_factory
from core.db.unit_of_work import UnitOfWork
from core.ingest.event_log import MIGRATIONS
from core.tenancy.service import TenancyService
from tracking.export.clickhouse import ExportRows
from tracking.export.service.destinations import Destinations
from tracking.export.service.runs import ExportRuns

HOUR_MS = 3_600_000
START_MS = 1_796_000_400_000  # an hour boundary (2026-11-29 13:00 UTC)

_GENERATE = """
INSERT INTO events (site_id, event_id, type, name, ts_ms, received_ms, ingested_ms, visitor_id, session_id,
                    url, hostname, pathname, referrer, referrer_domain, prop_keys, prop_values, browser,
                    browser_version, os, os_version, device_type, country, region, city, source, channel,
                    utm_source, utm_medium, utm_campaign, consent_marketing, data)
SELECT %(site)s, generateUUIDv4(), if(number % 5 = 0, 'event', 'pageview'), if(number % 5 = 0, 'signup', 'pageview'),
       %(start)s + intDiv(number * 3600000, %(n)s) - 3000, %(start)s + intDiv(number * 3600000, %(n)s) - 1000,
       %(start)s + intDiv(number * 3600000, %(n)s), cityHash64(intDiv(number, 7)), cityHash64(intDiv(number, 5)),
       concat('https://shop.example/products/item-', toString(number % 1000), '?ref=home'), 'shop.example',
       concat('/products/item-', toString(number % 1000)),
       if(number % 3 = 0, 'https://www.google.com/', ''), if(number % 3 = 0, 'google.com', ''),
       if(number % 5 = 0, ['plan', 'seats'], []), if(number % 5 = 0, ['pro', toString(number % 9)], []),
       ['Chrome', 'Firefox', 'Safari', 'Edge'][number % 4 + 1], '131.0',
       ['Windows', 'macOS', 'Android', 'iOS'][number % 4 + 1],
       '14', ['desktop', 'mobile', 'tablet'][number % 3 + 1], ['DE', 'FR', 'US', 'GB', 'NL'][number % 5 + 1],
       '', '', if(number % 3 = 0, 'Google', ''), if(number % 3 = 0, 'Organic Search', 'Direct'),
       if(number % 10 = 0, 'newsletter', ''), if(number % 10 = 0, 'email', ''), if(number % 10 = 0, 'spring', ''),
       number % 2, ''
FROM numbers(%(n)s)
"""


class Watermark:
    def current_ms(self) -> int:
        return START_MS + HOUR_MS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--format", default="parquet", choices=("parquet", "jsonl", "csv"))
    parser.add_argument("--part-rows", type=int, default=1_000_000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="ut-bench-export-"))
    store = ChdbStore(root / "clickhouse")
    try:
        settings = Settings(data_dir=root)
        command.upgrade(alembic_config(settings), "heads")
        engine = build_engine(settings.resolved_database_url())
        uow = (lambda factory: lambda: UnitOfWork(factory))(build_session_factory(engine))
        site = TenancyService(uow=uow).create_site(domain="shop.example").site_id
        migrate(store, "core", MIGRATIONS)
        began = time.perf_counter()
        store.execute(_GENERATE, {"site": site, "start": START_MS, "n": args.events})
        print(f"generated {args.events:,} events in ClickHouse in {time.perf_counter() - began:.1f} s")
        destinations = Destinations(uow=uow, cipher=Cipher("bench", b"bench"), clock=lambda: START_MS / 1000)
        dest = destinations.create(site, kind="local", path="out", format=args.format)
        runs = ExportRuns(uow=uow, destinations=destinations, rows=ExportRows(store=store), watermark=Watermark(),
                          local_root=root / "exports", settle_s=0, part_rows=args.part_rows)
        began, cpu = time.perf_counter(), time.process_time()
        outcome = runs.run(dest.id)
        wall, cpu = time.perf_counter() - began, time.process_time() - cpu
        assert outcome.error == "", outcome.error
        base = next((root / "exports" / "out").rglob("_manifest.json"))
        manifest = json.loads(base.read_text())
        if args.format == "parquet":
            counted = sum(pq.ParquetFile(root / "exports" / "out" / f["key"]).metadata.num_rows
                          for f in manifest["files"])
        else:
            counted = manifest["rows"]
        assert counted == outcome.rows == args.events, (counted, outcome.rows, args.events)
        mb = outcome.bytes / 1e6
        print(f"{platform.node()}: exported {outcome.rows:,} rows to {args.format} in {len(manifest['files'])} "
              f"files, {mb:,.1f} MB, in {wall:.2f} s (process CPU {cpu:.2f} s)")
        print(f"{outcome.rows / wall:,.0f} rows/s, {mb / wall:,.1f} MB/s written, "
              f"{outcome.bytes / outcome.rows:.1f} bytes/row")
        engine.dispose()
    finally:
        store.close()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
