#!/usr/bin/env bash
# Opens the desktop app against the running sandbox (what `make demo` ends with), after
# importing the sandbox's liste blanche and directory extraction into the demo home.
# The encrypted cache keeps its key in the OS keyring: on a desktop session the user's
# Secret Service answers; on a machine without one (a fresh server, a container, an SSH
# session), a private gnome-keyring is started for this run only, under its own D-Bus
# session; its keyring lives under the sandbox home with the demo password "sandbox".
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck disable=SC1091
. ./.sandbox/sandbox.env
# The sandbox's liste blanche and directory: the demo writes to a colleague at once.
.venv/bin/python -m sandbox.demo_data
APP=(.venv/bin/mssante-companion "$@")
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]; then
  exec "${APP[@]}"
fi
export MSSANTE_DEMO_KEYRING_DIR="${MSSANTE_COMPANION_HOME}/demo-keyring"
mkdir -p "$MSSANTE_DEMO_KEYRING_DIR"
exec dbus-run-session -- bash -c '
  export XDG_DATA_HOME="$MSSANTE_DEMO_KEYRING_DIR"
  eval "$(printf sandbox | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  exec "$@"' demo "${APP[@]}"
