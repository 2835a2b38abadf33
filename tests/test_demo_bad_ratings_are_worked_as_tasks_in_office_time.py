"""The demo's 好差评: mostly good, each 差评 a task worked by its window's 负责人 in simulated office time."""

from __future__ import annotations

from collections import Counter

from tests.demo_support import NOW, demo_history, local, published_hours, utc  # noqa: F401  (the fixture)
from workflows import ratings
from workflows.rating_tasks import Stage, stage_of


def test_most_ratings_are_good_and_every_bad_one_has_its_task(demo_history):
    levels = Counter(r.level for r in demo_history.evaluations)
    good = sum(n for level, n in levels.items() if not ratings.is_bad(level))
    assert good >= 0.85 * sum(levels.values())
    assert levels["very_satisfied"] + levels["satisfied"] >= 0.75 * sum(levels.values())
    bad = {r.id for r in demo_history.evaluations if ratings.is_bad(r.level)}
    assert bad and {t.rating_id for t in demo_history.tasks} == bad


def test_each_step_on_a_task_follows_the_rating_in_office_hours_and_before_now(demo_history):
    rated = {r.id: utc(r.at) for r in demo_history.evaluations}
    calendar, hours = demo_history.office.calendar, published_hours(demo_history.office.profile.hall.hours)
    steps = [e for e in demo_history.rating_log if e.actor not in ("applicant", "system")]
    assert steps
    for entry in steps:
        at = local(entry.at)
        assert rated[entry.rating_id] < utc(entry.at) <= NOW, entry
        assert calendar.is_workday(at.date()) and any(start <= at.time() <= end for start, end in hours), entry


def test_tasks_stand_at_several_stages_and_done_ones_record_what_was_done(demo_history):
    stages = Counter(stage_of(t) for t in demo_history.tasks)
    assert len(stages) >= 3, stages
    for task in demo_history.tasks:
        if stage_of(task) in (Stage.REPLY, Stage.CLOSED):
            assert task.rectify_action and task.rectified_on is not None and task.revisited_on is not None
            assert task.revisited_on <= task.rectified_on
        if stage_of(task) is not Stage.REVISIT:
            assert task.revisit_note
    excluded = {r.id for r in demo_history.evaluations if r.excluded}
    assert excluded == {a.rating_id for a in demo_history.appeals if a.decision == "upheld"}


def test_a_comment_about_the_post_is_only_on_a_case_whose_result_was_posted(demo_history):
    method = {c.id: c.delivery_method for c in demo_history.cases}
    about_post = [r for r in demo_history.evaluations if "邮寄" in r.comment]
    assert all(method[r.case_id] == "mail" for r in about_post), [(r.case_id, method[r.case_id]) for r in about_post]


def test_no_comment_the_story_can_draw_speaks_of_the_post_to_an_applicant_not_served_by_post():
    from workflows.demo_story import LOW_SCORE_COMMENTS, low_score_comment

    for said in range(len(LOW_SCORE_COMMENTS)):
        for method in ("window", "electronic", "on_the_spot", "mail"):
            assert ("邮寄" in low_score_comment(said, method)) <= (method == "mail"), (said, method)
