"""`service.py check` validates the catalogue named by ONEVISIT_DEFINITIONS_DIR and
lists every matter whose main path needs more than one visit, as computed from
its state machine."""

import shutil

import yaml

from tests.support import run_cli
from workflows.catalogue import DEFAULT_DIR

OVER_ONE = "以下事项主流程需到现场超过 1 次"


def over_one_visit(stdout: str) -> list[str]:
    """The matter codes listed under the 'more than one visit' heading."""
    if OVER_ONE not in stdout:
        return []
    return [line.split()[0] for line in stdout.split(OVER_ONE, 1)[1].splitlines()[1:] if line.startswith("  ")]


def test_the_seed_catalogue_passes_and_names_the_port_licence_as_needing_two_visits():
    result = run_cli("check", env={"ONEVISIT_DEFINITIONS_DIR": str(DEFAULT_DIR)})

    assert result.returncode == 0, result.stderr
    assert over_one_visit(result.stdout) == ["port-operation-licence"]
    assert "至少需到现场 2 次" in result.stdout


def test_a_matter_edited_to_need_two_visits_is_listed_too(tmp_path):
    shutil.copytree(DEFAULT_DIR, tmp_path / "definitions")
    path = tmp_path / "definitions" / "road-freight-licence.yaml"
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    d["application_channels"], d["delivery_methods"] = ["window"], ["window"]
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")

    result = run_cli("check", env={"ONEVISIT_DEFINITIONS_DIR": str(tmp_path / "definitions")})

    assert result.returncode == 0, result.stderr
    assert sorted(over_one_visit(result.stdout)) == ["port-operation-licence", "road-freight-licence"]


def test_a_bad_catalogue_exits_non_zero_naming_the_file_field_and_rule(tmp_path):
    shutil.copytree(DEFAULT_DIR, tmp_path / "definitions")
    path = tmp_path / "definitions" / "road-freight-licence.yaml"
    d = yaml.safe_load(path.read_text(encoding="utf-8"))
    d["limits"]["promised_days"] = 30
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")

    result = run_cli("check", env={"ONEVISIT_DEFINITIONS_DIR": str(tmp_path / "definitions")})

    assert result.returncode != 0
    out = " ".join((result.stdout + result.stderr).split())  # undo the console's line wrapping
    assert "road-freight-licence.yaml" in out
    assert "limits.promised_days" in out and "承诺办结时限不得超过法定办结时限" in out
