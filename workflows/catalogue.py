"""The catalogue: every matter definition, validated and compiled once.

A version is the declared `version` plus a hash of the file's content, so
editing a file always makes a new version; cases keep the key of the version
they started under, and older versions are kept (in the database) and compiled
alongside the current ones.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from workflows.definition import MatterDefinition, rule_violations
from workflows import errors
from workflows.errors import DefinitionError, UnknownMatter
from workflows.machine import CompiledMatter, compile_matter
from workflows.visits import VisitAnalysis, analyse

DEFAULT_DIR = Path(__file__).parent / "definitions"


@dataclass(frozen=True)
class MatterVersion:
    key: str
    source_text: str
    file: str
    compiled: CompiledMatter = field(repr=False)

    @property
    def definition(self) -> MatterDefinition:
        return self.compiled.definition

    @property
    def code(self) -> str:
        return self.definition.code

    @cached_property
    def visits(self) -> VisitAnalysis:
        return analyse(self.compiled)


CatalogueError = errors.CatalogueError  # defined with every other error


# The editor's schema modeline names where the JSON Schema is, not anything of the matter: YAML
# reads it as a comment, and the version key leaves it out, so adding or moving it makes no new
# version of every matter (the versions stored before it keep their keys).
MODELINE = "# yaml-language-server: $schema="
_MODELINE_LINE = re.compile(r"^" + re.escape(MODELINE) + r".*(?:\n|$)", re.M)


def version_key(definition: MatterDefinition, text: str) -> str:
    digest = hashlib.sha256(_MODELINE_LINE.sub("", text).encode("utf-8")).hexdigest()[:10]
    return f"{definition.version}+{digest}"


# libyaml's parser where PyYAML was built with it: the same safe constructors, ~10x
# faster than the pure-Python one (which took 96% of loading the catalogue).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# Fields that definitions once carried and no longer may. A current file naming one is
# refused with the reason; an archived version (kept for the cases that started under
# it) is read without it, so those cases still open.
RETIRED_FIELDS = {
    "service": "办理地点、时间、窗口和电话已移至办公信息配置（ONEVISIT_OFFICE_PROFILE），事项定义中不再填写",
}


def parse_definition(text: str, file: str, *, archived: bool = False) -> MatterDefinition:
    """Parse and validate one definition; raise DefinitionError naming file, field and rule.

    `archived` marks a text kept in the database for the cases started under it,
    which may be in a shape the files no longer use (see `_upgrade_archived`).
    """
    try:
        raw = yaml.load(text, Loader=_SAFE_LOADER)
    except yaml.YAMLError as exc:
        raise DefinitionError(file, [("(YAML)", errors.NotYaml(f"不是有效的 YAML：{exc}"))]) from None
    if not isinstance(raw, dict):
        raise DefinitionError(file, [("(根)", errors.NotAMapping())])
    retired: list[tuple[str, errors.BrokenRule]] = [(name, errors.FieldRetired(why))
                                                    for name, why in RETIRED_FIELDS.items() if name in raw]
    if retired and not archived:
        raise DefinitionError(file, retired)
    if archived:
        raw = _upgrade_archived(raw)
    try:
        definition = MatterDefinition.model_validate(raw)
    except ValidationError as exc:
        raise DefinitionError(file, validation_problems(exc)) from None
    problems = rule_violations(definition)
    if problems:
        raise DefinitionError(file, problems)
    return definition


def validation_problems(exc: ValidationError) -> list[tuple[str, errors.BrokenRule]]:
    """pydantic's errors as (field path, the rule in Chinese)."""
    return [(_path(err["loc"]), errors.FieldInvalid(_rule(err))) for err in exc.errors()]


def _upgrade_archived(raw: dict[str, Any]) -> dict[str, Any]:
    """An archived text in an older shape, read as the current one says the same thing.

    Versions stored before 受理条件 named their proving materials list each
    condition as a bare sentence; it reads as a condition that names none. Versions
    stored before the office profile carried a `service:` block, which is dropped:
    the profile says those facts now. Its text, and so its version key, stays as stored.
    """
    conditions = raw.get("acceptance_conditions")
    if isinstance(conditions, list):
        raw = {**raw, "acceptance_conditions": [{"text": c} if isinstance(c, str) else c for c in conditions]}
    return {key: value for key, value in raw.items() if key not in RETIRED_FIELDS}


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(根)"


def _rule(err: ErrorDetails) -> str:
    translations = {
        "missing": "缺少必填字段",
        "extra_forbidden": "未知字段（拼写错误？）",
        "string_too_short": "不能为空",
        "too_short": "至少需要一项",
        "model_type": "须写成字段映射（如 text: …），不能只写一句文字",
    }
    return translations.get(err["type"], err["msg"])


def build_version(text: str, file: str, *, archived: bool = False) -> MatterVersion:
    definition = parse_definition(text, file, archived=archived)
    return MatterVersion(version_key(definition, text), text, file, compile_matter(definition))


class Catalogue:
    """Current versions by code, and every known version by (code, key)."""

    def __init__(self, current: list[MatterVersion]):
        self.current = {v.code: v for v in sorted(current, key=lambda v: v.code)}
        self._versions = {(v.code, v.key): v for v in current}

    def matters(self) -> list[MatterVersion]:
        return list(self.current.values())

    def get(self, code: str, key: str | None = None) -> MatterVersion:
        try:
            return self._versions[(code, key)] if key else self.current[code]
        except KeyError:
            raise UnknownMatter(f"事项目录中没有事项 {code}" + (f" 的版本 {key}" if key else "")) from None

    def has_version(self, code: str, key: str) -> bool:
        return (code, key) in self._versions

    def add_old_version(self, text: str, file: str) -> MatterVersion:
        version = build_version(text, file, archived=True)
        self._versions.setdefault((version.code, version.key), version)
        return version


def load_catalogue(directory: Path | str = DEFAULT_DIR) -> Catalogue:
    directory = Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise CatalogueError([DefinitionError(str(directory), [("(目录)", errors.CatalogueEmpty())])])
    versions, problems = [], []
    for path in files:
        try:
            version = build_version(path.read_text(encoding="utf-8"), str(path))
        except DefinitionError as exc:
            problems.append(exc)
            continue
        if version.code != path.stem:
            problems.append(DefinitionError(str(path), [("code", errors.CodeNotFileName(
                f"事项编码 {version.code!r} 必须与文件名一致"))]))
        versions.append(version)
    if problems:
        raise CatalogueError(problems)
    return Catalogue(versions)
