"""Benchmark: guide PDFs against WeasyPrint rendering a one-line page with the same fonts.

Measured on the same run and machine:

- the baseline: a one-line Chinese A4 page through the same PdfRenderer (Noto
  CJK SC set on `html`, one FontConfiguration, HarfBuzz subsetting), warm;
- one guide, cold (a fresh process: first FontConfiguration, first flow
  diagram, first font load) and warm (the same renderer again);
- the 简版 checklist and the counter papers' layout class (one page), warm;
- the whole catalogue of guides, serial (one process) and on a pool of 2
  processes, as `guides build` runs it: each in a fresh interpreter, the pool's
  workers forked from a parent that has loaded the catalogue and renderer.

Warm guide and baseline renders alternate, so a burst of load from elsewhere
on the machine hits both; the medians are reported with their ratio.

    python -m bench.guides                   # default: 5 warm rounds, 3 runs of the catalogue each way
    python -m bench.guides --rounds 9 --matter road-freight-licence
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from guides.build import Job, file_name, render_jobs
from guides.pdf import PdfRenderer, require_system
from guides.pdfcheck import page_sizes_mm
from guides.render import CHECKLIST, GUIDE, GuideRenderer
from guides.templating import GUIDES_TEMPLATES, build_environment
from workflows.catalogue import DEFAULT_DIR, load_catalogue
from workflows.office import demo_profile

BASE_URL = "https://ban.example.gov.cn"
BASELINE_HTML = ('<!DOCTYPE html><html lang="zh-CN" '
                 'style="font-family: \'Noto Sans CJK SC GB2312\', \'Noto Sans CJK SC\'">'
                 '<head><style>@page { size: A4; margin: 16mm 15mm }</style></head>'
                 '<body><p>道路货物运输经营许可 办事指南</p></body></html>')
TARGET_WARM_S = 0.30
TARGET_CATALOGUE_PER_GUIDE_S = 0.15


@dataclass(frozen=True)
class Figures:
    baseline_warm: float
    baseline_cold: float
    guide_cold: float
    guide_warm: float
    checklist_warm: float
    baseline_cpu: float
    guide_cpu: float
    pages: int
    serial_total: float
    parallel_total: float
    serial_cpu: float
    parallel_cpu: float
    guides: int
    workers: int
    serial_runs: tuple[float, ...]  # every run's wall time; the totals above are their medians
    parallel_runs: tuple[float, ...]


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _cpu(fn) -> float:
    """CPU seconds of this process: less sensitive than wall time to other work on a shared machine."""
    started = time.process_time()
    fn()
    return time.process_time() - started


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_in_fresh_process(code: str) -> dict[str, float]:
    """First renders in a new interpreter (imports excluded: they are paid once per server)."""
    out = subprocess.run([sys.executable, "-m", "bench.guides", "--cold-child", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _cold_child(code: str) -> None:
    version = load_catalogue().get(code)
    env = build_environment([GUIDES_TEMPLATES])
    baseline = _timed(lambda: PdfRenderer().render(BASELINE_HTML))  # its own first FontConfiguration
    renderer = GuideRenderer(env, BASE_URL, demo_profile(), pdf=PdfRenderer())
    guide = _timed(lambda: renderer.pdf_bytes(version, GUIDE))
    print(json.dumps({"baseline_cold": baseline, "guide_cold": guide}))


def warm(code: str, rounds: int) -> tuple[float, float, float, float, float, int]:
    version = load_catalogue().get(code)
    pdf = PdfRenderer()
    renderer = GuideRenderer(build_environment([GUIDES_TEMPLATES]), BASE_URL, demo_profile(), pdf=pdf)
    pages = len(page_sizes_mm(renderer.pdf_bytes(version, GUIDE)))  # warm-up, and the page count
    pdf.render(BASELINE_HTML)
    renderer.pdf_bytes(version, CHECKLIST)
    base, guide, checklist, base_cpu, guide_cpu = [], [], [], [], []
    for _ in range(rounds):  # alternate, so load from elsewhere hits both sides
        base.append(_timed(lambda: pdf.render(BASELINE_HTML)))
        guide.append(_timed(lambda: renderer.pdf_bytes(version, GUIDE)))
        checklist.append(_timed(lambda: renderer.pdf_bytes(version, CHECKLIST)))
        base_cpu.append(_cpu(lambda: pdf.render(BASELINE_HTML)))
        guide_cpu.append(_cpu(lambda: renderer.pdf_bytes(version, GUIDE)))
    m = statistics.median
    return m(base), m(guide), m(checklist), m(base_cpu), m(guide_cpu), pages


def catalogue(workers: int) -> tuple[float, float, int]:
    """Every guide of the catalogue rendered and written, as `guides build` does it: (wall, CPU, count).

    Each run is a fresh interpreter (imports excluded), as `guides build` is: the pool
    forks from its parent, so a parent warmed by this benchmark's own renders would
    flatter it. CPU time is the run's process plus its pool's workers (RUSAGE_CHILDREN
    once the pool has been joined).
    """
    out = subprocess.run([sys.executable, "-m", "bench.guides", "--catalogue-child", str(workers)],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    return figures["wall"], figures["cpu"], figures["guides"]


def _catalogue_child(workers: int) -> None:
    jobs: list[Job] = []
    with tempfile.TemporaryDirectory() as out:
        def run() -> None:
            catalogue = load_catalogue()  # once, as `guides build` loads it to plan and to render
            jobs.extend(Job(v.code, GUIDE, "bench", file_name(v.code, GUIDE)) for v in catalogue.matters())
            render_jobs(jobs, out_dir=Path(out), definitions_dir=DEFAULT_DIR, base_url=BASE_URL, profile=demo_profile(),
                        workers=workers, catalogue=catalogue)
        children, own = _children_cpu(), time.process_time()
        seconds = _timed(run)
        cpu = (time.process_time() - own) + (_children_cpu() - children)
    print(json.dumps({"wall": seconds, "cpu": cpu, "guides": len(jobs)}))


def catalogue_runs(workers: int, runs: int) -> tuple[float, float, int, tuple[float, ...]]:
    """`catalogue` several times: (median wall, median CPU, count, every wall), since one run of a
    second and a half moves by ±15% on a shared machine."""
    results = [catalogue(workers) for _ in range(runs)]
    walls = tuple(r[0] for r in results)
    return statistics.median(walls), statistics.median(r[1] for r in results), results[0][2], walls


def measure(code: str, rounds: int, workers: int, runs: int) -> Figures:
    cold = cold_in_fresh_process(code)
    base, guide, checklist, base_cpu, guide_cpu, pages = warm(code, rounds)
    serial, serial_cpu, count, serial_walls = catalogue_runs(1, runs)
    parallel, parallel_cpu, _, parallel_walls = catalogue_runs(workers, runs)
    return Figures(base, cold["baseline_cold"], cold["guide_cold"], guide, checklist, base_cpu, guide_cpu, pages,
                   serial, parallel, serial_cpu, parallel_cpu, count, workers, serial_walls, parallel_walls)


def report(f: Figures, code: str) -> bool:
    ratio = lambda a, b: f"{a / b:6.1f}×"  # noqa: E731
    print(f"\n== guide {code} ({f.pages} A4 pages) vs one-line page, same fonts ==")
    print(f"  baseline one-line page   warm {f.baseline_warm:7.3f} s   cold {f.baseline_cold:7.3f} s")
    print(f"  guide                    warm {f.guide_warm:7.3f} s   cold {f.guide_cold:7.3f} s   "
          f"warm ratio {ratio(f.guide_warm, f.baseline_warm)}  cold ratio {ratio(f.guide_cold, f.baseline_cold)}")
    print(f"  简版 checklist (1 page)   warm {f.checklist_warm:7.3f} s   "
          f"ratio {ratio(f.checklist_warm, f.baseline_warm)}")
    print(f"  CPU time, warm           baseline {f.baseline_cpu:7.3f} s   guide {f.guide_cpu:7.3f} s   "
          f"ratio {ratio(f.guide_cpu, f.baseline_cpu)}")
    per_serial, per_parallel = f.serial_total / f.guides, f.parallel_total / f.guides
    spread = lambda walls: f"{min(walls) / f.guides:.3f}–{max(walls) / f.guides:.3f}"  # noqa: E731
    print(f"\n== whole catalogue: {f.guides} guides, rendered and written; median of {len(f.parallel_runs)} runs ==")
    print(f"  serial (1 process)       {f.serial_total:7.2f} s   {per_serial:6.3f} s/guide   "
          f"ratio to baseline {ratio(per_serial, f.baseline_warm)}   CPU {f.serial_cpu:6.2f} s "
          f"({f.serial_cpu / f.guides:5.3f} s/guide)   runs {spread(f.serial_runs)} s/guide")
    print(f"  pool of {f.workers} processes      {f.parallel_total:7.2f} s   {per_parallel:6.3f} s/guide   "
          f"ratio to baseline {ratio(per_parallel, f.baseline_warm)}   CPU {f.parallel_cpu:6.2f} s "
          f"({f.parallel_cpu / f.guides:5.3f} s/guide)   "
          f"speed-up {f.serial_total / f.parallel_total:4.2f}×   runs {spread(f.parallel_runs)} s/guide")
    checks = [(f.guide_warm <= TARGET_WARM_S, f"warm guide {f.guide_warm:.3f} s ≤ {TARGET_WARM_S} s"),
              (per_parallel <= TARGET_CATALOGUE_PER_GUIDE_S,
               f"catalogue on {f.workers} processes {per_parallel:.3f} s/guide ≤ {TARGET_CATALOGUE_PER_GUIDE_S} s")]
    print()
    for ok, text in checks:
        print(f"  {'PASS' if ok else 'FAIL'}  {text}")
    return all(ok for ok, _ in checks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.guides", description=__doc__.splitlines()[0])
    parser.add_argument("--matter", default="road-freight-licence")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--catalogue-runs", type=int, default=3)
    parser.add_argument("--cold-child", help=argparse.SUPPRESS)
    parser.add_argument("--catalogue-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    require_system()
    if args.cold_child:
        _cold_child(args.cold_child)
        return 0
    if args.catalogue_child:
        _catalogue_child(args.catalogue_child)
        return 0
    load = os.getloadavg()[0]
    print(f"bench/guides.py: {args.rounds} warm rounds, {os.cpu_count()} cores, load average {load:.2f} at start")
    figures = measure(args.matter, args.rounds, args.workers, args.catalogue_runs)
    ok = report(figures, args.matter)
    print(f"\n{'ALL PASS' if ok else 'SOME FAIL'} (load average {os.getloadavg()[0]:.2f} at end)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
