"""Validation of CEB311 order, CEB411 payment, CEB511 waybill and CEB621 inventory messages.

Pure and complete: :func:`check_message` returns *every* violation at once, each with a
path in CEB element names, a stable code (``CEB621.gcode.unknown``) and en / zh messages.
Three layers, in this order for each document: XSD facets (:mod:`.fields`), code tables
(:mod:`.codes`), business rules (:mod:`.order`, :mod:`.payment`, :mod:`.waybill`,
:mod:`.inventory`, with :mod:`.head` and :mod:`.lines` shared). Cross-document matching of an
inventory list with its order, payment and waybill is :mod:`tradewindow.cbec.matching`.
"""

from tradewindow.cbec.rules.codes import BONDED_MODES, CBEC_IMPORT_MODES, DIRECT_MODES
from tradewindow.cbec.rules.identity import check_character, mask, resident_id_problem
from tradewindow.cbec.rules.message import MAX_DOCUMENTS, MessageCheck, check_message

__all__ = [
    "BONDED_MODES",
    "CBEC_IMPORT_MODES",
    "DIRECT_MODES",
    "MAX_DOCUMENTS",
    "MessageCheck",
    "check_character",
    "check_message",
    "mask",
    "resident_id_problem",
]
