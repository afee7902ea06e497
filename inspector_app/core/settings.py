"""The local settings file (`settings.json` in the data folder): a pydantic model with a JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import Field

from inspector_app.core.checklists.models import Strict
from inspector_app.core.fileformat import load_model
from inspector_app.core.files import write_atomic

SETTINGS_FILE = "settings.json"


class InspectorProfile(Strict):
    name: str = Field(default="", max_length=64, description="督查员姓名")
    staff_no: str = Field(default="", max_length=32, description="工号")
    office: str = Field(default="综合办公室", max_length=64, description="所属办公室")


class Settings(Strict):
    hospital: str = Field(default="示例市人民医院", max_length=100)
    inspector: InspectorProfile = Field(default_factory=InspectorProfile)
    share_folder: str | None = Field(default=None, description="Central share (network folder or USB stick)")
    language: str = Field(default="zh", pattern="^(zh|en)$")
    font_size: int = Field(default=11, ge=8, le=24)
    photo_max_px: int = Field(default=1600, ge=320, le=8000, description="Photos are downscaled to this size")
    window_geometry: str | None = Field(default=None, description="Opaque GUI state")
    first_run_done: bool = Field(default=False, description="The first-run wizard was completed")
    training: bool = Field(default=False, description="A training workspace (<data>/training/): every "
                                                      "inspection is a training one and nothing is sent")


def load_settings(data_dir: Path) -> Settings:
    path = data_dir / SETTINGS_FILE
    return load_model(path, Settings) if path.exists() else Settings()


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write atomically: a crash mid-save leaves the old file, never half a file."""
    text = json.dumps(settings.model_dump(mode="json"), ensure_ascii=False, indent=2)
    write_atomic(data_dir / SETTINGS_FILE, text.encode("utf-8"))
