"""The Docker image carries every package the project installs (a missing COPY only shows up
when someone runs the command that needs it, in production)."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT


def test_the_dockerfile_copies_every_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    copied = set(re.findall(r"^COPY (\w+) \./\1$", (ROOT / "Dockerfile").read_text(), re.M))
    assert packages <= copied, f"not copied into the image: {sorted(packages - copied)}"


def test_mypy_checks_every_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    packages = {p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]}
    assert packages <= set(project["tool"]["mypy"]["packages"])


def test_the_layers_contract_names_every_top_level_package() -> None:
    """A new package outside the contract would escape `lint-imports` altogether."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    linter = project["tool"]["importlinter"]
    on_disk = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    (layers,) = [c["layers"] for c in linter["contracts"] if c["type"] == "layers"]
    named = {name.strip() for layer in layers for name in layer.split("|")}
    assert on_disk == set(linter["root_packages"]) == named
    assert not any("ignore_imports" in c for c in linter["contracts"])
