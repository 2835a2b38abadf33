"""Every rule a matter definition must keep, each broken by one bad file.

Each bad file is a real seed definition with exactly one change, written under
its own name; loading it must fail with an error that names the file, the
field path and the rule. A bad file stops start-up.
"""

from pathlib import Path

import pytest
import yaml

from workflows.bootstrap import load_office
from workflows.catalogue import DEFAULT_DIR, CatalogueError, load_catalogue, parse_definition
from workflows.errors import DefinitionError


def seed(code: str) -> dict:
    return yaml.safe_load((DEFAULT_DIR / f"{code}.yaml").read_text(encoding="utf-8"))


def material_index(d: dict, material_id: str) -> int:
    return next(i for i, m in enumerate(d["materials"]) if m["id"] == material_id)


# ---- the breakages -----------------------------------------------------------------------

def promised_over_legal(d):
    d["limits"]["promised_days"] = d["limits"]["legal_days"] + 5


def tolerance_longer_than_promised(d):
    d["materials"][material_index(d, "vehicle_grade_copies")]["tolerance"]["days"] = d["limits"]["promised_days"] + 1


def tolerance_on_a_material_that_proves_a_condition(d):
    """安全生产管理制度文本 proves 有健全的安全生产管理制度 (the fifth condition): never 容缺."""
    d["materials"][material_index(d, "safety_rules")]["tolerance"] = {"days": 3, "channels": ["post"]}


def condition_proven_by_an_unknown_material(d):
    d["acceptance_conditions"][4]["proven_by"] = ["safety_manual"]


def condition_proven_by_the_same_material_twice(d):
    d["acceptance_conditions"][3]["proven_by"] = ["driver_documents", "driver_documents"]


def condition_as_a_bare_sentence(d):
    """The shape before conditions named their materials: a file must now write `text:`."""
    d["acceptance_conditions"][0] = d["acceptance_conditions"][0]["text"]


def blank_branch_heading(d):
    d["materials"][material_index(d, "vehicle_commitment")]["condition"]["when"] = "  "


def duplicate_keyword(d):
    d["keywords"] = ["货运", "普货", "货运"]


def immediate_waits_for_someone(d):
    d["steps"][0]["waits_for"] = "external"


def immediate_with_special_procedure(d):
    d["special_procedures"] = [{"id": "inspection", "name": "现场核查", "kind": "现场勘验", "during_step": "check",
                                "max_days": 3}]


def step_role_not_declared(d):
    d["steps"][0]["role"] = "inspector"


def role_that_does_not_exist(d):
    d["roles"].append("inspector")


def lifecycle_role_not_declared(d):
    d["lifecycle"] = {"decide": "auditor"}


def duplicate_material_id(d):
    d["materials"][1]["id"] = d["materials"][0]["id"]


def condition_on_unknown_field(d):
    d["materials"][material_index(d, "outline_drawing")]["condition"]["any_of"][0]["field"] = "height_cm"


def precondition_on_unknown_field(d):
    d["preconditions"][0]["field"] = "exam_score"


def fee_charged_without_items(d):
    d["fees"] = {"charged": True}


def fee_with_blank_amount(d):
    d["fees"] = {"charged": True, "items": [{"name": "工本费", "amount": "  ", "basis": "浙价费〔2017〕1号"}]}


def fees_left_out(d):
    del d["fees"]


def unknown_top_level_field(d):
    d["fee_note"] = "免费"


def unknown_material_field(d):
    d["materials"][0]["tolerable"] = True


def step_needs_unknown_material(d):
    d["steps"][0]["requires_materials"] = ["business_plan"]


def conditional_without_condition(d):
    del d["materials"][material_index(d, "agent_id_and_mandate")]["condition"]


def on_the_spot_for_a_promised_matter(d):
    d["delivery_methods"].append("on_the_spot")


def attended_hearing(d):
    """A 听证 the applicant attends: a visit the engine has no purpose to count it by."""
    hearing = next(p for p in d["special_procedures"] if p["id"] == "police_consent")
    hearing.update(kind="听证", applicant_present=True)


def licence_number_with_an_unknown_placeholder(d):
    d["result"]["licence_number"] = "浙嘉交运管许可货字〔{year}〕第{serial:05d}号"


def licence_number_without_a_running_number(d):
    d["result"]["licence_number"] = "浙嘉交运管许可货字〔{year}〕"


def licence_number_with_a_bad_format(d):
    d["result"]["licence_number"] = "浙嘉交运管许可货字〔{year:>6}〕第{seq}号"


def licence_number_without_a_term(d):
    del d["result"]["term"]


def yearly_term_without_its_length(d):
    d["result"]["term"] = {"kind": "years"}


def per_decision_term_with_a_length(d):
    d["result"]["term"] = {"kind": "per_decision", "length": 3}


def blank_name(d):
    d["name"] = ""


# (breakage, seed, field path, words of the rule)
RULES = [
    (promised_over_legal, "road-freight-licence", "limits.promised_days", "承诺办结时限不得超过法定办结时限"),
    (tolerance_longer_than_promised, "road-freight-licence", "materials[4].tolerance.days",
     "补齐期限不得超过承诺办结时限"),
    (tolerance_on_a_material_that_proves_a_condition, "road-freight-licence", "materials[7].tolerance",
     "材料 'safety_rules'（安全生产管理制度文本）证明受理条件第5项“有健全的安全生产管理制度，包括安全生产责任制度、…”，"
     "是核心材料，不得容缺受理"),
    (condition_proven_by_an_unknown_material, "road-freight-licence", "acceptance_conditions[4].proven_by[0]",
     "'safety_manual' 不在材料清单中"),
    (condition_proven_by_the_same_material_twice, "road-freight-licence", "acceptance_conditions[3].proven_by[1]",
     "'driver_documents' 重复"),
    (condition_as_a_bare_sentence, "road-freight-licence", "acceptance_conditions[0]", "须写成字段映射"),
    (blank_branch_heading, "road-freight-licence", "materials[5].condition.when", "不能为空"),
    (duplicate_keyword, "road-freight-licence", "keywords[2]", "检索关键词 '货运' 重复"),
    (immediate_waits_for_someone, "vehicle-repair-filing", "steps[0].waits_for", "即办件不得包含等待他人"),
    (immediate_with_special_procedure, "vehicle-repair-filing", "special_procedures[0]", "即办件不得设置特别程序"),
    (step_role_not_declared, "road-freight-licence", "steps[0].role", "'inspector' 未在 roles 中声明"),
    (role_that_does_not_exist, "road-freight-licence", "roles[3]", "岗位 'inspector' 不存在"),
    (lifecycle_role_not_declared, "road-freight-licence", "lifecycle.decide", "'auditor' 未在 roles 中声明"),
    (duplicate_material_id, "road-freight-licence", "materials[1].id", "材料编号 'application_form' 重复"),
    (condition_on_unknown_field, "oversize-transport-permit", "materials[4].condition[0].field",
     "'height_cm' 未在 case_fields 中声明"),
    (precondition_on_unknown_field, "taxi-driver-qualification", "preconditions[0].field",
     "'exam_score' 未在 case_fields 中声明"),
    (fee_charged_without_items, "road-freight-licence", "fees.items", "收费事项必须列明收费项目"),
    (fee_with_blank_amount, "road-freight-licence", "fees.items[0].amount", "不能为空"),
    (fees_left_out, "road-freight-licence", "fees", "缺少必填字段"),
    (unknown_top_level_field, "road-freight-licence", "fee_note", "未知字段"),
    (unknown_material_field, "road-freight-licence", "materials[0].tolerable", "未知字段"),
    (step_needs_unknown_material, "road-freight-licence", "steps[0].requires_materials[0]",
     "'business_plan' 不在材料清单中"),
    (conditional_without_condition, "road-freight-licence", "materials[2].condition", "情形必要的材料必须写明条件"),
    (on_the_spot_for_a_promised_matter, "road-freight-licence", "delivery_methods[3]", "只有即办件可以当场送达"),
    (blank_name, "road-freight-licence", "name", "不能为空"),
    (licence_number_with_an_unknown_placeholder, "road-freight-licence", "result.licence_number",
     "含有未知占位符 {serial}"),
    (licence_number_without_a_running_number, "road-freight-licence", "result.licence_number", "须含一个 {seq}"),
    (licence_number_with_a_bad_format, "port-operation-licence", "result.licence_number", "的占位符 {year} 格式不对"),
    (licence_number_without_a_term, "road-freight-licence", "result.term", "必须写明机器可读的有效期"),
    (yearly_term_without_its_length, "road-freight-licence", "result.term.length", "须写 length"),
    (per_decision_term_with_a_length, "road-works-permit", "result.term.length", "不得写 length"),
    (attended_hearing, "road-works-permit", "special_procedures[1].applicant_present", "否则到场无法计入到现场次数"),
]


def write_bad(directory: Path, code: str, breakage) -> Path:
    d = seed(code)
    breakage(d)
    path = directory / f"{code}.yaml"
    path.write_text(yaml.safe_dump(d, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("breakage, code, field, rule", RULES, ids=[r[0].__name__ for r in RULES])
def test_a_bad_file_is_refused_naming_file_field_and_rule(tmp_path, breakage, code, field, rule):
    bad = write_bad(tmp_path, code, breakage)

    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)

    [error] = caught.value.errors
    assert error.file == str(bad)
    assert any(path == field and rule in broken.message for path, broken in error.problems), error.problems
    assert f"{bad}: {field}: " in str(caught.value)


@pytest.mark.parametrize("code", sorted({code for _, code, _, _ in RULES}))
def test_the_unbroken_seed_written_the_same_way_loads(tmp_path, code):
    """The control: the same round trip without a breakage gives a valid file."""
    write_bad(tmp_path, code, lambda d: None)
    assert load_catalogue(tmp_path).get(code).code == code


def test_parse_definition_raises_the_same_error_for_one_text():
    d = seed("road-freight-licence")
    promised_over_legal(d)
    with pytest.raises(DefinitionError) as caught:
        parse_definition(yaml.safe_dump(d, allow_unicode=True), "上传的定义.yaml")
    assert caught.value.file == "上传的定义.yaml"
    assert [(path, broken.code, broken.message) for path, broken in caught.value.problems] == [
        ("limits.promised_days", "promised-exceeds-legal", "承诺办结时限不得超过法定办结时限")]
    assert ("上传的定义.yaml: limits.promised_days: "
            "承诺办结时限不得超过法定办结时限（promised-exceeds-legal）") in str(caught.value)


def test_every_broken_rule_of_a_file_is_reported_at_once(tmp_path):
    def two_breakages(d):
        promised_over_legal(d)
        duplicate_material_id(d)

    write_bad(tmp_path, "road-freight-licence", two_breakages)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    paths = {path for path, _ in caught.value.errors[0].problems}
    assert {"limits.promised_days", "materials[1].id"} <= paths


def test_every_bad_file_of_a_catalogue_is_reported_not_just_the_first(tmp_path):
    write_bad(tmp_path, "road-freight-licence", promised_over_legal)
    write_bad(tmp_path, "vehicle-repair-filing", immediate_waits_for_someone)
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    assert sorted(Path(e.file).name for e in caught.value.errors) == ["road-freight-licence.yaml",
                                                                      "vehicle-repair-filing.yaml"]


def test_a_file_named_for_another_code_is_refused(tmp_path):
    d = seed("road-freight-licence")
    (tmp_path / "road-freight.yaml").write_text(yaml.safe_dump(d, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    assert caught.value.errors[0].problems[0][0] == "code"


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    bad = tmp_path / "road-freight-licence.yaml"
    bad.write_text("code: road-freight-licence\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(tmp_path)
    assert caught.value.errors[0].file == str(bad)
    assert caught.value.errors[0].problems[0][0] == "(YAML)"


def test_an_empty_catalogue_directory_is_refused(tmp_path):
    with pytest.raises(CatalogueError):
        load_catalogue(tmp_path)


def test_a_bad_file_stops_the_office_from_starting(tmp_path, engine):
    write_bad(tmp_path, "road-freight-licence", tolerance_longer_than_promised)
    with pytest.raises(CatalogueError):
        load_office(engine, tmp_path)
