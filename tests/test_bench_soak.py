"""The soak benchmark runs end to end and reports what it measured (a short, typed-only run)."""

from __future__ import annotations

import json
from pathlib import Path

from bench import soak


def test_a_short_soak_writes_its_table_and_json(tmp_path: Path, capsys) -> None:
    assert (
        soak.main(
            ["--hours", "0.1", "--turns-per-hour", "200", "--voice-every", "0", "--samples", "4"]
            + ["--out", str(tmp_path)]
        )
        == 0
    )
    report = json.loads((tmp_path / "soak.json").read_text(encoding="utf-8"))
    assert report["turns"] == 20
    assert report["errors"] == []
    assert report["history_rows"] == 20  # every turn went through the app's own history log
    assert report["represented_hours"] > 0
    samples = report["samples"]
    assert samples[0]["turn"] == 0 and samples[-1]["turn"] == 20
    assert all(s["rss_mb"] > 0 for s in samples)
    table = (tmp_path / "soak.md").read_text(encoding="utf-8")
    assert "RSS over represented time" in table
    assert table.strip() in capsys.readouterr().out


def test_bad_settings_are_one_line_and_exit_2(capsys) -> None:
    import pytest

    with pytest.raises(SystemExit) as stopped:
        soak.main(["--hours", "inf"])
    assert stopped.value.code == 2
    assert "must be positive" in capsys.readouterr().err
