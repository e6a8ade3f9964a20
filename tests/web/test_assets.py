"""The viewer's Cesium build: pinned, found, and a missing one refused with the fix."""

from __future__ import annotations

import json

import pytest

from thaadsim.errors import ThaadsimError
from thaadsim.web import assets


def test_cesium_is_pinned_exactly():
    """package.json pins one version and package-lock.json holds that version (npm ci installs it)."""
    package = json.loads((assets.PROJECT_ROOT / "package.json").read_text())
    lock = json.loads((assets.PROJECT_ROOT / "package-lock.json").read_text())
    version = package["dependencies"]["cesium"]
    assert version[0].isdigit() and version.count(".") == 2  # no range
    assert lock["packages"]["node_modules/cesium"]["version"] == version


def test_a_folder_without_the_build_is_not_ready_and_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv(assets.ENV, str(tmp_path))
    assert assets.cesium_dir() == tmp_path and not assets.cesium_ready()
    (tmp_path / "Cesium.js").write_text("")
    (tmp_path / "Widgets").mkdir()
    (tmp_path / "Widgets" / "widgets.css").write_text("")
    assert not assets.cesium_ready()  # no NaturalEarthII imagery: the globe would need the network
    with pytest.raises(ThaadsimError, match="THAADSIM_CESIUM_DIR: .* holds no Cesium build"):
        assets.ensure_cesium(echo=lambda line: None)
    imagery = tmp_path / "Assets" / "Textures" / "NaturalEarthII"
    imagery.mkdir(parents=True)
    (imagery / "tilemapresource.xml").write_text("")
    assert assets.ensure_cesium(echo=lambda line: None) == tmp_path
