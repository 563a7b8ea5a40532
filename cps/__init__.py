"""The CPS card: PKCS#11 middleware, tokens, identity, PIN, signing, reader events.

No Qt here: the CLI, the bridge and the desktop app all use this package.
"""

from cps.errors import CardError

__all__ = ["CardError"]
