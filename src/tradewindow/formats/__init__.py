"""Wire formats in and out. Adapters at the edge: they may use lxml and read files.

* :mod:`~tradewindow.formats.ceb_xml` — CEB311/411/511/621 messages: ``read_message``,
  ``write_message``, ``FormatError``, ``ReadMessage``.
* :mod:`~tradewindow.formats.ceb_receipts_xml` — CEB312/412/512/622/816/900 receipts:
  ``write_receipt``, ``read_receipt``, ``format_error_receipt``.
* :mod:`~tradewindow.formats.ceb_schema` — validation against the official XSDs (optional).
* :mod:`~tradewindow.formats.ceb_export` — export messages CEB303 … 701, 213 / 215, their
  receipts and CEB792, and validation against the export XSDs.
* :mod:`~tradewindow.formats.xmldsig` — enveloped XML signatures (RSA-SHA1, pluggable);
  :mod:`~tradewindow.formats.xmldsig_sm2` — the SM2 variants in use.
* :mod:`~tradewindow.formats.strict_json` — the strict JSON rules every JSON input passes;
  :mod:`~tradewindow.formats.characters` — the characters no text may hold;
  :mod:`~tradewindow.formats.cursors` — page cursors read back from outside.
* :mod:`~tradewindow.formats.hardened_xml` — the bounded, DTD-free parser they all share.
"""
