"""Market procurement trade (市场采购贸易, customs supervision mode 1039).

Foreign buyers purchase in a recognised market from individual market operators; a
procurement agent consolidates a buyer's confirmed purchases into an export shipment, declared
in simplified form; the sales are VAT-exempt without rebate and the operators settle foreign
exchange themselves. This package is the pure core of the information platform that records all
of that: the registries (``registry``), the sales (``sales``), consolidation (``consolidation``),
the simplified declaration (``declaration``) and the use cases over the ``ports``.
"""
