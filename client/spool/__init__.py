"""The unattended spool of an applicative mailbox ("BAL applicative").

``mssante-companion spool --dir DIR`` sends what a patient-record system drops in
``DIR/outgoing/`` and writes what arrives to ``DIR/incoming/``::

    spool = Spool(directory, opener, RecipientPolicy(load_trust_space()), SpoolSettings())
    spool.run()            # until spool.stop is set (SIGTERM), or run(once=True)

Guarantees: a file is claimed by an atomic rename; a message is submitted at most once
and, unless refused, at least once (journal keyed by Message-ID, ``dot`` recorded before
the end of DATA); a received message is marked seen on the server only after its files
were fsynced; one process works on a directory at a time (``flock``).

Errors: :mod:`client.spool.errors` (``SpoolError`` under ``ClientError``).
"""

from client.spool.errors import EnvelopeInvalid, SpoolBusy, SpoolError
from client.spool.files import SpoolLayout
from client.spool.service import PassReport, Spool, SpoolSettings

__all__ = ["EnvelopeInvalid", "PassReport", "Spool", "SpoolBusy", "SpoolError",
           "SpoolLayout", "SpoolSettings"]
