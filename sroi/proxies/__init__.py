"""Financial proxies: the bundled catalogue, users' own tables, and price-year deflators.

>>> from sroi import proxies
>>> table = proxies.load()
>>> proxy = table.get("ucd_jsa_claimant_into_work_fiscal_total")
>>> round(proxy.value * proxies.index_factor(proxy.price_year, "2013/14", series="ucd"))
10025

See :mod:`sroi.proxies.catalogue` for the table schema and :mod:`sroi.proxies.deflators`
for the price-year rule.
"""

from sroi.proxies.catalogue import (
    CATEGORIES,
    COLUMNS,
    MARMOT_OBJECTIVES,
    VALUE_TYPES,
    Proxy,
    ProxyTable,
    load,
    parse_bearer_split,
    read_table,
)
from sroi.proxies.deflators import PriceYear, index_factor, parse_price_year

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "MARMOT_OBJECTIVES",
    "VALUE_TYPES",
    "PriceYear",
    "Proxy",
    "ProxyTable",
    "index_factor",
    "load",
    "parse_bearer_split",
    "parse_price_year",
    "read_table",
]
