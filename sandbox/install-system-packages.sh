#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages that the sandbox operator, the tests and the
# demo need. Idempotent: does nothing when everything is already installed.
set -euo pipefail

PACKAGES=(
  # build of pyscard (no Linux wheel) and the virtual environment
  python3-venv python3-dev gcc swig libpcsclite-dev
  # the sandbox operator
  dovecot-core dovecot-imapd dovecot-submissiond dovecot-lmtpd
  # TLS session resumption for the sandbox's Dovecot (sandbox/tls_sessions.py builds it)
  libssl-dev
  softhsm2 opensc
  # virtual smart-card reader: pcscd + vpcd driver + vicc (python3-virtualsmartcard)
  pcscd vsmartcard-vpcd python3-virtualsmartcard python3-pycryptodome
  # a real Secret Service for keyring tests, and a display for screenshots
  gnome-keyring dbus dbus-x11 libsecret-tools xvfb xauth
  # Qt runtime libraries needed by PySide6 even offscreen
  libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 fonts-dejavu-core
  # NSS tools for Thunderbird profiles
  libnss3-tools
  # headless Thunderbird for the bridge end-to-end test (about 80 MB download, ~40 s)
  thunderbird
  # installers (packaging/): window lookup for the .deb smoke test, and makensis to
  # compile-check the Windows installer definition
  x11-utils nsis desktop-file-utils libwayland-client0 libwayland-cursor0 libwayland-egl1
  # misc
  make ca-certificates openssl procps psmisc
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

# vpcd's virtual readers listen on two TCP ports (CHANNELID and the next one) that sit in
# the kernel's ephemeral range: an outgoing connection that happened to take one of them
# made pcscd come up without its readers ("Address already in use"). Reserve them.
reserve_vpcd_ports() {
  local conf=/etc/reader.conf.d/vpcd reserved base wanted
  [ -r "$conf" ] || return 0
  base=$(awk '$1 == "CHANNELID" { print $2; exit }' "$conf")
  [ -n "$base" ] || return 0
  base=$((base))
  wanted="$base-$((base + 1))"
  reserved=$(cat /proc/sys/net/ipv4/ip_local_reserved_ports 2>/dev/null || true)
  case ",$reserved," in *",$wanted,"*) return 0 ;; esac
  if ! $SUDO sysctl -q -w "net.ipv4.ip_local_reserved_ports=${reserved:+$reserved,}$wanted"; then
    echo "warning: could not reserve the virtual reader's ports $wanted" \
      "(net.ipv4.ip_local_reserved_ports); pcscd may now and then start without them" >&2
  fi
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  reserve_vpcd_ports
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# Never let package scripts start system daemons (pcscd, dovecot): the sandbox starts
# its own private instances.
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"

reserve_vpcd_ports
