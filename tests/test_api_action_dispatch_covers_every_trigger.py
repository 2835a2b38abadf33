"""workflows.actions: every trigger the engine offers reaches its declared service function,
reading fields from a posted form (flat keys) or a JSON body (nested) alike."""

import pytest
from starlette.datastructures import FormData

from tests.support import STAFF, open_complete
from workflows import action_kinds, actions, errors, queries
from workflows.cases import MaterialCheck


def test_every_trigger_of_every_matter_after_intake_has_a_handler(office):
    triggers = {a.trigger for m in office.catalogue.matters() for a in m.compiled.actions.values()}
    receive = {t for t in triggers if t.startswith("receive_")}  # opening a case is open_case, not an action
    assert receive and all(not actions.known(t) for t in receive)
    assert sorted(t for t in triggers - receive if not actions.known(t)) == []


def test_material_checks_read_flat_form_keys_and_nested_json_the_same_way():
    form = FormData([("materials.application_form", "defective"), ("materials.application_form.note", " 缺公章 "),
                     ("materials.safety_rules", "ok"), ("materials.principal_id", ""), ("csrf", "x")])
    nested = {"materials": {"application_form": {"status": "defective", "note": "缺公章"}, "safety_rules": "ok"}}
    expected = {"application_form": MaterialCheck("defective", "缺公章"), "safety_rules": MaterialCheck("ok", "")}
    assert action_kinds.material_checks(form) == expected
    assert action_kinds.material_checks(nested) == expected


@pytest.mark.parametrize("value, result", [("on", True), ("true", True), ("是", True), (True, True),
                                           ("", False), (None, False), ("off", False), (False, False)])
def test_flags_read_checkbox_and_json_values(value, result):
    assert action_kinds.flag({"pledge_signed": value}, "pledge_signed") is result


def test_a_flag_that_is_neither_yes_nor_no_names_its_field():
    with pytest.raises(errors.BadInput) as caught:
        action_kinds.flag({"pledge_signed": "maybe"}, "pledge_signed")
    assert caught.value.field == "pledge_signed"


@pytest.mark.parametrize("value", [{"nested": 1}, "a\x00b"])
def test_text_fields_refuse_structures_and_nul(value):
    with pytest.raises(errors.BadInput) as caught:
        action_kinds.text({"reason": value}, "reason")
    assert caught.value.field == "reason"


def test_material_notes_refuse_nul():
    with pytest.raises(errors.BadInput) as caught:
        action_kinds.material_checks(FormData([("materials.safety_rules", "defective"),
                                           ("materials.safety_rules.note", "缺\x00页")]))
    assert caught.value.field == "materials.safety_rules"


def test_version_check_refuses_a_stale_or_malformed_version_before_acting(session, office):
    case = open_complete(session, office, "road-freight-licence")
    with pytest.raises(errors.ConcurrentChange):
        actions.perform(session=session, office=office, case=case, actor=STAFF.clerk, trigger="accept",
                        fields={"expected_version": str(case.version - 1)})
    with pytest.raises(errors.BadInput) as caught:
        actions.perform(session=session, office=office, case=case, actor=STAFF.clerk, trigger="accept",
                        fields={"expected_version": "one"})
    assert caught.value.field == "expected_version"
    assert case.state == "received" and case.version == 1


def test_the_keyword_version_wins_over_the_form_field(session, office):
    case = open_complete(session, office, "road-freight-licence")
    actions.perform(session=session, office=office, case=case, actor=STAFF.clerk, trigger="accept",
                    fields={"expected_version": "999"}, expected_version=case.version)
    assert case.state == "step_review"


def test_unknown_trigger_and_wrong_special_procedure_are_refused(session, office):
    case = open_complete(session, office, "road-freight-licence")
    with pytest.raises(errors.BadInput) as caught:
        actions.perform(session=session, office=office, case=case, actor=STAFF.clerk, trigger="teleport", fields={})
    assert caught.value.code == "unknown-action"
    with pytest.raises(errors.ActionNotAllowed):
        actions.perform(session=session, office=office, case=case, actor=STAFF.clerk,
                        trigger="end_special_expert_review", fields={})


def test_parameterised_triggers_pass_their_parameter_to_the_service(session, office):
    case = open_complete(session, office, "road-freight-licence", missing=("application_form",))
    actions.perform(session=session, office=office, case=case, actor=STAFF.clerk, trigger="notify",
                    fields=FormData([("notes.application_form", "未加盖公章")]))
    actions.perform(session=session, office=office, case=case, actor=STAFF.clerk, trigger="resubmit_online",
                    fields=FormData([("materials.application_form", "ok")]))
    assert case.state == "received"
    assert case.progress["materials"]["application_form"]["status"] == "ok"
    assert case.visits == 1  # the online correction was no visit
    notice = next(e for e in queries.events_of(session, case.id) if e.action == "notify")
    assert notice.payload["items"] == [{"material": "application_form", "problem": "未加盖公章"}]


@pytest.mark.parametrize("kind", [k for k in action_kinds.KINDS if k.on_case], ids=lambda k: k.name)
def test_each_declaration_names_a_service_function_that_takes_what_dispatch_passes(kind):
    """A declaration names its service function by name: it must exist in workflows.cases and take, as
    keywords, the session, office and case, the actor under the declared keyword, the family's parameter
    and every argument the declared input hands on, and need nothing else."""
    import inspect

    from workflows import cases

    service = getattr(cases, kind.service, None)
    assert callable(service), f"workflows.cases has no {kind.service}"
    given = kind.input.model_construct(**{name: info.get_default(call_default_factory=True)
                                          for name, info in kind.input.model_fields.items()}).arguments()
    passed = {"session", "office", "case", kind.actor, *given}
    if kind.parameter:
        passed.add(kind.parameter.argument)
    parameters = inspect.signature(service).parameters
    assert passed <= set(parameters), (kind.name, passed - set(parameters))
    required = {name for name, p in parameters.items() if p.default is inspect.Parameter.empty}
    assert required <= passed, (kind.name, required - passed)
