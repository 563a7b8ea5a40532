"""The sandbox operator: one object that brings up a complete local MSSanté operator.

``Sandbox(directory).start()`` builds (or reloads) the test PKI, provisions the virtual CPS
card, issues the software credentials, seeds the mailboxes, starts Dovecot, the SMTP sink
and the OpenID provider on free loopback ports (and the virtual reader when
:mod:`sandbox.reader` is available), then writes the profiles, ``sandbox.env`` and
``state.json``. ``stop()`` (or :func:`stop_sandbox` from another process) kills exactly the
processes it started, by PID and process group, and removes the runtime files.

Directory layout::

    pki/            test PKI (kept across restarts), server certificate
    card/           SoftHSM2 token of the doctor's card (re-provisioned on each start)
    users/          software credentials: colleague, revoked, applicative (PKCS#12 + PEM)
    dovecot/        configuration, passwd-files, runtime base_dir
    oidc/           provider configuration, signing key, Dovecot key dict, admin secret
    mail/           Maildir homes (or a link to /var/tmp/..., see sandbox.dovecot)
    outbound.mbox   mail relayed outside the sandbox domains
    directory/      sample national directory extraction
    listeblanche.xml
    logs/           every log, including sandbox.log with the start time
    home/           MSSANTE_COMPANION_HOME for the app
    profile.toml, profile-psc.toml, profile-certificate.toml, sandbox.env, state.json
"""

from __future__ import annotations

import contextlib
import json
import logging
import mailbox
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, replace
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from types import TracebackType
from typing import Any

from cryptography.hazmat.primitives import serialization

from client.profiles import AuthSettings, Endpoint, Profile, write_profile
from sandbox import dovecot as _dovecot
from sandbox.card import SOFTHSM_MODULE, VirtualCard, provision_card, provision_revoked_card
from sandbox.identities import (
    APPLICATIVE,
    COLLEAGUE,
    DOCTOR,
    DOMAINS,
    USERS,
    Identity,
    SoftwareCredential,
    issue_software_credentials,
    load_software_credentials,
)
from sandbox.outputs import shell_quote, write_liste_blanche
from sandbox.pki import Pki, build_pki, write_private_key
from sandbox.processes import (
    HOST,
    cmdline,
    free_ports,
    greets,
    log_tail,
    port_open,
    process_alive,
    terminate,
)
from sandbox.seed import LAB_DOMAIN, maildir_folder, seed_mailboxes

__all__ = [
    "CLIENT_ID",
    "Sandbox",
    "SandboxError",
    "SandboxPorts",
    "sandbox_status",
    "stop_sandbox",
]

logger = logging.getLogger(__name__)

#: The OAuth client registered at the sandbox provider for the app (public client + PKCE).
CLIENT_ID = "mssante-companion"
#: Other clients the provider accepts (tests, Thunderbird).
EXTRA_CLIENTS = ("sandbox-tests", "thunderbird")
_STATE = "state.json"
_READY_TIMEOUT = 20.0
_INSTALL_SCRIPT = Path(__file__).with_name("install-system-packages.sh")


class SandboxError(RuntimeError):
    """A sandbox part failed to start or stop; the message names it and its log."""


@dataclass(frozen=True)
class SandboxPorts:
    """Every loopback port of a running sandbox."""

    imap: int
    imaps: int
    submission: int
    submissions: int
    lmtp: int
    smtp_sink: int
    oidc: int
    wallet: int
    #: the PSC gateway (``python -m gateway``) holding the confidential client's secret
    gateway: int = 0


def _ensure_system_packages() -> None:
    needed = ("dovecot", "softhsm2-util", "openssl")
    services = ("imap", "submission", "lmtp")  # dovecot-imapd, -submissiond, -lmtpd
    if all(shutil.which(tool) or Path("/usr/sbin", tool).exists() for tool in needed) and all(
        Path("/usr/lib/dovecot", service).exists() for service in services
    ) and SOFTHSM_MODULE.exists():
        return
    logger.info("installing the sandbox's Debian packages")
    result = subprocess.run(["bash", str(_INSTALL_SCRIPT)], check=False)
    if result.returncode != 0:
        raise SandboxError(
            f"installing Debian packages failed (exit {result.returncode}); run "
            f"'sudo bash {_INSTALL_SCRIPT}' and retry"
        )


class Sandbox:
    """A complete local MSSanté operator under ``directory``.

    Use as a context manager or call :meth:`start` / :meth:`stop`. After ``start`` every
    attribute below is set (ports, files, card, credentials, provider URLs).

    Args:
        directory: where everything lives (created).
        access_token_lifetime: seconds an access token lives (PSC: 2 to 5 minutes).
        with_reader: also start the virtual reader (pcscd + vpcd + vicc) when
            :mod:`sandbox.reader` is available.
        install_packages: run the install script when Dovecot or SoftHSM2 are missing.
        pki_directory: use (or build) the PKI there instead of ``directory/pki``.
        card: an already provisioned card from that PKI to use instead of a new one (one
            SoftHSM2 token directory per test process: a PKCS#11 library is initialised
            once per process with the ``SOFTHSM2_CONF`` of that moment).
        stop_with_owner: a PID (e.g. the test session's): a watchdog stops and purges the
            sandbox if that process dies without stopping it.
        production_psc: the provider behaves as production PSC: every token request must
            authenticate the (confidential) client, so the app signs in through the
            gateway only; ``profile-psc.toml`` then uses the gateway too.
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        access_token_lifetime: int = 300,
        with_reader: bool = True,
        install_packages: bool = True,
        pki_directory: Path | None = None,
        card: VirtualCard | None = None,
        stop_with_owner: int | None = None,
        production_psc: bool = False,
    ) -> None:
        self.directory = Path(directory).expanduser().resolve()
        self.host = HOST
        self.access_token_lifetime = access_token_lifetime
        self.with_reader = with_reader
        self.install_packages = install_packages
        self._pki_directory = pki_directory
        self._given_card = card
        self._owner = stop_with_owner
        self.production_psc = production_psc
        self.profile_gateway = self.directory / "profile-gateway.toml"
        self.gateway_secret_file = self.directory / "oidc" / "gateway-client-secret"
        self.client_id = CLIENT_ID
        self.users: tuple[Identity, ...] = USERS
        self.doctor, self.colleague, self.applicative = DOCTOR, COLLEAGUE, APPLICATIVE
        self.logs = self.directory / "logs"
        self.state_file = self.directory / _STATE
        self.env_file = self.directory / "sandbox.env"
        self.profile = self.directory / "profile.toml"
        self.profile_psc = self.directory / "profile-psc.toml"
        self.profile_certificate = self.directory / "profile-certificate.toml"
        self.outbound_mbox = self.directory / "outbound.mbox"
        self.liste_blanche = self.directory / "listeblanche.xml"
        self.app_home = self.directory / "home"
        self.admin_secret_file = self.directory / "oidc" / "admin-secret"
        self.server_cert_pem = self.directory / "pki" / "server.pem"
        self.server_key_pem = self.directory / "pki" / "server.key"
        self.ca_with_crl = self.directory / "dovecot" / "ca-crl.pem"
        self.directory_extraction: Path | None = None
        self.pki: Pki
        self.card: VirtualCard
        self.credentials: dict[str, SoftwareCredential] = {}
        self.ports: SandboxPorts
        self.mail_root: Path
        self.start_seconds = 0.0
        self._processes: dict[str, subprocess.Popen[bytes]] = {}
        self._log_offsets: dict[str, int] = {}
        self._reader: Any = None
        self._revoked_card: VirtualCard | None = None
        self._started = False

    # -- derived attributes ------------------------------------------------------------
    @property
    def ca_file(self) -> Path:
        """The trust chain (root + PERSONNES + ORGANISATIONS), PEM."""
        return self.pki.chain_pem

    @property
    def crl_file(self) -> Path:
        """All CRLs, PEM."""
        return self.pki.crl_pem

    @property
    def issuer(self) -> str:
        """The provider's issuer URL."""
        return f"https://{self.host}:{self.ports.oidc}/auth/realms/esante-wallet"

    @property
    def discovery_url(self) -> str:
        """Standard OpenID discovery URL."""
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def wallet_discovery_url(self) -> str:
        """PSC's non-standard discovery URL."""
        return f"{self.issuer}/.well-known/wallet-openid-configuration"

    @property
    def authorize_url(self) -> str:
        """The authorize endpoint on the wallet listener (client certificate required)."""
        return f"https://{self.host}:{self.ports.wallet}/auth"

    @property
    def token_url(self) -> str:
        """The token endpoint."""
        return f"{self.issuer}/protocol/openid-connect/token"

    @property
    def userinfo_url(self) -> str:
        """The userinfo endpoint."""
        return f"{self.issuer}/protocol/openid-connect/userinfo"

    @property
    def gateway_url(self) -> str:
        """The sandbox's PSC gateway (HTTPS, the sandbox's server certificate)."""
        return f"https://{self.host}:{self.ports.gateway}"

    @property
    def admin_secret(self) -> str:
        """Bearer secret of the provider's ``/sandbox-admin/`` API."""
        return self.admin_secret_file.read_text().strip()

    @property
    def revoked_card(self) -> VirtualCard:
        """A CPS-like card of the revoked person, its certificate on the CRL (provisioned on
        first use under ``card-revoked/``; a process sees it with its ``environment()``)."""
        if self._revoked_card is None:
            self._revoked_card = provision_revoked_card(self.directory / "card-revoked",
                                                        self.pki)
        return self._revoked_card

    def home_of(self, identity: Identity | str) -> Path:
        """The Maildir home of a user (by identity or address)."""
        address = identity if isinstance(identity, str) else identity.address
        return self.mail_root / address

    # -- lifecycle ---------------------------------------------------------------------
    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> Sandbox:
        """Bring everything up; raise :class:`SandboxError` naming the part that failed."""
        started = time.monotonic()
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.state_file.exists():
            state = json.loads(self.state_file.read_text())
            if any(process_alive(p["pid"]) for p in state.get("processes", {}).values()):
                raise SandboxError(
                    f"a sandbox is already running in {self.directory}; stop it first "
                    f"(python -m sandbox stop --dir {self.directory})"
                )
            self.state_file.unlink()
        self.logs.mkdir(exist_ok=True)
        handler = logging.FileHandler(self.logs / "sandbox.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        sandbox_logger = logging.getLogger("sandbox")
        sandbox_logger.addHandler(handler)
        if sandbox_logger.level == logging.NOTSET or sandbox_logger.level > logging.INFO:
            sandbox_logger.setLevel(logging.INFO)
        try:
            if self.install_packages:
                _ensure_system_packages()
            self._prepare_files()
            self._start_processes_retrying()
            self._start_reader()
            self._write_outputs()
            self.start_seconds = time.monotonic() - started
            self._started = True
            self._write_state()
            logger.info("sandbox started in %.2f s in %s", self.start_seconds, self.directory)
        except BaseException:
            logger.exception("sandbox start failed")
            self.stop()
            raise
        finally:
            sandbox_logger.removeHandler(handler)
            handler.close()
        return self

    def stop(self, *, purge: bool = False) -> None:
        """Stop every process this sandbox started and remove its runtime files.

        Args:
            purge: also delete the whole sandbox directory and its mail store.
        """
        if self._reader is not None:
            with contextlib.suppress(Exception):
                self._reader.stop()
            self._reader = None
        for name, process in list(self._processes.items()):
            terminate(name, process.pid)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)
        self._processes.clear()
        if self.state_file.exists() or purge:
            stop_sandbox(self.directory, purge=purge)
        self._started = False

    def detach(self) -> None:
        """Let the processes outlive this object (``python -m sandbox start`` returns).

        ``stop_sandbox(directory)`` stops them later from ``state.json``.
        """
        for process in self._processes.values():
            process.returncode = 0  # detached on purpose: no ResourceWarning when collected
        self._processes.clear()
        self._reader = None

    # -- start steps -------------------------------------------------------------------
    def _prepare_files(self) -> None:
        d = self.directory
        self.pki = build_pki(self._pki_directory or d / "pki")
        (d / "pki").mkdir(exist_ok=True)
        if not self.server_cert_pem.exists():
            cert, key = self.pki.issue_server_certificate(["localhost", self.host])
            self.server_cert_pem.write_bytes(
                cert.public_bytes(serialization.Encoding.PEM)
                + self.pki.orgs_ca_cert.public_bytes(serialization.Encoding.PEM)
            )
            write_private_key(key, self.server_key_pem)
        self.card = self._given_card or provision_card(d / "card", self.pki, DOCTOR)
        if (d / "users" / "revoked.p12").exists():
            self.credentials = load_software_credentials(d / "users")
        else:
            self.credentials = issue_software_credentials(d / "users", self.pki)
        (d / "dovecot").mkdir(exist_ok=True)
        self._write_ca_with_crl()
        (d / "oidc").mkdir(exist_ok=True)
        if not self.admin_secret_file.exists():
            self.admin_secret_file.write_text(secrets.token_urlsafe(24) + "\n")
            self.admin_secret_file.chmod(0o600)
        self.mail_root = _dovecot.prepare_mail_root(d)
        fresh = not any(self.mail_root.iterdir())
        homes = {u.address: self.mail_root / u.address for u in self.users}
        if fresh:
            seed_mailboxes(homes)
        for home in homes.values():
            for folder in ("INBOX", "Sent", "Drafts", "Trash", "Junk"):
                maildir_folder(home, folder)
        _dovecot.chown_mail(self.mail_root)
        self.outbound_mbox.touch()
        write_liste_blanche(self.liste_blanche, (*DOMAINS, LAB_DOMAIN))
        self._write_directory_sample()
        self.app_home.mkdir(exist_ok=True, mode=0o700)

    def _write_directory_sample(self) -> None:
        target = self.directory / "directory"
        target.mkdir(exist_ok=True)
        try:
            from sandbox.directory_sample import write_sample_extraction
        except ImportError:
            logger.warning("sandbox.directory_sample not available: no directory sample")
            return
        existing = sorted(target.glob("Extraction_Correspondance_MSSante_*.txt"))
        self.directory_extraction = existing[0] if existing else write_sample_extraction(target)

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> None:
        log = self.logs / f"{name}.log"
        self._log_offsets[name] = log.stat().st_size if log.exists() else 0
        out = log.open("ab")
        try:
            process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, env=env or dict(os.environ), cwd=self.directory,
            )  # fmt: skip
        finally:
            out.close()
        self._processes[name] = process
        self._write_state()
        logger.info("%s started (pid %d)", name, process.pid)

    def _ready_marker_seen(self, name: str, log: Path, marker: bytes | None) -> bool:
        if marker is None:
            return True
        with log.open("rb") as handle:
            handle.seek(self._log_offsets.get(name, 0))
            return marker in handle.read()

    def _wait_ready(
        self, name: str, ports: list[int], log: Path, marker: bytes | None = None
    ) -> None:
        """Wait until ``name`` listens on ``ports`` and (if given) logged ``marker``.

        The marker is what our own servers print once bound: an open port alone may
        belong to another program.
        """
        deadline = time.monotonic() + _READY_TIMEOUT
        process = self._processes[name]
        pending = list(ports)
        while pending or not self._ready_marker_seen(name, log, marker):
            if process.poll() is not None:
                raise SandboxError(
                    f"{name} exited with status {process.returncode} while starting; "
                    f"see {log}:\n{log_tail(log)}"
                )
            pending = [p for p in pending if not port_open(p)]
            if not pending and self._ready_marker_seen(name, log, marker):
                break
            if time.monotonic() > deadline:
                raise SandboxError(
                    f"{name} was not ready within {_READY_TIMEOUT:.0f} s (ports not listening:"
                    f" {pending or 'none'}); see {log}:\n{log_tail(log)}"
                )
            time.sleep(0.05)

    def _start_processes_retrying(self, attempts: int = 3) -> None:
        # Free ports are chosen, released, then bound by the servers: another program may
        # take one in between. Start again on fresh ports when that happened.
        for attempt in range(1, attempts + 1):
            try:
                self._start_processes()
                return
            except SandboxError as exc:
                if "already in use" not in str(exc) or attempt == attempts:
                    raise
                logger.warning("a port was taken while starting (attempt %d): retrying",
                               attempt)  # fmt: skip
                for name, process in list(self._processes.items()):
                    terminate(name, process.pid)
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        process.wait(timeout=5)
                self._processes.clear()

    def _start_processes(self) -> None:
        d = self.directory
        ports = free_ports(9)
        self.ports = SandboxPorts(*ports)
        p = self.ports
        setup = _dovecot.DovecotSetup(
            directory=d / "dovecot",
            mail_root=self.mail_root,
            log_dir=self.logs,
            ports=_dovecot.DovecotPorts(p.imap, p.imaps, p.submission, p.submissions, p.lmtp),
            server_cert=self.server_cert_pem,
            server_key=self.server_key_pem,
            ca_with_crl=self.ca_with_crl,
            oauth_keys=d / "oidc" / "keys",
            relay_port=p.smtp_sink,
            users=self.users,
            host=self.host,
        )
        _dovecot.write_dovecot_config(setup)
        # The provider publishes its key before Dovecot validates any token.
        provider_config = {
            "host": self.host,
            "auth_port": p.oidc,
            "wallet_port": p.wallet,
            "server_cert": str(self.server_cert_pem),
            "server_key": str(self.server_key_pem),
            "ca_file": str(self.pki.chain_pem),
            "crl_file": str(self.pki.crl_pem),
            "signing_key": str(d / "oidc" / "signing-key.pem"),
            "key_dict": str(d / "oidc" / "keys"),
            "admin_secret_file": str(self.admin_secret_file),
            "clients": [CLIENT_ID, *EXTRA_CLIENTS],
            "users": {
                u.login: {"address": u.address, "family_name": u.family_name,
                          "given_name": u.given_name, "profession": u.profession}
                for u in self.users if u.id_type
            },  # fmt: skip
            "access_token_lifetime": self.access_token_lifetime,
            # The app's client is confidential: the gateway holds its secret.
            "confidential_clients": {CLIENT_ID: self._gateway_secret()},
            "public_clients_allowed": not self.production_psc,
        }
        (d / "oidc" / "provider.json").write_text(json.dumps(provider_config, indent=1))
        sink_config = {
            "host": self.host,
            "port": p.smtp_sink,
            "lmtp_port": p.lmtp,
            "outbound_mbox": str(self.outbound_mbox),
            "local_domains": list(DOMAINS),
            "local_addresses": [u.address for u in self.users],
        }
        (d / "smtp-sink.json").write_text(json.dumps(sink_config, indent=1))
        python = sys.executable
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep), PYTHONUNBUFFERED="1")  # fmt: skip
        self._spawn("oidc-provider", [python, "-m", "sandbox.oidc_provider",
                                      str(d / "oidc" / "provider.json")], env)  # fmt: skip
        self._spawn("smtp-sink", [python, "-m", "sandbox.smtp_sink",
                                  str(d / "smtp-sink.json")], env)  # fmt: skip
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self._spawn("dovecot", [binary, "-F", "-c", str(setup.config_file)])
        self._wait_ready("dovecot", [p.imap, p.imaps, p.submission, p.submissions, p.lmtp],
                         self.logs / "dovecot.log")  # fmt: skip
        # An open port may belong to someone else: Dovecot must be the one greeting.
        for port, greeting in ((p.imap, b"* OK"), (p.submission, b"220 "), (p.lmtp, b"220 ")):
            if not greets(port, greeting):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self._processes["dovecot"].wait(timeout=5)  # let it log why
                log = self.logs / "dovecot.log"
                raise SandboxError(
                    f"port {port} does not answer as Dovecot (another program took it?); "
                    f"see {log}:\n{log_tail(log)}"
                )
        self._wait_ready("oidc-provider", [p.oidc, p.wallet], self.logs / "oidc-provider.log",
                         b"READY")  # fmt: skip
        self._wait_ready("smtp-sink", [p.smtp_sink], self.logs / "smtp-sink.log", b"READY")
        self._start_crl_server(python, env)
        self._start_gateway(env)
        if self._owner is not None:
            self._spawn("watchdog", [python, "-m", "sandbox.watchdog", str(self._owner),
                                     str(self.directory)], env)  # fmt: skip

    def _start_crl_server(self, python: str, env: dict[str, str]) -> None:
        """Serve the PKI's CRLs and OCSP answers where its certificates say (loopback)."""
        port = self.pki.serving_port
        if port is None:
            logger.warning("this PKI predates loopback CRLs: remove %s to rebuild it",
                           self.pki.directory)
            return
        if _crl_served(self.pki.crl_url("persons")):
            logger.info("the PKI's CRLs are already served on port %d", port)
            return
        self._spawn("crl-server", [python, "-m", "sandbox.crl_server",
                                   str(self.pki.directory)], env)  # fmt: skip
        try:
            self._wait_ready("crl-server", [port], self.logs / "crl-server.log", b"READY")
        except SandboxError as exc:
            # Mail works without it: clients then keep the CRLs they have.
            logger.warning("CRL server not started: %s", exc)
            process = self._processes.pop("crl-server")
            terminate("crl-server", process.pid)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=5)

    def _gateway_secret(self) -> str:
        if not self.gateway_secret_file.exists():
            self.gateway_secret_file.parent.mkdir(parents=True, exist_ok=True)
            self.gateway_secret_file.write_text(secrets.token_urlsafe(32))
            self.gateway_secret_file.chmod(0o600)
        return self.gateway_secret_file.read_text().strip()

    def _start_gateway(self, env: dict[str, str]) -> None:
        """The PSC gateway (real uvicorn), as the publisher or operator would run it."""
        gateway_env = dict(
            env, PSC_GATEWAY_ISSUER=self.issuer, PSC_GATEWAY_CLIENT_ID=CLIENT_ID,
            PSC_GATEWAY_DISCOVERY_URL=self.wallet_discovery_url,
            PSC_GATEWAY_CLIENT_SECRET_FILE=str(self.gateway_secret_file),
            PSC_GATEWAY_CA_FILE=str(self.pki.chain_pem),
            # Tests and benchmarks share one loopback address: a generous limit.
            PSC_GATEWAY_RATE="2000", PSC_GATEWAY_BURST="4000",
        )
        self._spawn("psc-gateway", [
            sys.executable, "-m", "gateway", "--host", self.host,
            "--port", str(self.ports.gateway), "--certfile", str(self.server_cert_pem),
            "--keyfile", str(self.server_key_pem), "--log-level", "WARNING"], gateway_env)
        self._wait_ready("psc-gateway", [self.ports.gateway], self.logs / "psc-gateway.log")

    def _start_reader(self) -> None:
        if not self.with_reader:
            return
        try:
            # The demo's card steps out of the reader while a test session holds the
            # readers' lock, and comes back after: `make demo` beside `make test`.
            reader = _demo_reader(self.directory / "reader")
            self._reader = reader
            # The demo starts with the card in the reader; `python -m sandbox remove` and
            # `insert` make the events.
            reader.insert("cps", 0)
        except Exception as exc:  # mail works without the reader
            logger.warning("virtual reader not started: %s", exc)

    # -- outputs -----------------------------------------------------------------------
    def _write_outputs(self) -> None:
        p = self.ports
        imap = Endpoint(host=self.host, port=p.imap, security="starttls")
        smtp = Endpoint(host=self.host, port=p.submission, security="starttls")
        header = "Written by 'python -m sandbox start': the local sandbox operator."
        card = Profile(address=DOCTOR.address, imap=imap, smtp=smtp, ca_file=self.pki.chain_pem,
                       auth=AuthSettings(method="card-tls", pkcs11_module=str(self.card.module)))
        write_profile(card, self.profile, header=header)
        psc = replace(card, auth=AuthSettings(
            method="psc", pkcs11_module=str(self.card.module), issuer=self.issuer,
            discovery_url=self.wallet_discovery_url, client_id=self.client_id,
            scope="openid scope_all", acr_values="eidas1"))
        through_gateway = replace(psc, auth=replace(
            psc.auth, gateway=self.gateway_url, gateway_ca=self.pki.chain_pem))
        write_profile(through_gateway if self.production_psc else psc, self.profile_psc,
                      header=header)
        write_profile(through_gateway, self.profile_gateway, header=header)
        # Relative: the PKCS#12 file sits beside the profile, in the sandbox's users/.
        certificate = replace(card, address=APPLICATIVE.address, auth=AuthSettings(
            method="certificate", certificate_file=Path("users/applicative.p12")))
        write_profile(certificate, self.profile_certificate, header=header)
        env = self.environment()
        self.env_file.write_text(
            "# Source me: . sandbox.env\n"
            + "".join(f"export {k}={shell_quote(v)}\n" for k, v in env.items()),
            encoding="utf-8",
        )

    def environment(self) -> dict[str, str]:
        """Environment variables for the app and scripts run against this sandbox."""
        return {
            **self.card.environment(),
            "MSSANTE_COMPANION_HOME": str(self.app_home),
            # Production PSC (the demo): the app signs in through the gateway, with the
            # card or with e-CPS; otherwise with the card over TLS.
            "MSSANTE_COMPANION_PROFILE": str(self.profile_gateway if self.production_psc
                                             else self.profile),
            "MSSANTE_SANDBOX_DIR": str(self.directory),
            "MSSANTE_SANDBOX_CA": str(self.pki.chain_pem),
            "MSSANTE_SANDBOX_CRL": str(self.pki.crl_pem),
            "MSSANTE_SANDBOX_PKCS11_MODULE": str(self.card.module),
            "MSSANTE_SANDBOX_PROFILE_PSC": str(self.profile_psc),
            "MSSANTE_SANDBOX_PROFILE_GATEWAY": str(self.profile_gateway),
            "MSSANTE_SANDBOX_PROFILE_CERTIFICATE": str(self.profile_certificate),
            "MSSANTE_SANDBOX_P12_PASSWORD": self.credentials["applicative"].password,
            "MSSANTE_SANDBOX_LISTE_BLANCHE": str(self.liste_blanche),
            "MSSANTE_SANDBOX_DIRECTORY": str(self.directory_extraction or ""),
            "MSSANTE_SANDBOX_OUTBOUND": str(self.outbound_mbox),
        }

    def _write_state(self) -> None:
        state = {
            "directory": str(self.directory),
            "processes": {
                name: {"pid": proc.pid, "argv": proc.args if isinstance(proc.args, list)
                       else [str(proc.args)]}
                for name, proc in self._processes.items()
            },  # fmt: skip
            "ports": asdict(self.ports) if hasattr(self, "ports") else {},
            "mail_root": str(getattr(self, "mail_root", "")),
            "start_seconds": round(self.start_seconds, 3),
            "issuer": self.issuer if hasattr(self, "ports") else "",
            "client_id": self.client_id,
            "reader": bool(self._reader),
            "ca_file": str(self.pki.chain_pem) if hasattr(self, "pki") else "",
            "gateway": self.gateway_url if hasattr(self, "ports") else "",
        }
        self.state_file.write_text(json.dumps(state, indent=1, default=str))

    # -- admin controls ----------------------------------------------------------------
    def _admin(self, action: str, form: dict[str, str] | None = None) -> dict[str, Any]:
        body = "&".join(f"{k}={v}" for k, v in (form or {}).items()).encode()
        request = urllib.request.Request(
            f"https://{self.host}:{self.ports.oidc}/sandbox-admin/{action}",
            data=body, method="POST",
            headers={"Authorization": f"Bearer {self.admin_secret}",
                     "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        context = ssl.create_default_context(cafile=str(self.pki.chain_pem))
        with urllib.request.urlopen(request, context=context, timeout=10) as response:  # noqa: S310
            result: dict[str, Any] = json.loads(response.read())
        return result

    def revoke_refresh_tokens(self, client_id: str | None = None) -> int:
        """Make the provider forget refresh tokens (of ``client_id`` only, if given).

        Returns how many were revoked. The next refresh gets ``invalid_grant``, as PSC
        answers when its session ended.
        """
        form = {"client_id": client_id} if client_id else None
        return int(self._admin("revoke-refresh-tokens", form)["revoked"])

    def set_production_psc(self, production: bool) -> None:
        """Switch the provider to production behaviour (confidential clients only) or back."""
        self._admin("settings", {"public_clients_allowed": "0" if production else "1"})

    def set_ciba_expiry(self, seconds: int) -> None:
        """Lifetime of CIBA requests started from now on (default 120 s)."""
        self._admin("settings", {"ciba_expires_in": str(seconds)})

    def set_access_token_lifetime(self, seconds: int) -> None:
        """Change the lifetime of access tokens issued from now on."""
        self._admin("settings", {"access_token_lifetime": str(seconds)})

    def revoke_certificate(self, identity_key: str) -> None:
        """Revoke a software credential (``"colleague"``...) and reload Dovecot's CRL."""
        self.pki.revoke(self.credentials[identity_key].cert)
        self.reload_crl()

    def _write_ca_with_crl(self) -> None:
        # Dovecot reads CRLs from ssl_ca only: chain first, then one CRL per CA.
        chain, crls = self.pki.chain_pem.read_bytes(), self.pki.crl_pem.read_bytes()
        self.ca_with_crl.write_bytes(chain + crls)

    def restart_dovecot(self) -> None:
        """Stop Dovecot (every session with it) and start it again on the same ports."""
        process = self._processes.pop("dovecot")
        terminate("dovecot", process.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        p = self.ports
        binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
        self._spawn("dovecot", [binary, "-F", "-c",
                                str(self.directory / "dovecot" / "dovecot.conf")])
        self._wait_ready("dovecot", [p.imap, p.imaps, p.submission, p.submissions, p.lmtp],
                         self.logs / "dovecot.log")  # fmt: skip

    def reload_crl(self) -> None:
        """Rewrite Dovecot's ``ssl_ca`` (chain + CRLs) and make Dovecot reload it."""
        self._write_ca_with_crl()
        dovecot = self._processes.get("dovecot")
        if dovecot is not None:
            os.kill(dovecot.pid, signal.SIGHUP)
            time.sleep(0.5)

    # -- mailbox helpers for assertions -----------------------------------------------
    def messages(self, identity: Identity | str, folder: str = "INBOX") -> list[EmailMessage]:
        """Every message of a user's folder, parsed (read from the Maildir, oldest first).

        Read-only: nothing is created (Dovecot, running as the mail user, owns the store).
        """
        root = self.home_of(identity) / "Maildir"
        directory = root if folder.upper() == "INBOX" else root / f".{folder.replace('/', '.')}"
        parser = BytesParser(policy=policy.default)
        for _attempt in range(5):
            # Dovecot renames files (new/ -> cur/, flag changes) while we read: rescan.
            try:
                files = [f for sub in ("new", "cur") if (directory / sub).is_dir()
                         for f in (directory / sub).iterdir()]  # fmt: skip
                stamped = sorted((f.stat().st_mtime, f.name, f) for f in files)
                return [parser.parsebytes(f.read_bytes()) for _m, _n, f in stamped]
            except FileNotFoundError:
                time.sleep(0.05)
        raise SandboxError(f"{directory} keeps changing; cannot read it")

    def wait_for_message(
        self, identity: Identity | str, subject: str, *, folder: str = "INBOX",
        timeout: float = 15.0,
    ) -> EmailMessage:  # fmt: skip
        """Wait until a message whose Subject contains ``subject`` lands in ``folder``."""
        deadline = time.monotonic() + timeout
        while True:
            for message in self.messages(identity, folder):
                if subject in str(message.get("Subject", "")):
                    return message
            if time.monotonic() > deadline:
                raise TimeoutError(f"no message with subject {subject!r} in {folder}")
            time.sleep(0.1)

    def outbound_messages(self) -> list[EmailMessage]:
        """Messages relayed outside the sandbox domains (the outbound mbox)."""
        box = mailbox.mbox(str(self.outbound_mbox), create=False)
        try:
            parser = BytesParser(policy=policy.default)
            return [parser.parsebytes(box.get_bytes(key)) for key in box.keys()]
        finally:
            box.close()


def _demo_reader(directory: Path) -> Any:
    """A started virtual reader whose cards yield to test sessions (their lock)."""
    from sandbox.reader import SHARED_LOCK, VirtualReader

    return VirtualReader(directory, yield_to=SHARED_LOCK).start()


def _crl_served(url: str) -> bool:
    """Whether ``url`` already answers with a CRL (a test session's in-process server)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback http
            return bool(response.status == 200)
    except OSError:
        return False


def stop_sandbox(directory: Path | str, *, purge: bool = False) -> list[str]:
    """Stop the sandbox recorded in ``directory/state.json``; return the names stopped.

    Only processes whose command line still matches what was started are signalled, so a
    recycled PID is never hit. ``purge`` then deletes the directory and its mail store.
    """
    directory = Path(directory).expanduser().resolve()
    state_file = directory / _STATE
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    stopped = []
    if any((directory / "reader").glob("*.pid")):
        try:
            from sandbox.reader import VirtualReader

            VirtualReader(directory / "reader").stop()
            stopped.append("virtual reader")
        except Exception as exc:  # keep stopping the rest
            logger.warning("virtual reader not stopped cleanly: %s", exc)
    for name, info in state.get("processes", {}).items():
        pid = int(info["pid"])
        argv = [str(a) for a in info.get("argv", [])]
        if not process_alive(pid) or pid == os.getpid():
            continue
        if argv and argv[-1] not in cmdline(pid):
            logger.warning("pid %d is no longer %s: left alone", pid, name)
            continue
        terminate(name, pid)
        stopped.append(name)
    state_file.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        shutil.rmtree(_dovecot.runtime_dir(directory / "dovecot"))
    if purge and directory.exists():
        _dovecot.remove_mail_root(directory)
        shutil.rmtree(directory, ignore_errors=True)
    logger.info("sandbox in %s stopped: %s", directory, ", ".join(stopped) or "nothing running")
    return stopped


def sandbox_status(directory: Path | str) -> dict[str, Any]:
    """What runs in ``directory``: per process ``{"pid", "running"}``, plus the ports."""
    directory = Path(directory).expanduser().resolve()
    state_file = directory / _STATE
    if not state_file.exists():
        return {"directory": str(directory), "running": False, "processes": {}}
    state = json.loads(state_file.read_text())
    processes = {
        name: {"pid": info["pid"], "running": process_alive(int(info["pid"]))}
        for name, info in state.get("processes", {}).items()
    }
    return {
        "directory": str(directory),
        "running": bool(processes) and all(p["running"] for p in processes.values()),
        "processes": processes,
        "ports": state.get("ports", {}),
        "issuer": state.get("issuer", ""),
        "start_seconds": state.get("start_seconds"),
    }
