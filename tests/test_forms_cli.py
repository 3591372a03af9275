"""`releve forms import|export` alongside a running `serve`: the mapping and the unmapped cells
printed, --apply storing the fields, the export re-importing to the same fields."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.factories import campaign_body
from tests.test_cli import Served, create_admin, run_releve, served

__all__ = ["served"]
FORMS = Path(__file__).parent / "forms" / "xlsforms"


def test_forms_import_apply_and_export(served: Served, tmp_path: Path) -> None:
    headers = create_admin(served, "formes")
    url = f"{served.base_url}/api/v1/campaigns"
    created = httpx.post(url, json=campaign_body(), headers=headers, timeout=10)
    assert created.status_code == 201, created.text
    data_dir = served.cluster.data_dir
    preview = run_releve(data_dir, "forms", "import", "arbres", str(FORMS / "pyxform_loop.xlsx"))
    assert preview.returncode == 0, preview.stderr
    assert "survey!3 type [loop_toilet_types]: Question type 'begin loop over toilet_type'" in (
        preview.stdout
    )
    basic = str(FORMS / "pyxform_text_and_integer.xlsx")
    applied = run_releve(data_dir, "forms", "import", "arbres", basic, "--apply")
    assert applied.returncode == 0, applied.stderr
    assert "Campaign 'arbres': 2 fields stored." in applied.stdout
    stored = httpx.get(f"{url}/arbres", headers=headers, timeout=10).json()["fields"]
    assert [f["name"] for f in stored] == ["your_name", "your_age"]
    out = tmp_path / "arbres.xlsx"
    exported = run_releve(data_dir, "forms", "export", "arbres", str(out))
    assert exported.returncode == 0, exported.stderr
    again = run_releve(data_dir, "forms", "import", "arbres", str(out))
    assert again.returncode == 0 and "0 cells not mapped:" in again.stdout, again.stdout
    bad = run_releve(data_dir, "forms", "import", "arbres", str(FORMS / "SOURCES.md"))
    assert bad.returncode == 1 and "could not be read as an XLSForm" in bad.stderr
