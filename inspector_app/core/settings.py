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


class DocumentSettings(Strict):
    """How this laptop numbers and addresses the official documents it issues (set by the office)."""

    notice_prefix: str = Field(default="督改", min_length=1, max_length=16,
                               description="机关代字 of rectification notices, e.g. 院办督改 → 院办督改〔2026〕3012号")
    bulletin_prefix: str = Field(default="督通", min_length=1, max_length=16,
                                 description="机关代字 of monthly bulletins, e.g. 院办督通 → 院办督通〔2026〕3001号")
    register_block: int | None = Field(
        default=None, ge=1, le=999,
        description="This laptop's block of register numbers, assigned by the office (block 3 numbers 3001–3999 "
                    "each year), so numbers never collide between laptops without a network")
    copy_to: str = Field(default="审计科", max_length=100, description="抄送 of rectification notices")
    reinspect_after_days: int = Field(default=1, ge=0, le=90,
                                      description="Re-inspection this many days after the last deadline")


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
    documents: DocumentSettings = Field(default_factory=DocumentSettings)


def load_settings(data_dir: Path) -> Settings:
    path = data_dir / SETTINGS_FILE
    return load_model(path, Settings) if path.exists() else Settings()


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write atomically: a crash mid-save leaves the old file, never half a file."""
    text = json.dumps(settings.model_dump(mode="json"), ensure_ascii=False, indent=2)
    write_atomic(data_dir / SETTINGS_FILE, text.encode("utf-8"))
