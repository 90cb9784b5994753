"""Cross-border e-commerce (CBEC) clearance: documents, rules, matching, quota, tax, decisions.

Everything in this package is pure: no I/O, no framework, no database.
"""
