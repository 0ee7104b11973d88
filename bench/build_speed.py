"""How fast Haven builds a large hub: clean builds of a synthetic, fully translated hub.

    python bench/build_speed.py [--languages 20] [--organizations 100] [--runs 5]

The hub is generated once (bench/make_synthetic_hub.py) into a temporary folder. Each run is a
clean build (the output folder removed first) of `haven.build.build(content, output)`, timed
inside a fresh Python process, as `haven build` runs: Haven's in-memory caches (Markdown,
dates, phone numbers, language names) start empty every time, and the time of starting Python
and importing Haven is reported apart. Compiled templates are kept on disk between builds, as
Python keeps bytecode (haven.template_cache); one more build with an empty template cache is
reported apart. `--in-process` runs all builds in this process
instead, so that later runs profit from warm caches (as a preview server rebuilding would).

Printed: each run, the median, pages built (BuildReport.total_pages), pages per second at the
median, peak RSS, and the time of each pipeline step (load, validate, build_model, translate,
render, summarize, publish) for one more run, with each step function of haven.build timed.
`--profile` adds a cProfile of one build, sorted by cumulative time.

Target: at least 2,000 pages per second for 20 languages × 100 organizations on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET_PAGES_PER_SECOND = 2000


def _peak_rss_mb() -> float:
    """Peak resident memory of this process, in MiB (ru_maxrss is in KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _children_cpu() -> float:
    """CPU time (user + system) of this process's finished children: the language workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# -- what one run does (in a child process unless --in-process) --------------------------------


def file_system_cost(folder: Path, count: int = 200) -> float:
    """Microseconds of CPU to make one folder holding one small page, as a build does for
    nearly every page (`es/help/org/<id>/index.html`), in `folder`'s file system."""
    probe = Path(tempfile.mkdtemp(prefix=".haven-probe-", dir=folder))
    try:
        started = time.process_time()
        for n in range(count):
            page = probe / str(n)
            page.mkdir()
            (page / "index.html").write_bytes(b"x" * 14000)
        return (time.process_time() - started) / count * 1e6
    finally:
        shutil.rmtree(probe)


def clean(output: Path) -> None:
    """Remove the previous build, and let the disk finish removing it before the clock starts.

    Deleting thousands of files is finished by the file system later (journal commits,
    discards on a VM's disk); without the sync, that work lands in the next timed build.
    With --drop-caches (HAVEN_BENCH_DROP_CACHES=1), the kernel's caches are emptied too.
    """
    if output.exists():
        shutil.rmtree(output)
    os.sync()
    if os.environ.get("HAVEN_BENCH_DROP_CACHES") == "1":
        Path("/proc/sys/vm/drop_caches").write_text("3\n")


def timed_build(content: Path, output: Path) -> dict[str, Any]:
    """One clean build through haven.build.build()."""
    from haven.build import build

    clean(output)
    started, cpu = time.perf_counter(), time.process_time()
    workers = _children_cpu()
    report = build(content, output, pdf=PDF)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "workers_cpu": _children_cpu() - workers,
        "pages": report.total_pages,
        "files": report.files,
        "warnings": len(report.warnings),
        "rss_mb": _peak_rss_mb(),
    }


PDF = os.environ.get("HAVEN_BENCH_PDF") == "1"
"""Whether builds make the printable PDFs too (--pdf); pages per second counts HTML pages."""

STEPS = ("load", "validate", "build_model", "translate", "render", "summarize", "publish")


def timed_steps(content: Path, output: Path) -> dict[str, Any]:
    """One clean build through build(), with each pipeline step of haven.build timed.

    The step functions are looked up by name in haven.build and wrapped there, so build()
    runs exactly as usual, in its own order, whatever the steps' arguments are.
    """
    from haven import build as pipeline

    clean(output)
    steps: dict[str, float] = {}
    cpu: dict[str, float] = {}
    out: dict[str, Any] = {}

    def timed(name: str, func: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = func(*args, **kwargs)
            steps[name] = steps.get(name, 0.0) + time.perf_counter() - started
            cpu[name] = cpu.get(name, 0.0) + time.process_time() - cpu_started
            if name == "render" and hasattr(result, "sizes"):
                out["bytes"] = sum(result.sizes.values())
            return result

        return wrapper

    originals = {
        name: getattr(pipeline, name) for name in STEPS if callable(getattr(pipeline, name, None))
    }
    for name, func in originals.items():
        setattr(pipeline, name, timed(name, func))
    try:
        report = pipeline.build(content, output, pdf=PDF)
    finally:
        for name, func in originals.items():
            setattr(pipeline, name, func)
    return {
        "steps": {n: steps[n] for n in STEPS if n in steps},
        "cpu": cpu,
        "pages": report.total_pages,
        "files": report.files,
        "bytes": out.get("bytes", 0),
        "rss_mb": _peak_rss_mb(),
    }


def profiled_build(content: Path, output: Path, top: int) -> dict[str, Any]:
    import cProfile
    import io
    import pstats

    from haven.build import build

    clean(output)
    profile = cProfile.Profile()
    profile.enable()
    build(content, output, pdf=PDF)
    profile.disable()
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(top)
    return {"profile": text.getvalue()}


def child(mode: str, content: Path, output: Path, top: int) -> None:
    """Entry point of a child process: import Haven (timed), do one run, print JSON."""
    started = time.perf_counter()
    import haven.build  # noqa: F401  (the import is what is timed)

    imported = time.perf_counter() - started
    if mode == "build":
        result = timed_build(content, output)
    elif mode == "steps":
        result = timed_steps(content, output)
    else:
        result = profiled_build(content, output, top)
    result["import_seconds"] = imported
    print(json.dumps(result))


def in_child(mode: str, content: Path, output: Path, top: int = 30,
             cache_home: Path | None = None) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        mode,
        str(content),
        str(output),
        "--top",
        str(top),
    ]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)} if cache_home else None
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {mode} run failed (exit status {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# -- the benchmark ------------------------------------------------------------------------------


def generate(content: Path, languages: int, organizations: int, seed: int) -> None:
    """Generate the hub in a child process, so that its memory does not count as the build's."""
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(HERE / "make_synthetic_hub.py"),
            str(content),
            "--languages",
            str(languages),
            "--organizations",
            str(organizations),
            "--seed",
            str(seed),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(
        f"generated {languages} languages × {organizations} organizations in "
        f"{time.perf_counter() - started:.1f} s ({content})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--languages", type=int, default=20)
    parser.add_argument("--organizations", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pdf", action="store_true",
                        help="make the printable PDFs too (off by default: pages/s counts pages)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--content", type=Path, help="build this content folder instead of generating one"
    )
    parser.add_argument("--keep", type=Path, help="generate the hub into this folder and keep it")
    parser.add_argument(
        "--output-dir", type=Path,
        help="build the site in this folder (default: beside the generated hub, in the system's "
             "temporary folder; file creation speed differs a lot between disks)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="run every build in this process (warm caches after the first run)",
    )
    parser.add_argument("--no-steps", action="store_true", help="skip the per-step timing")
    parser.add_argument(
        "--drop-caches", action="store_true",
        help="empty the kernel's page, inode and folder caches before each build (root only): "
             "on some virtual machines, creating files gets slower build after build as they fill")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also print a cProfile of one build (fresh process), by cumulative time",
    )
    parser.add_argument("--top", type=int, default=30, help="lines of the profile (default 30)")
    parser.add_argument(
        "--child", nargs=3, metavar=("MODE", "CONTENT", "OUTPUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)

    if args.child:
        mode, content, output = args.child
        child(mode, Path(content), Path(output), args.top)
        return

    if args.drop_caches:
        if not os.access("/proc/sys/vm/drop_caches", os.W_OK):
            raise SystemExit("--drop-caches needs root (it writes /proc/sys/vm/drop_caches)")
        os.environ["HAVEN_BENCH_DROP_CACHES"] = "1"  # for the child processes
    global PDF
    if args.pdf:
        PDF = True
        os.environ["HAVEN_BENCH_PDF"] = "1"  # for the child processes
    with tempfile.TemporaryDirectory(prefix="haven-bench-") as tmp:
        work = Path(tmp)
        if args.content:
            content = args.content
            print(f"content: {content}")
        else:
            content = args.keep or work / "content"
            generate(content, args.languages, args.organizations, args.seed)
        output = (args.output_dir / "site") if args.output_dir else work / "site"

        output.parent.mkdir(parents=True, exist_ok=True)
        cost = file_system_cost(output.parent)
        print(f"output: {output} (making a folder with a page in it there takes {cost:,.0f} µs "
              "of CPU; a build makes some 3,400 of them)")
        print(
            f"{args.runs} clean build(s){' with PDFs' if PDF else ' (no PDFs)'}, "
            f"{'in this process' if args.in_process else 'each in a fresh Python process'}:"
        )
        runs = []
        for n in range(1, args.runs + 1):
            result = (
                timed_build(content, output)
                if args.in_process
                else in_child("build", content, output)
            )
            runs.append(result)
            extra = (
                "" if args.in_process else f"  (+ {result['import_seconds']:.2f} s importing haven)"
            )
            seconds, pages = result["seconds"], result["pages"]
            workers = result.get("workers_cpu", 0.0)
            print(
                f"  run {n}: {seconds:.3f} s ({result['cpu']:.3f} s CPU in the main process"
                f"{f', {workers:.3f} s in workers' if workers else ''}), "
                f"{pages} pages, {pages / seconds:,.0f} pages/s{extra}"
            )

        if not args.in_process:
            # Haven keeps its compiled templates on disk between builds (haven.template_cache),
            # as Python keeps bytecode: a machine's very first build compiles them.
            cold = in_child("build", content, output, cache_home=work / "empty-cache")
            print(f"  first build with an empty template cache: {cold['seconds']:.3f} s, "
                  f"{cold['pages'] / cold['seconds']:,.0f} pages/s (not in the median)")

        median = statistics.median(r["seconds"] for r in runs)
        median_cpu = statistics.median(r["cpu"] for r in runs)
        pages = runs[-1]["pages"]
        rate = pages / median
        peak = max(r["rss_mb"] for r in runs)
        print()
        print(f"median:       {median:.3f} s wall, {median_cpu:.3f} s CPU")
        print(
            f"pages built:  {pages} ({runs[-1]['files']} files, {runs[-1]['warnings']} warning(s))"
        )
        verdict = "met" if rate >= TARGET_PAGES_PER_SECOND else "NOT met"
        print(
            f"pages/s:      {rate:,.0f} at the median "
            f"(target ≥ {TARGET_PAGES_PER_SECOND:,}: {verdict})"
        )
        print(f"peak RSS:     {peak:,.0f} MiB")
        load = os.getloadavg()[0]
        if load > 0.5:
            print(
                f"note: 1-minute load average {load:.1f}: other processes share the CPU, so "
                "times are noisy (CPU times too, on a virtual machine); rerun on an idle machine"
            )

        if not args.no_steps:
            result = (
                timed_steps(content, output)
                if args.in_process
                else in_child("steps", content, output)
            )
            total = sum(result["steps"].values())
            print()
            print(f"time per step (one more clean build, {result['bytes'] / 1e6:.1f} MB written):")
            print(f"  {'step':<12} {'wall':>8}  {'share':>6}  {'CPU':>8}")
            for name, seconds in result["steps"].items():
                print(
                    f"  {name:<12} {seconds:7.3f} s  {100 * seconds / total:5.1f} %  "
                    f"{result['cpu'][name]:7.3f} s"
                )
            print(f"  {'total':<12} {total:7.3f} s  {'':>6}  {sum(result['cpu'].values()):7.3f} s")

        if args.profile:
            print()
            print(in_child("profile", content, output, args.top)["profile"])


if __name__ == "__main__":
    main()
