"""Pydantic shapes of the ecommerce module: the wire payload (`payload`) and the report answers
(`reports`)."""
