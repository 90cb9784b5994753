"""Filing: the one use case every channel (API, portal form and upload, ``tradewindow
clear``) calls to file CEB messages for a party: decode, the sender's right to each code,
signatures, ownership claims in the clearance unit of work, clearance. See
:mod:`tradewindow.filing.use_case`."""
