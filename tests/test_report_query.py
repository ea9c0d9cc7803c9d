"""A national figure NOMIS has no value for shows the public query that would fetch it."""

from __future__ import annotations

from pathlib import Path

from lednet.report.build import build_reports

from . import golden_workspace

RICHMONDSHIRE = "E07000166"  # its APS employment rate is suppressed in the golden fixture


def test_missing_national_figure_shows_its_nomis_query(tmp_path: Path) -> None:
    workspace = golden_workspace.build(tmp_path)
    result = build_reports(workspace, 2012, authorities=[RICHMONDSHIRE], formats=["html"],
                           out_dir=tmp_path / "out")
    html = result.paths[0].read_text(encoding="utf-8")
    assert ("No figure for Richmondshire; the NOMIS query that would fetch it: <span "
            'class="url">https://www.nomisweb.co.uk/api/v01/dataset/NM_17_5.data.csv?'
            "geography=E07000166&amp;date=2011-12&amp;variable=45&amp;measures=20599,21003"
            ) in html
