"""Build the Linux deliverables: the PyInstaller bundle, a ``.deb`` and a ``.tar.gz``.

    python packaging/build_linux.py all        # bundle + deb + tarball into dist/
    python packaging/build_linux.py bundle     # dist/mssante-companion/ only
    python packaging/build_linux.py deb        # from an existing bundle
    python packaging/build_linux.py tarball    # from an existing bundle

Run it with the project's venv (``make package`` does): PyInstaller (the ``packaging``
extra) and PySide6 (icon rendering) come from there. The ``.deb`` installs the bundle in
``/opt/mssante-companion``, the command ``/usr/bin/mssante-companion``, a desktop entry that
handles ``mailto:`` links, the icon in the hicolor theme, the spool's systemd unit (disabled:
an admin enables it for an applicative mailbox), the licence in ``copyright``; ``Depends``
lists ``pcscd`` and the Debian packages owning every system library the bundle links to
(found with ``ldd`` and ``dpkg -S``, so it follows what PyInstaller really left out).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_icons import ICON_NAME, render_icons
from version import REPO, app_version, deb_version

__all__ = [
    "APP_ID",
    "build_bundle",
    "build_deb",
    "build_tarball",
    "copyright_text",
    "deb_path",
    "render_control",
    "system_depends",
]

APP_ID = "mssante-companion"
INSTALL_DIR = f"/opt/{APP_ID}"
LINUX = Path(__file__).resolve().parent / "linux"
SYSTEMD = Path(__file__).resolve().parent / "systemd"
SPOOL_UNIT = f"{APP_ID}-spool.service"
# The systemd search path that packages own (/etc/systemd/system is the admin's).
UNIT_DIR = "/usr/lib/systemd/system"
SPEC = Path(__file__).resolve().parent / f"{APP_ID}.spec"
DEFAULT_MAINTAINER = "Compagnon MSSanté developers <packaging@mssante-companion.invalid>"
# Needed whatever the link tables say: the smart-card daemon (pyscard, which
# watches the readers, talks to it) and its client library, which pyscard loads with dlopen.
BASE_DEPENDS = ("pcscd", "libpcsclite1")
MAINTAINER_SCRIPTS = ("postinst", "prerm", "postrm")


def _run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    print("+", " ".join(cmd), flush=True)
    return subprocess.run(cmd, check=True, text=True, **kwargs)  # type: ignore[call-overload]


def build_bundle(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; return the one-folder bundle directory.

    (The Linux bundle carries no icon of its own: the .deb installs it in the icon theme.)
    """
    _run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
            "--log-level", "WARN", "--distpath", str(dist), "--workpath", str(work),
            str(SPEC),
        ],
        cwd=REPO,
    )
    bundle = dist / APP_ID
    if not (bundle / APP_ID).is_file():
        raise SystemExit(f"PyInstaller left no executable at {bundle / APP_ID}")
    return bundle


def _elf_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    yield path


def _library_dirs(bundle: Path) -> list[Path]:
    """Directories that PyInstaller's bootloader puts on the library path at run time."""
    internal = bundle / "_internal"
    return [internal, *sorted({p.parent for p in internal.rglob("*.so*")})]


def _external_libraries(bundle: Path) -> set[str]:
    """Return the system paths of libraries the bundle's ELF files link to."""
    bundle = bundle.resolve()
    env = dict(os.environ)
    env["LD_LIBRARY_PATH"] = ":".join(str(d) for d in _library_dirs(bundle))
    external: set[str] = set()
    missing: dict[str, str] = {}
    for elf in _elf_files(bundle):
        result = subprocess.run(
            ["ldd", str(elf)], capture_output=True, text=True, env=env, check=False
        )
        for line in result.stdout.splitlines():
            match = re.match(r"\s*(\S+) => (not found|(/\S+))", line)
            if match is None:
                continue
            if match.group(2) == "not found":
                missing.setdefault(match.group(1), elf.name)
            elif not os.path.normpath(match.group(3)).startswith(f"{bundle}{os.sep}"):
                external.add(match.group(3))
    if missing:
        names = ", ".join(f"{lib} (for {who})" for lib, who in sorted(missing.items()))
        raise SystemExit(
            f"the bundle needs libraries missing on this build machine: {names}; install "
            "them (sandbox/install-system-packages.sh) and build again"
        )
    return external


def _owning_package(path: str) -> str:
    """Return the Debian package owning ``path`` (usrmerge: try /usr/lib and /lib)."""
    candidates = [path, os.path.realpath(path)]
    for candidate in list(candidates):
        if candidate.startswith("/usr/lib/"):
            candidates.append(candidate[len("/usr"):])
        elif candidate.startswith("/lib"):
            candidates.append("/usr" + candidate)
    for candidate in candidates:
        result = subprocess.run(
            ["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].split(",")[0].strip()
    raise SystemExit(f"no Debian package owns {path}; cannot write the .deb Depends")


def _upstream_version(package: str) -> str:
    result = _run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True)
    return re.split(r"[-+~]", result.stdout.split(":")[-1], maxsplit=1)[0]


def system_depends(bundle: Path) -> list[str]:
    """Return the ``Depends`` entries: pcscd plus the owners of linked system libraries."""
    packages = {_owning_package(lib) for lib in _external_libraries(bundle)}
    packages.update(BASE_DEPENDS)
    depends = []
    for package in sorted(packages):
        if package == "libc6":
            # The bundle was linked against this machine's glibc: older ones cannot run it.
            depends.append(f"libc6 (>= {_upstream_version('libc6')})")
        else:
            depends.append(package)
    return depends


def render_control(
    *, version: str, arch: str, maintainer: str, installed_size_kib: int, depends: list[str]
) -> str:
    """Return ``DEBIAN/control`` from ``packaging/linux/control.in``, every field filled."""
    control = (LINUX / "control.in").read_text(encoding="utf-8")
    for key, value in {
        "@VERSION@": version,
        "@ARCH@": arch,
        "@MAINTAINER@": maintainer,
        "@INSTALLED_SIZE@": str(installed_size_kib),
        "@DEPENDS@": ", ".join(depends),
    }.items():
        control = control.replace(key, value)
    left = re.findall(r"@[A-Z_]+@", control)
    if left:
        raise ValueError(f"control.in has placeholders that nothing fills: {left}")
    return control


def copyright_text() -> str:
    """Return ``/usr/share/doc/<package>/copyright``: ``packaging/linux/copyright`` followed
    by a stand-alone ``License: EUPL-1.2`` paragraph holding the whole of ``LICENSE``.

    Debian policy 12.5 wants the complete licence text in the package unless it is one of
    ``/usr/share/common-licenses``, and the EUPL is not; the machine-readable format puts
    it in a paragraph of its own, each line indented by one space, blank lines as `` .``.
    """
    header = (LINUX / "copyright").read_text(encoding="utf-8").rstrip("\n")
    licence = (REPO / "LICENSE").read_text(encoding="utf-8").strip("\n")
    body = "\n".join(f" {line.rstrip()}" if line.strip() else " ." for line in
                     licence.splitlines())
    return f"{header}\n\nLicense: EUPL-1.2\n{body}\n"


def _deb_arch() -> str:
    return _run(["dpkg", "--print-architecture"], capture_output=True).stdout.strip()


def deb_path(out: Path, version: str | None = None) -> Path:
    """Return where :func:`build_deb` writes the package."""
    version = deb_version(version or app_version())
    return out / f"{APP_ID}_{version}_{_deb_arch()}.deb"


_SHARED_OBJECT = re.compile(r"\.so(\.\d+)*$")


def _normalise_modes(root: Path) -> None:
    # Debian policy 10.9: directories 755, files 644, executables 755, whatever the umask
    # of the build machine was; shared libraries are not executables (policy 8.1).
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir():
            path.chmod(0o755)
        elif _SHARED_OBJECT.search(path.name):
            path.chmod(0o644)
        else:
            path.chmod(0o755 if path.stat().st_mode & 0o111 else 0o644)


def _changelog(version: str, maintainer: str) -> bytes:
    """Return ``changelog.gz`` (Debian policy 12.7), pointing at the project's history."""
    import gzip
    from email.utils import formatdate

    text = (
        f"{APP_ID} ({version}) stable; urgency=medium\n\n"
        f"  * Release {version}; see the project's history for the changes.\n\n"
        f" -- {maintainer}  {formatdate(localtime=False)}\n"
    )
    return gzip.compress(text.encode("utf-8"), mtime=0)


def build_deb(
    bundle: Path,
    out: Path,
    maintainer: str = DEFAULT_MAINTAINER,
    compression: str = "zstd",
    stage_root: Path | None = None,
) -> Path:
    """Lay out the package tree around ``bundle`` and build it with ``dpkg-deb``.

    ``compression`` is ``zstd`` (default: five times faster to build than xz on two cores;
    read by dpkg >= 1.21.18, that is Debian 12 and Ubuntu 23.04 on, which the glibc floor
    of the bundle requires anyway) or ``xz`` (about 20% smaller, any dpkg).
    """
    version = app_version()
    stage = (stage_root or REPO / "build" / "deb") / APP_ID
    if stage.exists():
        shutil.rmtree(stage)
    root_install = stage / INSTALL_DIR.lstrip("/")
    shutil.copytree(bundle, root_install, symlinks=True)
    (stage / "usr" / "bin").mkdir(parents=True)
    (stage / "usr" / "bin" / APP_ID).symlink_to(f"{INSTALL_DIR}/{APP_ID}")
    applications = stage / "usr" / "share" / "applications"
    applications.mkdir(parents=True)
    shutil.copy2(LINUX / f"{APP_ID}.desktop", applications / f"{APP_ID}.desktop")
    icons = render_icons(stage.parent / "icons")
    for size, png in icons.items():
        target = stage / "usr/share/icons/hicolor" / f"{size}x{size}" / "apps" / png.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(png, target)
    scalable = stage / "usr/share/icons/hicolor/scalable/apps" / f"{ICON_NAME}.svg"
    scalable.parent.mkdir(parents=True)
    shutil.copy2(REPO / "resources" / "icons" / f"{ICON_NAME}.svg", scalable)
    # Installed, not enabled: the spool serves an applicative mailbox, which only an admin
    # sets up (profile, certificate, secrets), then `systemctl enable --now`.
    units = stage / UNIT_DIR.lstrip("/")
    units.mkdir(parents=True)
    shutil.copy2(SYSTEMD / SPOOL_UNIT, units / SPOOL_UNIT)
    doc = stage / "usr" / "share" / "doc" / APP_ID
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_text(), encoding="utf-8")
    (doc / "changelog.gz").write_bytes(_changelog(deb_version(version), maintainer))

    control_dir = stage / "DEBIAN"
    control_dir.mkdir()
    md5sums = []
    for path in sorted(stage.rglob("*")):
        if path.is_file() and not path.is_symlink() and control_dir not in path.parents:
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            md5sums.append(f"{digest}  {path.relative_to(stage)}\n")
    (control_dir / "md5sums").write_text("".join(md5sums), encoding="utf-8")
    size_kib = sum(
        p.lstat().st_size for p in stage.rglob("*") if p.is_file() and not p.is_symlink()
    ) // 1024
    control = render_control(
        version=deb_version(version),
        arch=_deb_arch(),
        maintainer=maintainer,
        installed_size_kib=size_kib,
        depends=system_depends(bundle),
    )
    (control_dir / "control").write_text(control, encoding="utf-8")
    for script in MAINTAINER_SCRIPTS:
        shutil.copy2(LINUX / script, control_dir / script)
    _normalise_modes(stage)

    out.mkdir(parents=True, exist_ok=True)
    target = deb_path(out, version)
    level = {"zstd": "-z9", "xz": "-z6"}[compression]
    _run(
        [
            "dpkg-deb", "--root-owner-group", f"-Z{compression}", level,
            "--build", str(stage), str(target),
        ]
    )
    return target


def build_tarball(bundle: Path, out: Path) -> Path:
    """Write ``mssante-companion-<version>-linux-<arch>.tar.gz`` holding the bundle."""
    version = app_version()
    arch = os.uname().machine
    top = f"{APP_ID}-{version}"
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{top}-linux-{arch}.tar.gz"

    def _clean(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        archive.add(bundle, arcname=top, filter=_clean)
        desktop = LINUX / f"{APP_ID}.desktop"
        archive.add(desktop, arcname=f"{top}/share/{desktop.name}", filter=_clean)
        svg = REPO / "resources" / "icons" / f"{ICON_NAME}.svg"
        archive.add(svg, arcname=f"{top}/share/{svg.name}", filter=_clean)
        archive.add(SYSTEMD / SPOOL_UNIT, arcname=f"{top}/share/{SPOOL_UNIT}", filter=_clean)
        archive.add(REPO / "LICENSE", arcname=f"{top}/LICENSE", filter=_clean)
    return target


def main(argv: list[str] | None = None) -> int:
    """Build what the command names; print the paths written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["all", "bundle", "deb", "tarball"])
    parser.add_argument("--dist", type=Path, default=REPO / "dist")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "pyinstaller")
    parser.add_argument("--maintainer", default=DEFAULT_MAINTAINER)
    parser.add_argument("--compression", choices=["zstd", "xz"], default="zstd")
    args = parser.parse_args(argv)
    args.dist, args.work = args.dist.resolve(), args.work.resolve()
    bundle = args.dist / APP_ID
    if args.what in ("all", "bundle"):
        bundle = build_bundle(args.dist, args.work)
        print(bundle)
    elif not (bundle / APP_ID).is_file():
        raise SystemExit(f"no bundle at {bundle}: run `build_linux.py bundle` first")
    if args.what in ("all", "deb"):
        print(
            build_deb(
                bundle, args.dist, args.maintainer, args.compression, stage_root=args.work / "deb"
            )
        )
    if args.what in ("all", "tarball"):
        print(build_tarball(bundle, args.dist))
    return 0


if __name__ == "__main__":
    sys.exit(main())
