"""Smoke test of the ``.deb``: install, run, screenshot the first window, uninstall.

    sudo .venv/bin/python packaging/smoke_deb.py dist/mssante-companion_0.1.0_amd64.deb \\
        --screenshot .test-artifacts/packaging/first-window.png

Steps, each failing with a sentence that says what went wrong:

1. ``dpkg -i`` the package (the machine must not have it installed already);
2. check the installed layout: command, desktop entry with the ``mailto:`` handler (and the
   ``mimeinfo.cache`` entry that postinst's ``update-desktop-database`` writes), icons,
   the licence, the spool's systemd unit (installed, not enabled);
3. ``mssante-companion --version`` prints the version of ``client/__init__.py``, and
   ``doctor --json`` gives its diagnosis (the command modules, pyscard and PyKCS11 load);
4. the desktop app starts offscreen (``QT_QPA_PLATFORM=offscreen``) and keeps running;
5. under Xvfb, the first window appears (found by WM_CLASS with ``xwininfo``), is
   screenshot, and the picture shows a drawn window (light background, dark text);
6. ``dpkg -r`` removes it: no file of the package is left, ``/opt/mssante-companion`` is
   gone and ``mimeinfo.cache`` no longer names it; ``dpkg -P`` then forgets it entirely.

The app runs with a private ``HOME`` and ``MSSANTE_COMPANION_HOME``. Prints a JSON report.
Needs root (dpkg), ``Xvfb``, ``xwininfo`` (x11-utils) and PySide6 in the Python running it
(for the screenshot). One smoke test at a time per machine: a lock file serialises them.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from version import REPO, app_version

__all__ = ["SmokeFailure", "smoke_test"]

PACKAGE = "mssante-companion"
COMMAND = f"/usr/bin/{PACKAGE}"
WM_CLASS = PACKAGE  # QApplication's applicationName, the X11 WM_CLASS of its windows
MIMEINFO = Path("/usr/share/applications/mimeinfo.cache")
LOCK = Path(tempfile.gettempdir()) / f"{PACKAGE}-deb-smoke.lock"
DPKG_LOCK_WAIT = 180.0


class SmokeFailure(Exception):
    """A step of the smoke test failed; the message says which and why."""


def _sudo() -> list[str]:
    return [] if os.geteuid() == 0 else ["sudo", "-n"]


def _dpkg(*args: str) -> subprocess.CompletedProcess[str]:
    """Run dpkg, waiting while another apt/dpkg run holds the lock."""
    deadline = time.monotonic() + DPKG_LOCK_WAIT
    while True:
        result = subprocess.run(
            [*_sudo(), "dpkg", *args], capture_output=True, text=True, check=False
        )
        locked = "lock" in result.stderr and "dpkg" in result.stderr
        if result.returncode == 0 or not locked or time.monotonic() > deadline:
            return result
        time.sleep(2)


def _status(package: str) -> str:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True,
        check=False,
    )
    return result.stdout.strip() if result.returncode == 0 else "not-installed"


def _package_paths(deb: Path) -> list[str]:
    listing = subprocess.run(
        ["dpkg-deb", "--fsys-tarfile", str(deb)], capture_output=True, check=True
    ).stdout
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(listing)) as archive:
        return [
            "/" + member.name.lstrip("./")
            for member in archive.getmembers()
            if not member.isdir()
        ]


@contextlib.contextmanager
def _machine_lock() -> Iterator[None]:
    with LOCK.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _app_env(home: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key in ("PATH", "LANG", "LC_ALL", "TZ")
    }
    env.update(
        HOME=str(home),
        MSSANTE_COMPANION_HOME=str(home / "state"),
        XDG_RUNTIME_DIR=str(home / "runtime"),
        LANG=env.get("LANG", "C.UTF-8"),
    )
    (home / "runtime").mkdir(mode=0o700, exist_ok=True)
    env.update(extra)
    return env


def _stop(process: subprocess.Popen[bytes]) -> tuple[str, str]:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    out = process.stdout.read().decode(errors="replace") if process.stdout else ""
    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
    for stream in (process.stdout, process.stderr):
        if stream:
            stream.close()
    return out, err


def _check_layout() -> dict[str, object]:
    for path in (
        Path(COMMAND),
        Path(f"/opt/{PACKAGE}/{PACKAGE}"),
        Path(f"/usr/share/applications/{PACKAGE}.desktop"),
        Path(f"/usr/share/icons/hicolor/256x256/apps/{PACKAGE}.png"),
        Path(f"/usr/share/icons/hicolor/scalable/apps/{PACKAGE}.svg"),
        Path(f"/usr/lib/systemd/system/{PACKAGE}-spool.service"),
        Path(f"/usr/share/doc/{PACKAGE}/copyright"),
    ):
        if not path.exists():
            raise SmokeFailure(f"the installed package lacks {path}")
    desktop = Path(f"/usr/share/applications/{PACKAGE}.desktop").read_text(encoding="utf-8")
    if "x-scheme-handler/mailto;" not in desktop:
        raise SmokeFailure("the desktop entry does not declare the mailto: handler")
    wants = Path(f"/etc/systemd/system/multi-user.target.wants/{PACKAGE}-spool.service")
    if wants.is_symlink():
        raise SmokeFailure("installing enabled the spool's unit; only an admin should")
    report: dict[str, object] = {"layout": "ok"}
    if shutil.which("desktop-file-validate"):
        result = subprocess.run(
            ["desktop-file-validate", f"/usr/share/applications/{PACKAGE}.desktop"],
            capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise SmokeFailure(f"desktop-file-validate refuses the entry: {result.stdout}")
        report["desktop_file_validate"] = "ok"
    if shutil.which("update-desktop-database"):
        cache = MIMEINFO.read_text(encoding="utf-8") if MIMEINFO.exists() else ""
        if not re.search(rf"^x-scheme-handler/mailto=.*{PACKAGE}\.desktop", cache, re.M):
            raise SmokeFailure(
                "postinst did not register the mailto: handler in mimeinfo.cache"
            )
        report["mailto_registered"] = True
    return report


def _check_version() -> str:
    result = subprocess.run(
        [COMMAND, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    expected = f"{PACKAGE} {app_version()}"
    if result.returncode != 0 or result.stdout.strip() != expected:
        raise SmokeFailure(
            f"`{COMMAND} --version` printed {result.stdout.strip()!r} (exit "
            f"{result.returncode}, stderr {result.stderr.strip()!r}); expected {expected!r}"
        )
    return result.stdout.strip()


def _check_cli(home: Path) -> list[str]:
    """Run ``doctor --json``: every command module, pyscard and PyKCS11 load in the bundle."""
    result = subprocess.run(
        [COMMAND, "doctor", "--json"], env=_app_env(home), capture_output=True, text=True,
        timeout=180, check=False,
    )
    try:
        report = json.loads(result.stdout)
        names = [check["name"] for check in report["checks"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise SmokeFailure(
            f"`{PACKAGE} doctor --json` printed no diagnosis (exit {result.returncode}): "
            f"{result.stdout[-1000:]!r} {result.stderr[-2000:]!r}"
        ) from exc
    if "Traceback" in result.stderr:
        raise SmokeFailure(f"`{PACKAGE} doctor` crashed: {result.stderr[-2000:]}")
    return names


def _check_offscreen(home: Path, *args: str, seconds: float = 4.0) -> None:
    process = subprocess.Popen(
        [COMMAND, *args], env=_app_env(home, QT_QPA_PLATFORM="offscreen"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    time.sleep(seconds)
    still_running = process.poll() is None
    _out, err = _stop(process)
    if not still_running:
        raise SmokeFailure(
            f"the desktop app exited offscreen with status {process.returncode}: {err[-2000:]}"
        )
    if "Traceback" in err:
        raise SmokeFailure(f"the desktop app printed a traceback offscreen: {err[-2000:]}")


@contextlib.contextmanager
def _xvfb() -> Iterator[str]:
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24",
         "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    os.close(write_fd)
    try:
        ready, _, _ = select.select([read_fd], [], [], 30)
        number = os.read(read_fd, 64).decode().strip() if ready else ""
        if not number:
            raise SmokeFailure("Xvfb did not start within 30 s")
        yield f":{number}"
    finally:
        os.close(read_fd)
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            server.stderr.close()


def _find_window(display: str, timeout: float = 60.0) -> tuple[str, int, int, int, int]:
    """Return title, x, y, width, height of the app's top-level window, waiting for it.

    The window is told by its WM_CLASS (``mssante-companion``, the application name), not
    its title: the first window may be the sign-in prompt or the first-run assistant.
    Qt also maps 1x1 helper windows with the same class: the real one is the big one.
    """
    deadline = time.monotonic() + timeout
    pattern = re.compile(
        r'^\s*0x[0-9a-f]+ "([^"]*)": \("' + re.escape(WM_CLASS) + r'" "[^"]*"\)\s+'
        r"(\d+)x(\d+)\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)",
        re.M,
    )
    tree = ""
    while time.monotonic() < deadline:
        tree = subprocess.run(
            ["xwininfo", "-root", "-tree", "-display", display],
            capture_output=True, text=True, check=False,
        ).stdout
        for match in pattern.finditer(tree):
            width, height, x, y = (int(g) for g in match.groups()[1:])
            if width > 100 and height > 100:
                return match.group(1), x, y, width, height
        time.sleep(0.5)
    raise SmokeFailure(
        f"no {WM_CLASS} window appeared within {timeout:.0f} s; windows seen:\n{tree[-1500:]}"
    )


_GRAB = """
import sys
from PySide6.QtGui import QGuiApplication
app = QGuiApplication(sys.argv[:1])
x, y, w, h = (int(v) for v in sys.argv[2:6])
picture = app.primaryScreen().grabWindow(0, x, y, w, h).toImage()
if not picture.save(sys.argv[1], "PNG"):
    raise SystemExit("cannot write " + sys.argv[1])
# Sample a grid: the window's background is light, its text dark.
light = dark = 0
for i in range(0, w, 4):
    for j in range(0, h, 4):
        grey = picture.pixelColor(i, j).lightness()
        light += grey > 180
        dark += grey < 90
print(light, dark)
"""


def _screenshot(home: Path, target: Path) -> dict[str, object]:
    with _xvfb() as display:
        process = subprocess.Popen(
            [COMMAND],
            env=_app_env(home, DISPLAY=display, QT_QPA_PLATFORM="xcb"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        try:
            title, x, y, width, height = _find_window(display)
            time.sleep(1.0)  # let the first paint land
            target.parent.mkdir(parents=True, exist_ok=True)
            grab = subprocess.run(
                [sys.executable, "-c", _GRAB, str(target), str(x), str(y), str(width),
                 str(height)],
                env=_app_env(home, DISPLAY=display, QT_QPA_PLATFORM="xcb"),
                capture_output=True, text=True, timeout=60, check=False,
            )
        finally:
            alive = process.poll() is None
            _out, err = _stop(process)
        if not alive:
            raise SmokeFailure(f"the desktop app died under Xvfb: {err[-2000:]}")
        if grab.returncode != 0:
            raise SmokeFailure(f"the screenshot failed: {grab.stderr.strip()[-2000:]}")
    light, dark = (int(v) for v in grab.stdout.split())
    samples = max(1, ((width + 3) // 4) * ((height + 3) // 4))
    if light < samples // 2 or dark == 0:
        raise SmokeFailure(
            f"the screenshot {target} does not show a drawn window "
            f"({light} light and {dark} dark of {samples} samples)"
        )
    return {
        "screenshot": str(target),
        "window_title": title,
        "window": [width, height],
        "dark_samples": dark,
    }


def _remove(deb_paths: list[str]) -> dict[str, object]:
    result = _dpkg("-r", PACKAGE)
    if result.returncode != 0:
        raise SmokeFailure(f"dpkg -r failed: {result.stderr.strip()}")
    status = _status(PACKAGE)
    if "installed" in status and "not-installed" not in status:
        raise SmokeFailure(f"after dpkg -r the package is still {status!r}")
    left = [p for p in deb_paths if os.path.lexists(p)]
    for directory in (f"/opt/{PACKAGE}", f"/usr/share/doc/{PACKAGE}"):
        if os.path.lexists(directory):
            left.append(directory)
    if left:
        raise SmokeFailure(f"dpkg -r left {len(left)} files behind, e.g. {left[:5]}")
    if MIMEINFO.exists() and f"{PACKAGE}.desktop" in MIMEINFO.read_text(encoding="utf-8"):
        raise SmokeFailure("postrm left the app in mimeinfo.cache")
    # postrm stays registered ("config-files") until purge; purge leaves nothing at all.
    result = _dpkg("-P", PACKAGE)
    if result.returncode != 0:
        raise SmokeFailure(f"dpkg -P failed: {result.stderr.strip()}")
    purged = _status(PACKAGE)
    if "not-installed" not in purged:
        raise SmokeFailure(f"after dpkg -P the package is still {purged!r}")
    return {"removed": True, "status_after_remove": status, "status_after_purge": purged}


def smoke_test(deb: Path, screenshot: Path) -> dict[str, object]:
    """Run every step on ``deb``; return the report. Raises :class:`SmokeFailure`."""
    if not deb.is_file():
        raise SmokeFailure(f"no package at {deb}")
    for tool in ("Xvfb", "xwininfo", "dpkg"):
        if shutil.which(tool) is None:
            raise SmokeFailure(f"{tool} is missing: run sandbox/install-system-packages.sh")
    if os.geteuid() != 0 and shutil.which("sudo") is None:
        raise SmokeFailure("installing a .deb needs root: run as root or with sudo")
    report: dict[str, object] = {"deb": str(deb)}
    paths = _package_paths(deb)
    with _machine_lock():
        before = _status(PACKAGE)
        if "ok installed" in before:
            raise SmokeFailure(
                f"{PACKAGE} is already installed here; remove it (dpkg -r {PACKAGE}) first so "
                "the test can prove a clean install and removal"
            )
        started = time.monotonic()
        result = _dpkg("-i", str(deb))
        try:
            if result.returncode != 0:
                raise SmokeFailure(f"dpkg -i failed: {result.stderr.strip()[-2000:]}")
            report["install_seconds"] = round(time.monotonic() - started, 1)
            report.update(_check_layout())
            report["version"] = _check_version()
            with tempfile.TemporaryDirectory(prefix="deb-smoke-home-") as home:
                report["doctor_checks"] = _check_cli(Path(home))
                _check_offscreen(Path(home))
                report["offscreen"] = "ok"
                # What the desktop entry runs for a clicked link (Exec=... %u).
                _check_offscreen(Path(home), "mailto:claire.dubois@clinique.mssante.fr")
                report["mailto_link_opens_app"] = True
                report.update(_screenshot(Path(home), screenshot))
        finally:
            if "ok installed" in _status(PACKAGE) or "half" in _status(PACKAGE):
                report.update(_remove(paths))
            else:
                _dpkg("-P", PACKAGE)
    return report


def main(argv: list[str] | None = None) -> int:
    """Run the smoke test; print the JSON report; exit 1 with the reason on failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "deb", type=Path, nargs="?", help="default: the package `build_linux.py deb` writes"
    )
    parser.add_argument(
        "--screenshot", type=Path,
        default=REPO / ".test-artifacts" / "packaging" / "first-window.png",
    )
    args = parser.parse_args(argv)
    if args.deb is None:
        from build_linux import deb_path

        args.deb = deb_path(REPO / "dist")
    try:
        report = smoke_test(args.deb, args.screenshot.resolve())
    except SmokeFailure as exc:
        print(f"deb smoke test failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
