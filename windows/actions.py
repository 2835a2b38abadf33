"""The form fields each action's form draws on the case page, as the action declares them.

The dispatch from trigger to service function is `workflows.actions.perform`,
shared with the REST API; the form draws the declared input's fields (plus what
the declaration asks the screen to show, such as the gaps' due dates), so the
fields posted are the ones that dispatch reads (`reason`, `note`,
`materials.<id>`, `notes.<id>` …).
"""

from __future__ import annotations

from workflows import action_kinds as kinds


def widgets_for(trigger: str) -> tuple[str, ...]:
    kind = kinds.kind_of(trigger)
    return kind.widgets(kind.param_of(trigger)) if kind else ()


def labels_for(trigger: str) -> dict[str, str]:
    """Each input field's label on the form: the description its declaration gives it."""
    kind = kinds.kind_of(trigger)
    fields = kind.input.model_fields if kind else {}
    return {name: info.description for name, info in fields.items() if info.description}


def is_dangerous(trigger: str) -> bool:
    """Whether the page asks the clerk to confirm the action (it ends the case or refuses the applicant)."""
    kind = kinds.kind_of(trigger)
    return kind is not None and kind.danger
