"""Edge enrichment costs per event: UA parsing (new and cached), GeoIP lookup on the shipped DB-IP
database (new and cached), PII redaction of a typical URL and props. Prints microseconds."""

import random
import time

from core.privacy.redaction import Redactor
from tracking.device_intel.service.bots import BotRules
from tracking.device_intel.service.user_agents import UserAgentParser
from tracking.geo_time.service.geoip import GeoLookup

UAS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.{} Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{} like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:132.{}) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.{}.82 "
    "Mobile Safari/537.36",
]


def per_call_us(fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    return (time.perf_counter() - started) / len(items) * 1e6


def main() -> None:
    random.seed(7)
    parser = UserAgentParser(bots=BotRules())
    parser.parse(UAS[0].format(0))  # compiles the rules (first use)
    fresh = [UAS[i % len(UAS)].format(i) for i in range(1, 4001)]
    print(f"UA parse, new string:    {per_call_us(parser.parse, fresh):7.1f} us")
    print(f"UA parse, cached:        {per_call_us(parser.parse, fresh[:1000] * 20):7.1f} us")
    geo = GeoLookup()
    geo.lookup("8.8.8.8")  # opens the database
    ips = [f"{random.randint(1, 223)}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
           for _ in range(2000)]
    print(f"GeoIP lookup, new IP:    {per_call_us(geo.lookup, ips):7.1f} us  (DB-IP City Lite, maxminddb 1.5.4)")
    print(f"GeoIP lookup, cached:    {per_call_us(geo.lookup, ips[:500] * 20):7.1f} us")
    redactor = Redactor()
    url = "https://shop.example/products/red-shoes?utm_source=newsletter&utm_medium=email&size=42&color=red"
    props = {"plan": "pro", "sku": "SKU-48213", "qty": "2", "note": "gift wrap please"}
    print(f"PII redaction, URL:      {per_call_us(redactor.url, [url] * 20000):7.1f} us")
    print(f"PII redaction, 4 props:  {per_call_us(redactor.props, [props] * 20000):7.1f} us")


if __name__ == "__main__":
    main()
