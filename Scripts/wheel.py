"""Writes the platform wheel of the Python package with the rnntop binary inside.

    python3 Scripts/wheel.py BINARY PACKAGE_FOLDER SHARE_FOLDER OUT_FOLDER

The wheel holds the package's modules (PACKAGE_FOLDER/src/rnntop), the binary as
``rnntop/_bin/rnntop`` with the files it ships beside it (SHARE_FOLDER's, as
``rnntop/_bin/share/...``: the lessons' texts, the reference cases of ``rnntop
verify``), and the ``rnntop`` command, which runs it. Its tag says the
oldest glibc the binary runs on (``manylinux_2_X_x86_64``, X read from the symbol
versions it needs), so that pip refuses it where it would not start. Standard library
only, so that it runs wherever Scripts/package.sh does; the metadata comes from
pyproject.toml, the one place it is written.
"""

from __future__ import annotations

import base64
import hashlib
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path


def glibc_tag(binary: Path) -> str:
    """The manylinux tag of the newest glibc symbol version the binary needs."""
    symbols = subprocess.run(["objdump", "-T", str(binary)], check=True, capture_output=True, text=True).stdout
    versions = {tuple(map(int, v)) for v in re.findall(r"GLIBC_(\d+)\.(\d+)", symbols)}
    major, minor = max(versions)
    return f"manylinux_{major}_{minor}_x86_64"


def metadata(project: dict, readme: str) -> str:
    """METADATA (core metadata 2.1) from pyproject.toml's [project] table."""
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project['description']}",
        f"Requires-Python: {project['requires-python']}",
    ]
    lines += [f"Requires-Dist: {requirement}" for requirement in project.get("dependencies", [])]
    for extra, requirements in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {requirement}; extra == "{extra}"' for requirement in requirements]
    lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + readme


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(binary: Path, package: Path, share: Path, out: Path) -> Path:
    project = tomllib.loads((package / "pyproject.toml").read_text())["project"]
    version = subprocess.run([str(binary), "--version"], check=True, capture_output=True, text=True).stdout.strip()
    if version != project["version"]:
        sys.exit(f"wheel: the binary is rnntop {version} but pyproject.toml says {project['version']}: build them from one checkout")
    name, tag = project["name"], glibc_tag(binary)
    dist_info = f"{name}-{version}.dist-info"
    scripts = "".join(f"{command} = {target}\n" for command, target in project.get("scripts", {}).items())
    files: list[tuple[str, bytes, int]] = [
        (f"rnntop/{source.name}", source.read_bytes(), 0o644)
        for source in sorted((package / "src" / "rnntop").iterdir())
        if source.suffix == ".py" or source.name == "py.typed"
    ]
    files.append(("rnntop/_bin/rnntop", binary.read_bytes(), 0o755))
    files += [
        (f"rnntop/_bin/share/{source.relative_to(share).as_posix()}", source.read_bytes(), 0o644)
        for source in sorted(share.rglob("*"))
        if source.is_file()
    ]
    files.append((f"{dist_info}/METADATA", metadata(project, (package / project["readme"]).read_text()).encode(), 0o644))
    wheel = f"Wheel-Version: 1.0\nGenerator: rnntop Scripts/wheel.py\nRoot-Is-Purelib: false\nTag: py3-none-{tag}\n"
    files.append((f"{dist_info}/WHEEL", wheel.encode(), 0o644))
    files.append((f"{dist_info}/entry_points.txt", f"[console_scripts]\n{scripts}".encode(), 0o644))
    record = "".join(record_line(path, data) + "\n" for path, data, _ in files) + f"{dist_info}/RECORD,,\n"
    files.append((f"{dist_info}/RECORD", record.encode(), 0o644))

    path = out / f"{name}-{version}-py3-none-{tag}.whl"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name_in_wheel, data, mode in files:
            entry = zipfile.ZipInfo(name_in_wheel, date_time=(2026, 1, 1, 0, 0, 0))
            entry.external_attr = (0o100000 | mode) << 16  # a regular file, and pip keeps the x bit
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return path


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    print(write_wheel(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])))
