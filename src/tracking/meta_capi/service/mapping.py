"""From one of our event records to the parts of a Meta event: name, custom_data, action source.

Pure functions over the record the edge built (never the raw request): `data` is the validated
ecommerce payload (module `ecommerce`'s `type: ecommerce` events), `props.search_term` feeds
`search_string`. Amounts stay decimal text until here and become JSON numbers for Meta.
"""

from decimal import Decimal

import orjson


def meta_name(record_name: str, mapping: dict[str, str]) -> str:
    """The Meta event for our event name, "" when the site does not forward it."""
    return mapping.get(record_name, "")


def custom_data(record: dict) -> dict:
    out: dict = {}
    try:
        data = orjson.loads(record.get("data") or "{}")
    except orjson.JSONDecodeError:
        data = {}
    items = data.get("items") or []
    if data.get("value") is not None:
        out["value"] = float(Decimal(str(data["value"])))
    elif items and any(i.get("price") is not None for i in items):
        out["value"] = float(sum(Decimal(str(i.get("price") or 0)) * int(i.get("quantity", 1)) for i in items))
    if data.get("currency"):
        out["currency"] = str(data["currency"]).lower()
    ids = [str(i.get("item_id") or i.get("item_name")) for i in items if i.get("item_id") or i.get("item_name")]
    if ids:
        out["content_ids"] = ids
        out["content_type"] = "product"
        out["contents"] = [_content(i) for i in items if i.get("item_id") or i.get("item_name")]
        out["num_items"] = sum(int(i.get("quantity", 1)) for i in items)
    if data.get("order_id"):
        out["order_id"] = str(data["order_id"])
    search = (record.get("props") or {}).get("search_term")
    if search:
        out["search_string"] = str(search)
    return out


def _content(item: dict) -> dict:
    content = {"id": str(item.get("item_id") or item.get("item_name")), "quantity": int(item.get("quantity", 1))}
    if item.get("price") is not None:
        content["item_price"] = float(Decimal(str(item["price"])))
    return content
