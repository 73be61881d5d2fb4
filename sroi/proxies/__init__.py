"""Financial proxies: the bundled catalogue, users' own tables, and price-year deflators.

>>> from sroi import proxies
>>> table = proxies.load()
>>> proxy = table.get("ucd_ee1_0_fiscal")
>>> round(proxy.value * proxies.index_factor(proxy.price_year, "2013/14", series="ucd"))
10025
>>> proxy.source_code, proxy.data_age, proxy.transfer_share
('E&E1.0', 'green', 0.9422)

See :mod:`sroi.proxies.catalogue` for the table schema, :mod:`sroi.proxies.search` for how
a search ranks proxies, and :mod:`sroi.proxies.deflators` for the price-year rule.
"""

from sroi.proxies.catalogue import (
    CATEGORIES,
    COLUMNS,
    DATA_AGES,
    MARMOT_OBJECTIVES,
    REQUIRED_COLUMNS,
    UNSTATED_LICENCE,
    VALUE_TYPES,
    Proxy,
    ProxyTable,
    data_age,
    load,
    parse_bearer_split,
    read_table,
)
from sroi.proxies.deflators import PriceYear, index_factor, parse_price_year, read_deflators

__all__ = [
    "CATEGORIES",
    "COLUMNS",
    "DATA_AGES",
    "MARMOT_OBJECTIVES",
    "REQUIRED_COLUMNS",
    "UNSTATED_LICENCE",
    "VALUE_TYPES",
    "PriceYear",
    "Proxy",
    "ProxyTable",
    "data_age",
    "index_factor",
    "load",
    "parse_bearer_split",
    "parse_price_year",
    "read_deflators",
    "read_table",
]
