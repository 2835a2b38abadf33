"""An action's trigger is spelled in one place: its declaration in workflows/action_kinds.py.

Every other module asks the declarations (`kind_of(trigger)`, `ACCEPT.trigger`,
`DELIVER.trigger_for("mail")`, `DELIVER.matches(trigger)` …), so renaming,
adding or re-describing an action cannot leave a stale copy behind. This scans
the Python sources (every string constant, including the pieces of f-strings)
and the templates (every quoted word) of workflows/, windows/, guides/, audit/
and service.py.

Exempt: the declarations themselves, and the migrations under
workflows/migrations/versions, which are frozen history (they hold the trigger
names that stored events carry and must never change).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from workflows import action_kinds as kinds

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("workflows", "windows", "guides", "audit", "service.py")
EXEMPT = (Path("workflows/action_kinds.py"), Path("workflows/migrations/versions"))
# Words that are spelled like a trigger but name something else.
NOT_TRIGGERS = {
    (Path("workflows/intake.py"), "accept"): "the intake verdict 予以受理, not the action",
    (Path("workflows/intake.py"), "notify"): "the intake verdict 一次性告知, not the action",
    (Path("workflows/intake.py"), "refuse"): "the intake verdict 不予受理, not the action",
    (Path("windows/templates/case.html"), "accept"): "the intake verdict, as the case page colours it",
    (Path("windows/templates/intake_form.html"), "accept"): "the intake verdict, as the counter colours it",
    (Path("windows/templates/intake_form.html"), "refuse"): "the intake verdict, as the counter colours it",
    (Path("windows/errors.py"), "accept"): "the HTTP Accept header",
    (Path("windows/api_cli.py"), "issue"): "the `token issue` command",
    (Path("service.py"), "issue"): "the `token issue` command",
}
QUOTED = re.compile(r"""["']([a-z][a-z0-9_]*)["']""")


def is_trigger_name(word: str) -> bool:
    exact = {k.name for k in kinds.KINDS if k.parameter is None}
    prefixes = tuple(k.prefix for k in kinds.KINDS if k.parameter is not None)
    return word in exact or word.startswith(prefixes)


def sources() -> list[Path]:
    found: list[Path] = []
    for entry in SCANNED:
        path = ROOT / entry
        candidates = [path] if path.is_file() else [*path.rglob("*.py"), *path.rglob("*.html")]
        found += [p for p in candidates
                  if not any(p.relative_to(ROOT).is_relative_to(exempt) for exempt in EXEMPT)]
    return sorted(found)


def literals(path: Path) -> list[tuple[int, str]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in QUOTED.finditer(text)]
    return [(node.lineno, node.value) for node in ast.walk(ast.parse(text))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def spelled_out() -> list[tuple[Path, int, str]]:
    return [(path.relative_to(ROOT), line, word) for path in sources() for line, word in literals(path)
            if is_trigger_name(word)]


def test_no_trigger_name_is_spelled_outside_the_declarations():
    stray = [f"{path}:{line}: {word!r}" for path, line, word in spelled_out() if (path, word) not in NOT_TRIGGERS]
    assert stray == [], "use workflows.action_kinds instead of spelling a trigger:\n" + "\n".join(stray)


def test_each_word_let_through_is_still_there():
    # A stale exemption would let the same word back in later as a real trigger.
    found = {(path, word) for path, _, word in spelled_out()}
    assert sorted(set(NOT_TRIGGERS) - found) == []


def test_the_scan_sees_f_string_prefixes_and_template_words(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('trigger = f"deliver_{method}"\n', encoding="utf-8")
    template = tmp_path / "t.html"
    template.write_text('{% if a.trigger == "transfer" %}x{% endif %}\n', encoding="utf-8")
    assert [w for _, w in literals(module) if is_trigger_name(w)] == ["deliver_"]
    assert [w for _, w in literals(template) if is_trigger_name(w)] == ["transfer"]
