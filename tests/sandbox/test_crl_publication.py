"""The sandbox operator publishes its PKI's CRLs and OCSP answers on loopback, where the
certificates say, and provides a revoked CPS-like card."""

from __future__ import annotations

import pytest
from cryptography import x509

from client.trust import distribution_points, http_fetch, http_post_ocsp, ocsp_status
from sandbox.operator import Sandbox

pytestmark = [pytest.mark.sandbox, pytest.mark.timeout(120)]


def test_crls_and_ocsp_served_where_the_certificates_say(sandbox_operator: Sandbox) -> None:
    pki = sandbox_operator.pki
    revoked = sandbox_operator.credentials["revoked"].cert
    [url] = distribution_points(revoked)
    assert url == pki.crl_url("persons") and url.startswith("http://127.0.0.1:")
    crl = x509.load_der_x509_crl(http_fetch(url, timeout=5))
    assert crl.get_revoked_certificate_by_serial_number(revoked.serial_number) is not None
    status = ocsp_status(revoked, pki.persons_ca_cert, http_post_ocsp)
    assert status is not None and status.state == "revoked"
    good = ocsp_status(sandbox_operator.card.auth_cert, pki.persons_ca_cert, http_post_ocsp)
    assert good is not None and good.state == "good"


def test_revoked_card(sandbox_operator: Sandbox) -> None:
    card = sandbox_operator.revoked_card
    assert card is sandbox_operator.revoked_card  # provisioned once
    assert card.softhsm_conf != sandbox_operator.card.softhsm_conf
    assert sandbox_operator.pki.is_revoked(card.auth_cert)
    crl = x509.load_der_x509_crl(http_fetch(sandbox_operator.pki.crl_url("persons"), timeout=5))
    assert crl.get_revoked_certificate_by_serial_number(card.auth_cert.serial_number)
