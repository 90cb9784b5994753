"""The CBEC capability's adapters beyond the clearance unit of work itself."""
