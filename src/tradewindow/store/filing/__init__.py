"""The filing capability's tables and adapters (``filing.ports``): message senders and
document owners, and the reads an owner may make of its filings."""
