"""The form fields each action's form draws on the case page.

The dispatch from trigger to service function is `workflows.actions.perform`,
shared with the REST API; this table only says which inputs a form needs so
that the fields posted are the ones that dispatch reads (`reason`, `note`,
`materials.<id>`, `notes.<id>` …).
"""

from __future__ import annotations

DANGER = frozenset({"refuse", "withdraw", "terminate", "decide_deny"})

_EXACT: dict[str, tuple[str, ...]] = {
    "record_materials": ("materials",),
    "accept": (),
    "accept_tolerated": ("gaps", "pledge_signed"),
    "notify": ("notice_items",),
    "refuse": ("reason",),
    "advance": ("note",),
    "decide_approve": ("note",),
    "decide_deny": ("reason",),
    "issue": (),
    "record_visit": ("purpose", "cause", "note"),
    "withdraw": ("reason",),
    "terminate": ("reason",),
    "transfer": ("window", "reason"),
    "deliver_mail": ("tracking_no", "address"),
}
_PREFIXED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("resubmit_", ("materials",)),
    ("start_special_", ("note",)),
    ("end_special_", ("note",)),
    ("supplement_", ("material", "note")),
    ("deliver_", ()),
)


def widgets_for(trigger: str) -> tuple[str, ...]:
    if trigger in _EXACT:
        return _EXACT[trigger]
    return next((widgets for prefix, widgets in _PREFIXED if trigger.startswith(prefix)), ())
