"""Several laptops of one hospital, and bundles re-signed with a real enrolled key (the attacker's tools).

`enrol_laptop` makes a data folder as a new laptop would be: the demo roster, the office's folder copied in,
an inspector with their own 工号 and key enrolled by that office. `resigned` builds a new batch from a
pushed bundle with its data edited and the manifest signed again by the laptop's own key: what a
compromised laptop could send.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from inspector_app.core.identity import (
    DEMO_PASSPHRASE,
    ensure_demo_identity,
    load_signing_identity,
    storage,
)
from inspector_app.core.store.audit import canonical
from inspector_app.core.sync.bundle_format import DATA, MANIFEST, SIGNATURE, bundle_name
from inspector_app.core.sync.signing import sign_bytes
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import open_demo_workspace, seed_from_template


def enrol_laptop(template: Path, office: Path, data: Path, name: str, staff_no: str) -> None:
    """A closed laptop data folder seeded from `template` (demo roster), inspector `staff_no` enrolled by the
    office in the folder `office`."""
    seed_from_template(template, data)
    shutil.copytree(office, storage.default_office_dir(data))
    ws = Workspace.open(data)
    try:
        ws.update_settings(inspector={"name": name, "staff_no": staff_no, "office": "综合办公室"})
        ensure_demo_identity(ws)
    finally:
        ws.close()


def demo_laptop(root: Path, office: Path | None, name: str, staff_no: str) -> Workspace:
    """A demo laptop in `root`/data; with `office`, enrolled by that office (its folder copied in, as the office's
    USB stick, and what it issued copied back)."""
    ws = open_demo_workspace(root / "data")
    ws.update_settings(inspector={**ws.settings.inspector.model_dump(), "name": name, "staff_no": staff_no})
    if office is not None:
        shutil.copytree(office, storage.default_office_dir(ws.data_dir))
    ensure_demo_identity(ws)
    if office is not None:
        shutil.copytree(storage.default_office_dir(ws.data_dir) / "issued", office / "issued", dirs_exist_ok=True)
    return ws


def found_hospital(root: Path, template: Path, staff_nos: list[str]) -> tuple[Path, list[Path]]:
    """An office folder under `root` and one enrolled laptop folder per 工号 (`root/<工号>`), all closed."""
    from inspector_app.core.identity.office import office_init

    office = root / "office"
    office_init(office, "示例市人民医院 综合办公室", DEMO_PASSPHRASE)
    laptops = []
    for staff_no in staff_nos:
        enrol_laptop(template, office, root / staff_no, f"督查员{staff_no}", staff_no)
        laptops.append(root / staff_no)
    return office, laptops


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def resigned(ws: Workspace, source: Path, folder: Path, edit: Callable[[dict[str, Any]], None], *,
             list_inspections: bool = False) -> Path:
    """A new batch built from `source`: data edited, new batch id, manifest re-signed by `ws`'s inspector
    (`list_inspections`: the manifest lists the edited data's inspections, as a careful attacker would)."""
    content = members(source)
    data = json.loads(content[DATA])
    edit(data)
    content[DATA] = canonical(data).encode("utf-8")
    manifest = json.loads(content[MANIFEST])
    manifest["batch_id"] = str(uuid.uuid4())
    if list_inspections:
        manifest["inspection_ids"] = [record["inspection"]["id"] for record in data["inspections"]]
    for member in manifest["members"]:
        if member["name"] == DATA:
            member.update(sha256=hashlib.sha256(content[DATA]).hexdigest(), size=len(content[DATA]))
    content[MANIFEST] = canonical(manifest).encode("utf-8")
    content[SIGNATURE] = sign_bytes(load_signing_identity(ws, DEMO_PASSPHRASE).private_key, content[MANIFEST])
    target = folder / bundle_name(manifest["device_id"], manifest["batch_id"])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in content.items():
            zf.writestr(zipfile.ZipInfo(name, (2026, 1, 1, 0, 0, 0)), body, zipfile.ZIP_DEFLATED)
    return target
