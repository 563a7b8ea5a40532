"""``doctor``'s operator steps: reachability, TLS and trust, authentication set-up, sign-in.

They run after the card steps when a profile is given (``--profile FILE``) and share the
doctor's context: the trust store built by the first step serves the next ones, and the
card contents found by the card steps name the certificate the authentication step
checks. Each step returns a :class:`client.auth.diagnose.Finding`; :mod:`client.cli.doctor`
registers them (:data:`OPERATOR_STEPS`) and reports each finding as a check result.

The full sign-in runs only when the PIN can be read without a terminal dialog
(``--pin-stdin``): a diagnosis never stops to ask.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from client.auth import Authenticator, build_authenticator, trust_for_profile
from client.auth.diagnose import (
    Finding,
    check_authentication_setup,
    check_reachability,
    check_tls,
)
from client.cli._common import describe_error, option
from client.cli.login import sign_in_report
from client.profiles import Profile
from cps.session_card import NamedCardChooser

if TYPE_CHECKING:
    from client.cli.doctor import DoctorContext

__all__ = ["OPERATOR_STEPS"]


def _profile_of(ctx: DoctorContext) -> Profile | None:
    error = ctx.facts.get("profile_error")
    if error is not None:
        raise error
    profile: Profile | None = ctx.profile
    return profile


def _reachability(ctx: DoctorContext) -> Finding:
    profile = _profile_of(ctx)
    if profile is None:
        return Finding(
            "operator-reachability", "skipped",
            "No operator profile: operator checks skipped.",
            "Give one with --profile FILE to check the operator too.")
    ctx.facts["operator_trust"] = trust_for_profile(profile)
    finding = check_reachability(profile)
    ctx.facts["operator_reachable"] = finding.status == "ok"
    return finding


def _tls(ctx: DoctorContext) -> Finding:
    profile = ctx.profile
    if profile is None or not ctx.facts.get("operator_reachable"):
        return Finding("operator-tls", "skipped", "Skipped: the operator is not reachable.")
    return check_tls(profile, ctx.facts["operator_trust"])


def _authentication(ctx: DoctorContext) -> Finding:
    profile = ctx.profile
    if profile is None or "operator_trust" not in ctx.facts:
        return Finding("authentication", "skipped", "Skipped: no operator profile.")
    contents = ctx.facts.get("contents")
    certificate = getattr(contents, "auth_certificate", None)
    return check_authentication_setup(profile, ctx.facts["operator_trust"], certificate)


def _sign_in(ctx: DoctorContext) -> Finding:
    from client.cli._password import password_prompt_for

    profile = ctx.profile
    trust = ctx.facts.get("operator_trust")
    if profile is not None and trust is not None and profile.auth.method == "certificate":
        # A certificate file needs no PIN: its password comes from the profile's
        # [secrets], --password-stdin or a terminal (never asked with echo).
        return _signed_in(build_authenticator(
            profile, trust=trust,
            password_prompt=password_prompt_for(ctx.args,
                                                profile_source=profile.secrets.source)))
    if profile is None or trust is None or not option(ctx.args, "pin_stdin", False):
        return Finding("sign-in", "skipped", "Full sign-in not tried (it needs the PIN).",
                       "Run 'mssante-companion login' or doctor with --pin-stdin.")
    from client.cli._pin import pin_prompt_for

    prompt, _ = pin_prompt_for(ctx.args)
    contents = ctx.facts.get("contents")
    # Sign in with the card the card steps checked, even when another CPS is inserted.
    chooser = (NamedCardChooser(serial=contents.token.serial.strip())
               if contents is not None else None)
    return _signed_in(build_authenticator(
        profile, pin_prompt=prompt, card_service=ctx.facts.get("service"), trust=trust,
        password_prompt=password_prompt_for(argparse.Namespace(password_stdin=True)),
        chooser=chooser))


def _signed_in(auth: Authenticator) -> Finding:
    """Sign in with ``auth`` (closed afterwards): the finding, the failure worded."""
    try:
        report = sign_in_report(auth)
    except Exception as exc:  # worded for the admin
        return Finding("sign-in", "error", describe_error(exc))
    finally:
        auth.close()
    return Finding(
        "sign-in", "ok",
        f"Signed in to {report['address']} by {report['method']}.", details=report)


#: The operator steps, in the order they run: (name, step).
OPERATOR_STEPS: tuple[tuple[str, Callable[[DoctorContext], Finding]], ...] = (
    ("operator-reachability", _reachability),
    ("operator-tls", _tls),
    ("authentication", _authentication),
    ("sign-in", _sign_in),
)
