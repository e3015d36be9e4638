"""OCPP 2.1 translation: the 2.0.1 functions of :mod:`edge.v201.translate`, over the 2.1
dataclasses.

Every message the CSMS stores reads the same in 2.1 as in 2.0.1 for the fields it keeps;
2.1's additions to them are optional fields the CSMS does not keep yet (e.g.
TransactionEvent ``transactionInfo.transactionLimit``, ``costDetails``), and its one new
stop reason (ReqEnergyTransferRejected) becomes OTHER there. So only the vocabulary
differs.
"""

from __future__ import annotations

from ocpp.v21 import call, call_result, datatypes

from edge.v201.translate import Vocabulary

WORDS = Vocabulary(call, call_result, datatypes)
