"""The research-data channel's records (SQL) and object stores (local file system, S3)."""
