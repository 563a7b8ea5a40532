"""PIN entry as a GUI-neutral protocol (Electrum's ``get_pin`` handler).

The card service builds a :class:`PinRequest` (whose card, how many tries are left, why
it asks again) and hands it to a :class:`PinPrompt`: the CLI implements it with the
terminal or standard input, ``ui/`` with a dialog. ``None`` means "cancelled". The PIN
is never logged nor kept: the service drops it as soon as ``C_Login`` returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from cps.identity import CardIdentity
from cps.token import PinState

__all__ = ["PinPrompt", "PinRequest", "RETRY_INCORRECT", "RETRY_LENGTH"]

#: ``PinRequest.retry_reason`` after a refused PIN.
RETRY_INCORRECT = "incorrect"
#: ``PinRequest.retry_reason`` after a PIN of the wrong length (no try was used).
RETRY_LENGTH = "length"


@dataclass(frozen=True)
class PinRequest:
    """What a PIN prompt shows.

    Attributes:
        holder_name: "GIVEN FAMILY" of the card holder ("" when the card has no readable
            certificate).
        holder: the full identity, when known.
        profession: the holder's profession, when known.
        token_label: the token label (Cryptolib CPS puts the card type and holder there).
        attempts_left: tries left (None when unknown).
        count_low, final_try, locked: the PIN flags.
        retry_reason: None on the first ask, else :data:`RETRY_INCORRECT` or
            :data:`RETRY_LENGTH`.
        min_length, max_length: the PIN length the card accepts, when known.
    """

    holder_name: str
    holder: CardIdentity | None = None
    profession: str = ""
    token_label: str = ""
    attempts_left: int | None = None
    count_low: bool = False
    final_try: bool = False
    locked: bool = False
    retry_reason: str | None = None
    min_length: int | None = None
    max_length: int | None = None

    @classmethod
    def build(cls, *, holder: CardIdentity | None, token_label: str, state: PinState,
              retry_reason: str | None = None, min_length: int | None = None,
              max_length: int | None = None) -> PinRequest:
        """Assemble a request from what the card says."""
        return cls(
            holder_name=holder.display_name if holder else "",
            holder=holder,
            profession=(holder.profession or "") if holder else "",
            token_label=token_label,
            attempts_left=state.attempts_left(),
            count_low=state.count_low,
            final_try=state.final_try,
            locked=state.locked,
            retry_reason=retry_reason,
            min_length=min_length,
            max_length=max_length,
        )


@runtime_checkable
class PinPrompt(Protocol):
    """Asks the user for the card PIN."""

    def ask_pin(self, request: PinRequest) -> str | None:
        """Return the PIN typed, or None when the user cancelled."""
        ...
