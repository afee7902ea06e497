"""A ready, enrolled identity for demo data, so demo documents verify against a trusted (demo) office.

The demo passphrase is public (documented in the README and here): demo data is for training and screenshots,
never for real inspections.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from inspector_app.core.errors import AppError
from inspector_app.core.identity import certs, storage
from inspector_app.core.identity.enrolment import (
    export_enrolment_request,
    import_certificate,
)
from inspector_app.core.identity.inspector import (
    create_for,
    has_identity,
    identity_status,
    unlock_key,
)
from inspector_app.core.identity.office import office_enrol, office_init, office_paths
from inspector_app.core.workspace import Workspace

DEMO_PASSPHRASE = "demo-passphrase"  # public on purpose: opens the demo inspector's key and the demo office
DEMO_NAME = ("演示督查员", "D001")  # when the settings name nobody (same as core.demo.DEMO_INSPECTOR)
DEMO_OFFICE = "综合办公室"


def _demo_person(ws: Workspace) -> certs.Person:
    inspector = ws.settings.inspector
    name, number = inspector.name.strip(), inspector.staff_no.strip()
    if not name or not number:
        name, number = DEMO_NAME
    return certs.Person(name, number, ws.settings.hospital, inspector.office)


def _opens_with_demo_passphrase(ws: Workspace) -> bool:
    try:
        unlock_key(ws, DEMO_PASSPHRASE)
    except AppError:
        return False
    return True


def ensure_demo_identity(ws: Workspace) -> None:
    """Create the demo identity and office and enrol, step by step; a real identity is never touched.

    Idempotent: each step is skipped when already done, so a run cut short is completed next time.
    """
    if has_identity(ws):
        if identity_status(ws).enrolled or not _opens_with_demo_passphrase(ws):
            return  # enrolled already, or someone's real identity: leave it alone
    else:
        create_for(ws, DEMO_PASSPHRASE, _demo_person(ws))
    office = storage.default_office_dir(ws.data_dir)
    key_file, cert_file = office_paths(office)
    if not (key_file.exists() and cert_file.exists()):
        hospital = ws.settings.hospital.strip()
        office_init(office, f"{hospital} {DEMO_OFFICE}".strip(), DEMO_PASSPHRASE)
    with tempfile.TemporaryDirectory(prefix="enrol-", dir=storage.identity_dir(ws.data_dir)) as tmp:
        request, issued = Path(tmp) / "request.csr.pem", Path(tmp) / "issued.cert.pem"
        export_enrolment_request(ws, DEMO_PASSPHRASE, request)
        office_enrol(office, DEMO_PASSPHRASE, request, issued)
        import_certificate(ws, issued)
