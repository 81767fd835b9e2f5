"""Timing and reporting for `make bench`.

Every figure is a ratio to a baseline measured in the same run, on the same machine and
the same rows, so that a slow machine or a busy neighbour moves both sides together.
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Figure:
    """One measured figure: `value` against `baseline`, both in `unit`."""

    section: str
    name: str
    value: float
    baseline: float | None
    unit: str
    baseline_name: str = ""
    target: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.baseline:
            return None
        return self.value / self.baseline

    def row(self) -> str:
        ratio = f"{self.ratio:.2f}×" if self.ratio is not None else "–"
        baseline = f"{self.baseline:.4g} {self.unit}" if self.baseline is not None else "–"
        return (
            f"| {self.name} | {self.value:.4g} {self.unit} | {baseline} ({self.baseline_name}) "
            f"| **{ratio}** | {self.target} | {self.note} |"
        )


def timings(fn: Callable[[], object], *, repeat: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def machine() -> str:
    cores = os.cpu_count()
    memory = ""
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except OSError:
        pass
    return f"{platform.machine()}, {cores} cores{memory}, Python {platform.python_version()}"


_RATIO_TARGET = re.compile(r"≤ ([0-9.]+)×")


def missed(figures: list[Figure]) -> list[Figure]:
    """The figures over their ratio target, as the table shows them (two decimals)."""
    over = []
    for figure in figures:
        match = _RATIO_TARGET.search(figure.target or "")
        if match and figure.ratio is not None and round(figure.ratio, 2) > float(match[1]):
            over.append(figure)
    return over


def _summary(figures: list[Figure]) -> str:
    over = missed(figures)
    if not over:
        return "Every ratio target was met in this run."
    named = "; ".join(f"{f.name} **{f.ratio:.2f}×** (target {f.target})" for f in over)
    return f"Targets missed in this run: {named}. The notes say why."


def write(figures: list[Figure], *, command: str, database: str, notes: list[str]) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Made by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        f"Machine: {machine()}. Database: {database}.",
        "",
        "Each figure is a ratio to a baseline measured in the same run over the same rows.",
        "",
        _summary(figures),
        "",
    ]
    for section in dict.fromkeys(f.section for f in figures):
        lines += [
            f"## {section}",
            "",
            "| figure | measured | baseline | ratio | target | note |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += [f.row() for f in figures if f.section == section]
        lines.append("")
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    # Sections written by other commands (`make load`) are kept as they were.
    kept = "".join(f"\n{block}\n" for block in _kept_sections().values())
    RESULTS.write_text("\n".join(lines) + kept, encoding="utf-8")


_SECTION_START = "<!-- section: {} -->"
_SECTION_END = "<!-- end section: {} -->"


def _kept_sections() -> dict[str, str]:
    """The blocks `write_section` left in RESULTS.md, by title, in file order."""
    if not RESULTS.exists():
        return {}
    text = RESULTS.read_text(encoding="utf-8")
    blocks: dict[str, str] = {}
    marker = "<!-- section: "
    position = text.find(marker)
    while position != -1:
        title = text[position + len(marker) : text.index(" -->", position)]
        end_marker = _SECTION_END.format(title)
        end = text.find(end_marker, position)
        if end == -1:
            break
        blocks[title] = text[position : end + len(end_marker)]
        position = text.find(marker, end)
    return blocks


def write_section(title: str, body: list[str], *, command: str) -> None:
    """Put (or replace) one section of RESULTS.md made by another command than
    `make bench`; `write` keeps it when it rewrites the benchmark figures."""
    block = "\n".join(
        [
            _SECTION_START.format(title),
            f"## {title}",
            "",
            f"Made by `{command}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
            "",
            *body,
            _SECTION_END.format(title),
        ]
    )
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    existing = _kept_sections().get(title)
    text = text.replace(existing, block) if existing else text.rstrip("\n") + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")
