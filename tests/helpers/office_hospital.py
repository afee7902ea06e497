"""Two laptops of one hospital with demo data and a few known inspections, for the office's browse and workspace
tests: L001's covert W-REG inspection of 2025-06-10 (a photo sent, a photo lost, a void, two hand signatures,
the signed sheet) and L002's W-REG inspection of 2025-06-20 finding the same item on the same person again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from inspector_app.core.demo import generate
from inspector_app.core.documents.issue import issue_sheet
from inspector_app.core.documents.signatures import save_hand_signature
from inspector_app.core.identity import DEMO_PASSPHRASE, load_signing_identity
from inspector_app.core.identity.office import load_office_certificate
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.sync import push
from inspector_app.core.workspace import Workspace
from tests.helpers.fixtures import ASSESSMENT, TZ8, local_time, make_image, sqlite_rows
from tests.helpers.hospital import found_hospital

END = datetime(2025, 6, 28, 18, tzinfo=TZ8)
TODAY = date(2025, 6, 29)


@dataclass
class Hospital:
    laptops: list[Path]
    bundles: list[Path]
    trusted: list
    main: str  # L001, W-REG 2025-06-10: A3 on 1001 with a photo, A2 on 1002 whose photo was lost, A1, a void
    photo_sha256: str
    again: str  # L002, W-REG 2025-06-20: A3 on 1001 again


def signature_png(colour: tuple[int, int, int] = (0, 0, 90)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (300, 100), (255, 255, 255, 0))
    ImageDraw.Draw(image).line([(10, 80), (120, 20), (290, 60)], fill=colour, width=5)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _special(ws: Workspace, root: Path) -> tuple[str, str]:
    recorder = Recorder(ws, actor="tester")
    checklist = ws.library.get(ASSESSMENT)
    inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "督查员L001", inspector_no="L001",
                                              started_at=local_time(2025, 6, 10, 9, 30), mode="covert",
                                              co_inspector="李督查", location="门诊一楼挂号大厅"), checklist).id
    photo = make_image(root / "badge.png", (300, 200))
    lost = make_image(root / "lost.png", (200, 100))
    at = local_time(2025, 6, 10, 9, 40)
    recorder.record(inspection, NewDeduction("A3", ["1001"], note="未佩戴胸牌", photos=[photo], recorded_at=at))
    recorder.record(inspection, NewDeduction("A2", ["1002"], count=2, note="迟到", photos=[lost], recorded_at=at))
    recorder.record(inspection, NewDeduction("A1", [], note="本月未学习", recorded_at=at))
    [voided] = recorder.record(inspection, NewDeduction("A4", ["1003"], note="记错了", recorded_at=at))
    recorder.void(voided, "不是本窗口人员")
    recorder.finish(inspection, finished_at=local_time(2025, 6, 10, 10, 15))
    save_hand_signature(ws, inspection, "inspector", "督查员L001", signature_png())
    save_hand_signature(ws, inspection, "department", "郭建军", signature_png((90, 0, 0)))
    issue_sheet(ws, inspection, identity=load_signing_identity(ws, DEMO_PASSPHRASE))
    [(lost_path,)] = sqlite_rows(ws.data_dir, "SELECT p.path FROM photos p JOIN deductions d ON d.id = p.deduction_id "
                                              "WHERE d.item_code = 'A2' AND d.inspection_id = ?", [inspection])
    (ws.data_dir / lost_path).unlink()  # the photo was lost on the laptop: its bundle says "not sent"
    [(sha,)] = sqlite_rows(ws.data_dir, "SELECT p.sha256 FROM photos p JOIN deductions d ON d.id = p.deduction_id "
                                        "WHERE d.item_code = 'A3' AND d.inspection_id = ?", [inspection])
    return inspection, sha


def office_hospital(root: Path, template: Path) -> Hospital:
    """Two laptops (L001, L002) of one hospital with demo data to 2025-06-28 and the inspections above, pushed
    to `root/share`; nothing merged yet."""
    office, laptops = found_hospital(root, template, ["L001", "L002"])
    share = root / "share"
    share.mkdir()
    sent, special = [], {}
    for n, folder in enumerate(laptops):
        with Workspace.open(folder) as ws:
            generate(ws, 24, seed=70 + n, days=60, end=END)
            if n == 0:
                special["main"], special["sha"] = _special(ws, root)
            else:
                recorder = Recorder(ws, actor="tester")
                again = recorder.start(NewInspection(ASSESSMENT, "W-REG", "督查员L002", inspector_no="L002",
                                                     started_at=local_time(2025, 6, 20, 14)),
                                       ws.library.get(ASSESSMENT)).id
                recorder.record(again, NewDeduction("A3", ["1001"], note="仍未佩戴胸牌",
                                                    recorded_at=local_time(2025, 6, 20, 14, 5)))
                recorder.finish(again, finished_at=local_time(2025, 6, 20, 14, 30))
                special["again"] = again
            report = push(ws, share, DEMO_PASSPHRASE)
            assert report.bundle is not None
            sent.append(report.bundle)
    return Hospital(laptops, sent, [load_office_certificate(office)], special["main"], special["sha"],
                    special["again"])
