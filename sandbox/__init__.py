"""The sandbox operator: a complete local MSSanté operator on loopback.

Modules, one idea each:

* :mod:`sandbox.pki` - IGC-Santé-TEST-shaped PKI (root, PERSONNES, ORGANISATIONS, CRLs);
* :mod:`sandbox.identities` - the doctor, the colleague, a revoked person, an applicative
  mailbox, and their software credentials;
* :mod:`sandbox.card` - the doctor's virtual CPS card in SoftHSM2;
* :mod:`sandbox.dovecot` - Dovecot configuration (EXTERNAL, XOAUTH2/OAUTHBEARER);
* :mod:`sandbox.oidc_provider` - the PSC-like OpenID provider (own process);
* :mod:`sandbox.smtp_sink` - onward relay: LMTP for local mail, an mbox for the rest;
* :mod:`sandbox.seed` - realistic French health mail in the mailboxes;
* :mod:`sandbox.reader` - the virtual reader (pcscd + vpcd + vicc);
* :mod:`sandbox.directory_sample`, :mod:`sandbox.xdm_sample` - sample data;
* :mod:`sandbox.operator` - :class:`~sandbox.operator.Sandbox`, which starts and stops it all;
* :mod:`sandbox.processes`, :mod:`sandbox.outputs` - its process/port and file helpers;
* :mod:`sandbox.watchdog` - stops a sandbox whose owner died.

Command line: ``python -m sandbox start|stop|status|insert|remove --dir DIR``.
"""
