"""`service.py guides build`: every guide and 简版 as print-ready PDFs, rebuilt only when changed.

Each output file is keyed by a content hash (the matter's version key, the
guide templates' hash, the renderer version and the public base URL); the
keys are kept in `manifest.json` in the output directory. A run renders only
the files whose key changed or whose file is gone, on a pool of processes (one
per core), each with its own catalogue, flow diagrams and font configuration.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable

from guides.files import write_atomic
from guides.flow import FlowDiagrams
from guides.pdf import RENDERER_VERSION, SystemPackagesMissing, default_renderer, require_system
from guides.render import BOOKLET_TITLE, CHECKLIST, GUIDE, GuideRenderer
from guides.templating import GUIDES_TEMPLATES, build_environment
from workflows.catalogue import Catalogue, MatterVersion, load_catalogue
from workflows.profile import OfficeProfile

MANIFEST = "manifest.json"
BOOKLET_FILE = "booklet.pdf"
KINDS = (GUIDE, CHECKLIST)


@dataclass(frozen=True)
class Job:
    code: str
    kind: str
    key: str
    file: str


@dataclass
class BuildReport:
    built: list[Job] = field(default_factory=list)
    up_to_date: list[Job] = field(default_factory=list)
    booklet: str | None = None  # "built", "up to date" or None when not asked for
    seconds: float = 0.0


def file_name(code: str, kind: str) -> str:
    return f"{code}.pdf" if kind == GUIDE else f"{code}-{kind}.pdf"


def read_manifest(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return {"files": {}}


def write_manifest(out_dir: Path, manifest: dict) -> None:
    manifest["renderer"] = RENDERER_VERSION
    write_atomic(out_dir / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode())


def plan(versions: list[MatterVersion], renderer: GuideRenderer, out_dir: Path,
         manifest: dict) -> tuple[list[Job], list[Job]]:
    """(jobs to render, jobs already up to date), by comparing keys with the manifest."""
    todo: list[Job] = []
    fresh: list[Job] = []
    for version in versions:
        for kind in KINDS:
            job = Job(version.code, kind, renderer.key(version, kind), file_name(version.code, kind))
            known = manifest["files"].get(job.file, {}).get("key")
            (fresh if known == job.key and (out_dir / job.file).exists() else todo).append(job)
    return todo, fresh


# ---- worker processes ---------------------------------------------------------------
# Each process loads its catalogue and renderer once: WeasyPrint's font configuration,
# the parsed stylesheet and the flow diagrams are then reused per job. The pool forks
# from a parent that has loaded them already, so its workers start warm instead of
# each loading the catalogue and templates again.

_worker: dict = {}


def _load(definitions_dir: str, base_url: str, profile: OfficeProfile, catalogue: Catalogue | None = None,
          diagrams: FlowDiagrams | None = None) -> None:
    """The catalogue (as it is on disk now, unless the caller has just loaded it), and a renderer
    on the process's font configuration."""
    _worker["catalogue"] = catalogue or load_catalogue(definitions_dir)
    _worker["renderer"] = GuideRenderer(build_environment([GUIDES_TEMPLATES], time=profile.time), base_url, profile,
                                        diagrams=diagrams or FlowDiagrams(), pdf=default_renderer())
    _worker["args"] = (definitions_dir, base_url, profile)


def _start_worker(definitions_dir: str, base_url: str, profile: OfficeProfile) -> None:
    if _worker.get("args") != (definitions_dir, base_url, profile):
        _load(definitions_dir, base_url, profile)  # not forked (spawn): load it here
    # What the worker holds now lives as long as the process: keep the cyclic GC from
    # walking it again in every full collection while documents are rendered (-2.3%
    # instructions per warm guide, callgrind).
    gc.freeze()
    # A document's objects die together once it is written, and young collections
    # reclaim them. At the default threshold a guide triggers ~49 young and ~4 middle
    # collections, each walking the half-built document; at 20,000 about one: 1.3% fewer
    # instructions per guide (callgrind, three guides), the same peak memory (148 MB).
    gc.set_threshold(20_000, 10, 10)


def _render_job(job: Job, out_dir: str) -> tuple[Job, float]:
    started = time.perf_counter()
    version = _worker["catalogue"].get(job.code)
    write_atomic(Path(out_dir) / job.file, _worker["renderer"].pdf_bytes(version, job.kind))
    return job, time.perf_counter() - started


def _fork_context() -> multiprocessing.context.BaseContext | None:
    """fork where the platform has it (workers inherit the loaded state); else the default, which reloads."""
    return multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None


def _largest_first(jobs: list[Job]) -> list[Job]:
    """Longest jobs first, so the last job to finish is a short one and no worker idles long at the end.

    A guide's cost grows with its materials table; the 简版 checklist is about a third of a guide.
    """
    catalogue = _worker["catalogue"]
    size = lambda job: len(catalogue.get(job.code).definition.materials) * (3 if job.kind == GUIDE else 1)  # noqa: E731
    return sorted(jobs, key=size, reverse=True)


def render_jobs(jobs: list[Job], *, out_dir: Path, definitions_dir: Path, base_url: str, profile: OfficeProfile,
                workers: int, on_done: Callable[[Job], None] = lambda job: None,
                catalogue: Catalogue | None = None) -> None:
    catalogue = catalogue or load_catalogue(definitions_dir)
    diagrams = FlowDiagrams()
    # Every flow diagram in one `dot` run (~130 ms less CPU than one per matter), drawn by
    # that process on the other core while this one builds the renderer; all of it before
    # the pool forks, so that the workers inherit it.
    with ThreadPoolExecutor(max_workers=1) as drawing:
        drawn = drawing.submit(diagrams.draw_ahead, [catalogue.get(job.code) for job in jobs])
        _load(str(definitions_dir), base_url, profile, catalogue, diagrams)
        drawn.result()
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            on_done(_render_job(job, str(out_dir))[0])
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=_fork_context(), initializer=_start_worker,
                             initargs=(str(definitions_dir), base_url, profile)) as pool:
        futures = [pool.submit(_render_job, job, str(out_dir)) for job in _largest_first(jobs)]
        for future in as_completed(futures):
            on_done(future.result()[0])


# ---- the whole build -----------------------------------------------------------------

def build(*, definitions_dir: Path, out_dir: Path, base_url: str, profile: OfficeProfile,
          codes: list[str] | None = None, booklet: bool = False, workers: int | None = None,
          on_plan: Callable[[int], None] = lambda n: None,
          on_done: Callable[[Job], None] = lambda job: None) -> BuildReport:
    started = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    catalogue = load_catalogue(definitions_dir)
    versions = [catalogue.get(code) for code in codes] if codes else catalogue.matters()
    renderer = GuideRenderer(build_environment([GUIDES_TEMPLATES], time=profile.time), base_url, profile)
    manifest = read_manifest(out_dir)
    todo, fresh = plan(versions, renderer, out_dir, manifest)
    on_plan(len(todo))

    def done(job: Job) -> None:
        manifest["files"][job.file] = {"key": job.key, "matter": job.code, "kind": job.kind}
        on_done(job)

    render_jobs(todo, out_dir=out_dir, definitions_dir=definitions_dir, base_url=base_url, profile=profile,
                workers=workers or os.cpu_count() or 1, on_done=done, catalogue=catalogue)
    report = BuildReport(built=todo, up_to_date=fresh)
    if booklet:
        report.booklet = _build_booklet(catalogue, renderer, out_dir, manifest)
    write_manifest(out_dir, manifest)
    report.seconds = time.perf_counter() - started
    return report


def _build_booklet(catalogue: Catalogue, renderer: GuideRenderer, out_dir: Path, manifest: dict) -> str:
    versions = catalogue.matters()
    key = renderer.booklet_key(versions, title=BOOKLET_TITLE)
    if manifest["files"].get(BOOKLET_FILE, {}).get("key") == key and (out_dir / BOOKLET_FILE).exists():
        return "up to date"
    data = renderer.booklet_pdf(versions, title=BOOKLET_TITLE)
    write_atomic(out_dir / BOOKLET_FILE, data)
    manifest["files"][BOOKLET_FILE] = {"key": key, "matter": "*", "kind": "booklet"}
    return "built"


def run_cli(args, settings) -> int:
    """The `guides build` subcommand: check the system, build with a progress bar, summarise."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    try:
        require_system()
    except SystemPackagesMissing as exc:
        print(exc, file=sys.stderr)  # plain print: one line, never wrapped by rich
        return 1
    console = Console()
    from workflows.errors import DomainError

    from workflows.profile import load_profile

    out_dir = Path(args.out)
    profile = load_profile(settings.office_profile)
    columns = (TextColumn("[bold]生成办事指南"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
               TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("", total=None)
        try:
            report = build(
                definitions_dir=settings.definitions_dir, out_dir=out_dir, base_url=settings.public_url(profile),
                profile=profile, codes=args.matter or None, booklet=args.booklet,
                on_plan=lambda n: progress.update(task, total=max(n, 1), completed=0 if n else 1),
                on_done=lambda job: progress.update(task, advance=1, description=job.file),
            )
        except DomainError as exc:  # e.g. --matter names no matter in the catalogue
            console.print(f"错误 [{exc.code}] {exc.message}", markup=False, highlight=False)
            return 1
    console.print(f"重建 {len(report.built)} 个文件，{len(report.up_to_date)} 个未变化（按内容哈希判断）"
                  + (f"；汇编：{'已重建' if report.booklet == 'built' else '未变化'}" if report.booklet else "")
                  + f"；用时 {report.seconds:.1f} 秒；输出目录 {out_dir}", highlight=False)
    return 0
