"""Run folders between tasks: a local folder or a URL, the run the same either way."""

from __future__ import annotations

from conftest import SAMPLE_ARTICLE


def test_staging_through_object_storage_by_url(workspace, tmp_path, gold):
    """WARLEDGER_STAGING as a URL: run folders go through Airflow's ObjectStoragePath, the run is the same."""
    from dataclasses import replace

    from airflow.sdk import ObjectStoragePath

    from conftest import query
    from transforms.reading import staging
    from transforms.stages.pipeline import run

    cfg = replace(workspace, staging=f"file://{tmp_path}/shared-staging")
    folder = staging.run_dir(cfg.staging, "by_url")
    assert isinstance(folder, ObjectStoragePath)
    result = run(SAMPLE_ARTICLE, cfg, "by_url")
    assert result.loaded["casualty_figures"] == len(gold["casualty_figures"])
    # the run folder is the run id's slug and a hash of it, under the URL's path
    assert folder.name.startswith("by_url.") and folder.path.startswith(str(tmp_path / "shared-staging"))
    assert (tmp_path / "shared-staging" / folder.name / "batch_00000" / staging.FIGURES).exists()
    assert len(query(cfg.warehouse, "SELECT * FROM casualty_figures")) == len(gold["casualty_figures"])

