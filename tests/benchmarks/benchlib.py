"""A benchmark figure: the measurement, its same-run baseline, the ratio, and the target."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    baseline_name: str
    target: str
    met: bool | None

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("inf")

    def line(self) -> str:
        verdict = {True: "meets", False: "MISSES", None: "-"}[self.met]
        return (f"{self.name}: {self.value:.3f} {self.unit}  (baseline {self.baseline:.3f} {self.unit}: "
                f"{self.baseline_name}; ratio {self.ratio:.2f})  target {self.target}: {verdict}")

    def to_dict(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def best_of(work: Callable[[], object], repeat: int = 3) -> float:
    """The best of `repeat` timings of `work` (a warm cache, as at the office), in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


Report = Callable[[Figure], object]


def central_main(name: str, doc: str, run: Callable[[str, int, Report], object]) -> int:
    """The command line of a benchmark over a filled central PostgreSQL (central_load's year): --deductions N,
    --url URL (reuse a database filled before), --keep (leave the throwaway cluster running). `run(url, N,
    report)` hands each figure to `report` as soon as it is measured (a year takes minutes)."""
    import argparse
    import os
    import sys

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--deductions", type=int, default=int(os.environ.get("CENTRAL_DEDUCTIONS", "200000")))
    parser.add_argument("--url", help="a central PostgreSQL database, empty or filled by an earlier run")
    parser.add_argument("--keep", action="store_true", help="leave the throwaway cluster running (prints its URL)")
    args = parser.parse_args()
    cluster = None
    url = args.url
    if url is None:
        from helpers.postgres import Cluster, _bin_dir

        bin_dir = _bin_dir()
        if bin_dir is None:
            print(f"{name}: PostgreSQL is not installed here", file=sys.stderr)
            return 1
        cluster = Cluster(bin_dir)
        url = cluster.new_database()
        print(f"{name}: {url}", file=sys.stderr, flush=True)
    try:
        run(url, args.deductions, lambda figure: print(figure.line(), flush=True))
    finally:
        if cluster is not None and not args.keep:
            cluster.stop()
    return 0
