#!/usr/bin/env bash
# Builds the macOS app and disk image of Compagnon MSSanté:
#   dist/Compagnon MSSanté.app  and  dist/MSSanteCompanion-<version>-macos-<arch>.dmg
#
# Runs on macOS 12+ with Python 3.11 (python.org installer or `brew install python@3.11`)
# and the Xcode command-line tools (iconutil, codesign, hdiutil, xcrun). From the repo root:
#
#   bash packaging/macos/build.sh
#
# Optional hooks, all driven by environment variables (nothing is signed without them):
#   MACOS_SIGN_IDENTITY  "Developer ID Application: NAME (TEAMID)": signs every Mach-O
#                        file inside-out, then the app, with the hardened runtime and
#                        packaging/macos/entitlements.plist; then signs the .dmg.
#   MACOS_NOTARY_PROFILE a notarytool keychain profile, made once with
#                        `xcrun notarytool store-credentials PROFILE --apple-id ... \
#                         --team-id ... --password <app-specific password>`
#                        (CI: --key/--key-id/--issuer of an App Store Connect API key):
#                        submits the .dmg, waits, and staples the ticket.
# The build is for the runner's architecture (arm64 or x86_64): the workflow builds both.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$(pwd)
PYTHON=${PYTHON:-python3.11}
VENV=build/venv-macos

if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
# Dependencies from the hashed lock file only (supply chain: pinned, hash-checked), then
# the application itself without resolving anything else.
"$VENV/bin/python" -m pip install --quiet --require-hashes -r packaging/requirements.lock
"$VENV/bin/python" -m pip install --quiet --no-deps -e .

VERSION=$("$VENV/bin/python" packaging/version.py)
ARCH=$(uname -m)
APP_NAME="Compagnon MSSanté"
APP="dist/$APP_NAME.app"
DMG="dist/MSSanteCompanion-$VERSION-macos-$ARCH.dmg"
echo "Compagnon MSSanté $VERSION ($ARCH)"

# Icons: PNGs from the SVG, then the .icns that the spec picks up.
"$VENV/bin/python" packaging/make_icons.py
iconutil -c icns build/icons/mssante-companion.iconset -o build/icons/mssante-companion.icns

"$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/mssante-companion.spec

printed=$("$APP/Contents/MacOS/mssante-companion" --version)
if [ "$printed" != "mssante-companion $VERSION" ]; then
  echo "the app prints '$printed' for --version; expected 'mssante-companion $VERSION'" >&2
  exit 1
fi

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  # Inside-out: libraries and executables first, the bundle last (no --deep, which Apple
  # advises against for signing).
  find "$APP/Contents" -type f \( -name '*.so' -o -name '*.dylib' -o -perm -u+x \) -print0 |
    while IFS= read -r -d '' file; do
      if file "$file" | grep -q 'Mach-O'; then
        codesign --force --timestamp --options runtime \
          --entitlements packaging/macos/entitlements.plist \
          --sign "$MACOS_SIGN_IDENTITY" "$file"
      fi
    done
  codesign --force --timestamp --options runtime \
    --entitlements packaging/macos/entitlements.plist \
    --sign "$MACOS_SIGN_IDENTITY" "$APP"
  codesign --verify --strict --verbose=2 "$APP"
fi

# The disk image: the app beside a link to /Applications, for drag-and-drop install.
STAGE=build/dmg
rm -rf "$STAGE" "$DMG"
mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "$APP_NAME $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"

if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
fi
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
  xcrun notarytool submit "$DMG" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
  spctl --assess --type open --context context:primary-signature --verbose "$DMG"
fi
echo "Built $REPO/$DMG"
