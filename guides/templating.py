"""The one Jinja2 environment of the application, shared by windows/ and guides/.

Built once per application by `create_app`, never at import time. Autoescape
is always on: applicant names reach both screens and PDFs.

Compiled templates are kept on disk (`<cache root>/templates`), so that a new
process (a server worker, a `guides build` worker, a test's app) loads each
template's code instead of compiling it again: the 30 templates take ~160 ms
to compile. Jinja keys each file by the template's name and path and checks a
checksum of its source, so an edited template is compiled afresh. Compiled code
also depends on the environment's options: every environment is built here, with
the same ones.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup

from workflows.identity import mask_id, mask_phone
from workflows.localtime import OfficeTime, cn_day

GUIDES_TEMPLATES = Path(__file__).parent / "templates"
_WEEKDAYS = "一二三四五六日"
_LAID_OUT_WHITESPACE = re.compile(r">[ \t]*\n\s*<")


def cn_date(value: dt.date | dt.datetime | str | None, with_time: bool = False, *, time: OfficeTime) -> str:
    """2026年12月3日 (16:02): an instant is shown in office time, whatever zone it arrives in.

    A string is an ISO date as an event's JSON payload keeps it (a deadline, the day of a 整改).
    """
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        local = time.local(value)
        return cn_day(local) + (f" {local:%H:%M}" if with_time else "")
    return cn_day(value)


def cn_weekday(value: dt.date) -> str:
    return "周" + _WEEKDAYS[value.weekday()]


def spaceless(html: Markup) -> Markup:
    """The line breaks and indentation between two tags removed, as Django's {% spaceless %}.

    They are how a template is laid out, not text, yet WeasyPrint makes a box of
    each and collapses it (1.4% of a guide's instructions, callgrind). Whitespace
    without a line break (`</strong> <span>`) is kept: that one may be meant.
    """
    return Markup(_LAID_OUT_WHITESPACE.sub("><", str(html)))


def cache_root() -> Path:
    """$ONEVISIT_CACHE_DIR, else the XDG cache: derived files (font cuts, compiled templates), made again
    when missing."""
    if configured := os.environ.get("ONEVISIT_CACHE_DIR"):
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "onevisit"


class CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's on-disk cache of compiled templates, where a failed write only means no cache."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # read-only or full: the template was compiled all the same
            super().dump_bytecode(bucket)


def compiled_templates() -> CompiledTemplates | None:
    """The cache in `<cache root>/templates`, or None where that folder is not ours alone.

    Its files are executed as code, so a folder that another user owns or may write to is not used.
    """
    directory = cache_root() / "templates"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = directory.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        return None
    return CompiledTemplates(str(directory))


def build_environment(search_path: list[Path], *, time: OfficeTime | None = None) -> Environment:
    """`time`: the office's (office.time); tests that print no instants may leave the default zone."""
    time = time or OfficeTime.named()
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(p)) for p in search_path]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        bytecode_cache=compiled_templates(),
    )
    env.filters.update(cn_date=functools.partial(cn_date, time=time), cn_weekday=cn_weekday, mask_id=mask_id,
                       mask_phone=mask_phone, spaceless=spaceless)
    return env
