"""A private Dovecot 2.3: IMAP + submission with EXTERNAL and XOAUTH2/OAUTHBEARER.

One instance runs as root from its own ``base_dir`` (``dovecot -F -c CONF``) on loopback
ports chosen by the caller:

* IMAP with STARTTLS and IMAPS (implicit TLS, RFC 8314);
* submission with STARTTLS and submissions (implicit TLS), relaying to the sandbox SMTP
  sink (:mod:`sandbox.smtp_sink`);
* LMTP (plain, loopback) through which the sink delivers local mail.

Authentication (Dovecot 2.3.19 as packaged by Debian 12):

* SASL EXTERNAL (RFC 4422 appendix A) from the TLS client certificate: the server asks for
  a certificate (``ssl_verify_client_cert``), checks it against ``ssl_ca`` which holds the
  test chain followed by the CRLs (Dovecot reads CRLs from ``ssl_ca`` only), and names the
  user by the certificate's CN (``auth_ssl_username_from_cert``). A passwd-file passdb
  limited to ``external`` maps that CN (the national id) to the mailbox address with
  ``nopassword`` + ``user=``, so EXTERNAL and tokens open the same mailbox. An authzid is
  accepted when it names the holder's own mailbox (a master passdb keyed ``CN/address``):
  Thunderbird sends the account's user name as authzid.
* XOAUTH2 and OAUTHBEARER (RFC 7628): passdb ``oauth2`` with ``introspection_mode = local``,
  the signature checked with the provider's public key found in a ``fs:posix`` dict at
  ``<azp|default>/<ALG>/<kid|default>``; the user is the token's ``email`` claim.
"""

from __future__ import annotations

import grp
import hashlib
import logging
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sandbox.identities import Identity
from sandbox.tls_sessions import build_session_library

__all__ = [
    "MAIL_GROUP",
    "MAIL_USER",
    "DovecotPorts",
    "DovecotSetup",
    "chown_mail",
    "prepare_mail_root",
    "remove_mail_root",
    "runtime_dir",
    "start_dovecot",
    "write_dovecot_config",
    "write_password_config",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DovecotPorts:
    """The loopback ports of one Dovecot instance."""

    imap: int
    imaps: int
    submission: int
    submissions: int
    lmtp: int


@dataclass(frozen=True)
class DovecotSetup:
    """Everything needed to write a Dovecot configuration.

    ``ca_with_crl`` must hold the trust chain followed by one CRL per CA.
    ``oauth_keys`` is the directory of the local-validation key dict.
    """

    directory: Path
    mail_root: Path
    log_dir: Path
    ports: DovecotPorts
    server_cert: Path
    server_key: Path
    ca_with_crl: Path
    oauth_keys: Path
    relay_port: int
    users: tuple[Identity, ...]
    host: str = "127.0.0.1"

    @property
    def config_file(self) -> Path:
        """``dovecot.conf``."""
        return self.directory / "dovecot.conf"

    @property
    def base_dir(self) -> Path:
        """Dovecot's runtime directory (sockets, master.pid); see :func:`runtime_dir`."""
        return runtime_dir(self.directory)


#: Unix socket paths are limited to 108 bytes (sun_path); Dovecot's longest socket name
#: under base_dir is about 30 bytes.
_MAX_BASE_DIR = 70


def runtime_dir(directory: Path) -> Path:
    """``directory/run``, or a short ``/tmp/mss-sandbox-<hash>`` when that path is too long."""
    local = directory / "run"
    if len(str(local)) <= _MAX_BASE_DIR:
        return local
    digest = hashlib.sha256(str(directory).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"mss-sandbox-{digest}"


#: Dovecot's mail processes must not run as root; mail files belong to this account.
MAIL_USER = "nobody"
MAIL_GROUP = "nogroup"
_EXTERNAL_MAIL_PREFIX = "mssante-sandbox-mail-"


def _traversable_by_others(path: Path) -> bool:
    for parent in [path, *path.parents]:
        if parent.exists() and not parent.stat().st_mode & 0o001:
            return False
    return True


def prepare_mail_root(directory: Path) -> Path:
    """Return the mail store of the sandbox in ``directory`` (``directory/mail``).

    Mail processes run as :data:`MAIL_USER`, which cannot reach a store inside a private
    directory such as pytest's ``/tmp/pytest-of-root`` (mode 0700). In that case the store
    lives in a private ``/var/tmp/mssante-sandbox-mail-*`` directory and ``directory/mail``
    is a symbolic link to it; :func:`remove_mail_root` deletes both.
    """
    link = directory / "mail"
    if link.is_symlink():
        target = link.resolve()
        if target.is_dir():
            return target
        link.unlink()
    if link.is_dir():
        return link
    if _traversable_by_others(directory):
        link.mkdir(mode=0o700)
        chown_mail(link)
        return link
    target = Path(tempfile.mkdtemp(prefix=_EXTERNAL_MAIL_PREFIX, dir="/var/tmp"))
    chown_mail(target)
    link.symlink_to(target, target_is_directory=True)
    return target


def remove_mail_root(directory: Path) -> None:
    """Delete the mail store of ``directory`` (and its external target, if any)."""
    link = directory / "mail"
    if link.is_symlink():
        target = link.resolve()
        link.unlink()
        if target.name.startswith(_EXTERNAL_MAIL_PREFIX):
            shutil.rmtree(target, ignore_errors=True)
    elif link.is_dir():
        shutil.rmtree(link, ignore_errors=True)


def chown_mail(path: Path) -> None:
    """Give ``path`` and everything below it to :data:`MAIL_USER` (when running as root)."""
    if os.geteuid() != 0:
        return
    uid = pwd.getpwnam(MAIL_USER).pw_uid
    gid = grp.getgrnam(MAIL_GROUP).gr_gid
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, gid, follow_symlinks=False)


def _user_home(setup: DovecotSetup, identity: Identity) -> Path:
    return setup.mail_root / identity.address


#: Who runs what, and where each user's mail is: ``~/Maildir`` in the home the userdb gives.
_RUN_AS = f"""\
# Root runs everything: the sandbox directory may be private to root (pytest tmp dirs).
default_internal_user = root
default_internal_group = root
# Mail processes refuse uid 0 ("userdb returned 0 as uid"): mail belongs to MAIL_USER.
mail_uid = {MAIL_USER}
mail_gid = {MAIL_GROUP}
mail_location = maildir:~/Maildir
mail_privileged_group =
"""

#: Every mailbox has the four special-use folders (RFC 6154), created and subscribed at
#: first login, so a client finds its Drafts, Sent, Trash and Junk without creating them.
_SPECIAL_USE_NAMESPACE = """namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
}
"""


def _login_service(protocol: str, host: str, port: int, tls_port: int) -> str:
    """The ``service PROTOCOL-login`` block: one long-lived process, plain and TLS ports."""
    return f"""service {protocol}-login {{
  service_count = 0
  process_min_avail = 1
  process_limit = 1
  inet_listener {protocol} {{
    address = {host}
    port = {port}
  }}
  inet_listener {protocol}s {{
    address = {host}
    port = {tls_port}
    ssl = yes
  }}
}}"""


#: Listeners an instance does not use, closed (port 0): left at their defaults they would
#: bind well-known ports (110, 995, 4190...) shared by every instance on the machine.
_CLOSED_LISTENERS = """service imap-urlauth-login {
  inet_listener imap-urlauth {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
service managesieve-login {
  inet_listener sieve {
    port = 0
  }
}
service stats {
  inet_listener http {
    port = 0
  }
}
service doveadm {
  inet_listener {
    port = 0
  }
}
"""


def _fresh_runtime(directory: Path) -> tuple[Path, Path]:
    """Create ``directory``, an empty runtime directory and the state directory; return both.

    The runtime directory is emptied: after a killed instance it still holds the old
    ``master.pid`` and sockets.
    """
    directory.mkdir(parents=True, exist_ok=True)
    base_dir = runtime_dir(directory)
    if base_dir.exists():
        shutil.rmtree(base_dir)
    base_dir.mkdir(mode=0o755)
    state_dir = directory / "state"
    state_dir.mkdir(exist_ok=True)
    return base_dir, state_dir


def write_password_config(
    directory: Path, *, port: int, password: str, host: str = "127.0.0.1"
) -> Path:
    """Write ``directory/dovecot.conf`` for a password-only IMAP instance; return it.

    For the mail client's tests, which need a real IMAP server but no card: IMAP on
    ``host:port`` without TLS, ``LOGIN`` and ``AUTHENTICATE PLAIN`` with one static
    ``password`` for any user name, each user's Maildir created at first login under
    ``directory/mail/<user>`` (see :func:`prepare_mail_root`), the same folders as the
    sandbox's instance. The log is ``directory/dovecot.log``. Start it with
    ``dovecot -F -c`` the returned path.
    """
    base_dir, state_dir = _fresh_runtime(directory)
    mail_root = prepare_mail_root(directory)
    log = directory / "dovecot.log"
    config = f"""# Written by sandbox.dovecot: a password-only test instance, do not edit.
base_dir = {base_dir}
state_dir = {state_dir}
instance_name = password-{port}
log_path = {log}
info_log_path = {log}
protocols = imap
listen = {host}
{_RUN_AS}auth_failure_delay = 0
# Tests open many connections per user at once (a sync pool, IDLE, the test's own).
mail_max_userip_connections = 200

ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
login_trusted_networks = 127.0.0.0/8
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = home={mail_root}/%u
}}

{_SPECIAL_USE_NAMESPACE}
service imap-login {{
  inet_listener imap {{
    address = {host}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
{_CLOSED_LISTENERS}"""
    path = directory / "dovecot.conf"
    path.write_text(config)
    return path


def write_dovecot_config(setup: DovecotSetup) -> Path:
    """Write ``dovecot.conf``, the passwd-files and the OAuth2 settings; return the config."""
    setup.log_dir.mkdir(parents=True, exist_ok=True)
    _, state_dir = _fresh_runtime(setup.directory)
    d = setup.directory

    # passdb for EXTERNAL: certificate CN -> mailbox address (extra field user=).
    (d / "passdb-external").write_text(
        "".join(f"{u.login}:::::::nopassword=y user={u.address}\n" for u in setup.users)
    )
    # Master passdb for an EXTERNAL authzid (RFC 4422 appendix A): clients such as
    # Thunderbird send the account's user name, the mailbox address, as authzid; the
    # certificate's holder may act as its own mailbox only ("CN/address" keys).
    (d / "passdb-external-authzid").write_text(
        "".join(f"{u.login}/{u.address}:::::::nopassword=y\n" for u in setup.users)
    )
    # userdb: by address, one home (Maildir) per mailbox; uid/gid come from mail_uid.
    (d / "userdb").write_text(
        "".join(f"{u.address}:::::{_user_home(setup, u)}::\n" for u in setup.users)
    )
    (d / "oauth2.conf.ext").write_text(
        "introspection_mode = local\n"
        f"local_validation_key_dict = fs:posix:prefix={setup.oauth_keys}/\n"
        "username_attribute = email\n"
        "tokeninfo_url = \n"
        "introspection_url = \n"
        "send_auth_headers = no\n"
    )
    p = setup.ports
    sessions = build_session_library(d)
    # Dovecot passes its children only the environment it is told to import.
    import_environment = (
        f"import_environment = TZ CORE_OUTOFMEM CORE_ERROR LISTEN_PID LISTEN_FDS "
        f"LD_PRELOAD={sessions}\n" if sessions is not None else ""
    )
    config = f"""# Written by sandbox.dovecot: a private instance, do not edit.
{import_environment}base_dir = {setup.base_dir}
state_dir = {state_dir}
instance_name = sandbox-{p.imap}
log_path = {setup.log_dir / "dovecot.log"}
info_log_path = {setup.log_dir / "dovecot.log"}
debug_log_path = {setup.log_dir / "dovecot-debug.log"}
protocols = imap submission lmtp
listen = {setup.host}
hostname = mail.hopital-sandbox.mssante.fr
login_greeting = MSSante sandbox ready.
{_RUN_AS}# No fixed delay after a failed login (anvil still penalises repeated failures from one
# address, up to 15 s: negative tests use other 127.0.0.x addresses).
auth_failure_delay = 0

ssl = yes
ssl_cert = <{setup.server_cert}
ssl_key = <{setup.server_key}
ssl_ca = <{setup.ca_with_crl}
ssl_min_protocol = TLSv1.2
ssl_verify_client_cert = yes
ssl_require_crl = yes
ssl_cert_username_field = commonName
auth_ssl_username_from_cert = yes
auth_mechanisms = external xoauth2 oauthbearer
auth_username_format = %u
auth_verbose = yes
auth_debug = no
disable_plaintext_auth = yes

passdb {{
  driver = passwd-file
  master = yes
  mechanisms = external
  args = username_format=%u/%{{login_user}} {d / "passdb-external-authzid"}
}}
passdb {{
  driver = passwd-file
  args = {d / "passdb-external"}
  mechanisms = external
}}
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {d / "oauth2.conf.ext"}
}}
userdb {{
  driver = passwd-file
  args = {d / "userdb"}
}}

{_SPECIAL_USE_NAMESPACE}
# One long-lived login process per protocol (Dovecot's "high-performance mode"): TLS
# session tickets are sealed with a key each login process draws at start, so clients
# resume their sessions (RFC 8446 section 2.2: no new card signature) only when the
# process that issued the ticket is the one that reads it back.
{_login_service("imap", setup.host, p.imap, p.imaps)}
{_login_service("submission", setup.host, p.submission, p.submissions)}
service lmtp {{
  inet_listener lmtp {{
    address = {setup.host}
    port = {p.lmtp}
  }}
}}
{_CLOSED_LISTENERS}
protocol imap {{
  mail_max_userip_connections = 50
  # IMAP SASL-IR (RFC 4959) carries PSC-sized XOAUTH2 responses (about 1.5 KB).
  imap_max_line_length = 64k
}}
submission_relay_host = 127.0.0.1
submission_relay_port = {setup.relay_port}
submission_relay_trusted = yes
submission_relay_ssl = no
submission_max_mail_size = 40M
lmtp_save_to_detail_mailbox = no
recipient_delimiter =
"""
    setup.config_file.write_text(config)
    return setup.config_file


def start_dovecot(
    setup: DovecotSetup, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """Start ``dovecot -F -c CONF`` in its own session; output goes to ``dovecot.out``."""
    binary = shutil.which("dovecot") or "/usr/sbin/dovecot"
    env = dict(env or os.environ)
    sessions = setup.directory / "tls-sessions.so"
    if sessions.exists():
        env["LD_PRELOAD"] = str(sessions)
    out = (setup.log_dir / "dovecot.out").open("ab")
    try:
        process = subprocess.Popen(
            [binary, "-F", "-c", str(setup.config_file)],
            stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True, env=env,
        )  # fmt: skip
    finally:
        out.close()
    logger.info("dovecot started (pid %d)", process.pid)
    return process
