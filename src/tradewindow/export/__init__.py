"""CBEC export (出口): the 9610 retail flow with summary declaration, 9710 B2B direct export,
9810 export to overseas warehouses and returns of exported goods.

A pure core like :mod:`tradewindow.cbec`: documents field for field from the CEB export XSDs
(:mod:`.documents`, :mod:`.receipts`), rules with codes and citations (:mod:`.rules`),
the flow of a list from filing to departure (:mod:`.flow`), the summary declaration's merge
policy and deadline (:mod:`.summary`), and overseas warehouses (:mod:`.warehouses`). No I/O:
wire formats live in :mod:`tradewindow.formats.ceb_export`, storage in ``store/export``.
"""
