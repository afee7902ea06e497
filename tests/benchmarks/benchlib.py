"""A benchmark figure: the measurement, its same-run baseline, the ratio, and the target."""

from __future__ import annotations

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
