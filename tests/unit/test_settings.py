"""pipelines.settings: where the stack keeps its state when the environment does not say."""

from __future__ import annotations

from pipelines import settings


def test_dagster_home_defaults_to_the_data_folder_with_the_projects_instance_settings(tmp_path, monkeypatch):
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("ANIMATEUR_DATA_DIR", str(tmp_path / "data"))
    home = settings.ensure_dagster_home()
    assert home == tmp_path / "data" / "dagster"
    assert (home / "dagster.yaml").read_text() == (settings.REPO_ROOT / "data" / "dagster" / "dagster.yaml").read_text()
    assert "telemetry" in (home / "dagster.yaml").read_text()
    import os

    assert os.environ["DAGSTER_HOME"] == str(home)


def test_a_dagster_home_set_by_the_environment_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "elsewhere"))
    assert settings.ensure_dagster_home() == tmp_path / "elsewhere"
    assert not (tmp_path / "elsewhere").exists()  # nothing written there
