"""Demo data: the fictional 示例市人民医院 and realistic finished inspections, recorded like real ones.

Everything goes through the same `Recorder` as the GUI, so demo inspections obey the same rules and make
meaningful demos, training material and benchmark loads. A seed makes the choices repeatable.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from inspector_app.core.checklists import Checklist
from inspector_app.core.checklists.models import ChargeTo
from inspector_app.core.measuring import NewMeasurement, record_measurement
from inspector_app.core.paths import resources_dir
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from inspector_app.core.roster.models import Department as RosterDepartment
from inspector_app.core.roster.models import StaffMember, load_roster
from inspector_app.core.roster_store import (
    apply_roster,
    current_roster,
    departments_for,
)
from inspector_app.core.store.models import Department
from inspector_app.core.workspace import Workspace

DEMO_INSPECTOR = ("演示督查员", "D001")
DEMO_CO_INSPECTORS = ("李督查", "陈督查", None, None)
NOTES = {
    "仪表仪容": ["未佩戴胸牌", "工作服不整洁", "佩戴首饰上岗", "头发未按要求盘起"],
    "劳动纪律": ["上班时间玩手机", "岗位聊天", "迟到 10 分钟", "脱岗约 15 分钟", "在岗吃零食"],
    "服务态度": ["对患者语气生硬", "患者询问时不抬头", "未使用文明用语", "与患者争执"],
    "首问负责": ["患者询问医保报销，答复“不归我管”", "未引导患者到对应窗口"],
    "投诉": ["12345 投诉经查实", "患者向办公室投诉服务态度，经查实"],
    "医德医风": ["未按操作规范核对患者信息", "违反岗位职责"],
    "收费": ["价格公示牌未更新", "未主动提供费用清单"],
    "环境设施": ["候诊区地面有积水", "便民设施损坏未报修", "导向标识不清"],
    "便民服务": ["未提供便民饮水", "无障碍通道被占用"],
    "学习培训": ["本月仅开展 1 次集体学习", "学习记录不全"],
}
DEFAULT_NOTES = ["现场检查发现", "暗访发现", "患者反映，现场核实"]


@dataclass
class DemoResult:
    inspections: int
    deductions: int
    roster_loaded: bool


def ensure_demo_roster(ws: Workspace) -> bool:
    """Load the demo hospital's roster when the store has none yet; True when it was loaded."""
    with ws.db.read() as session:
        if session.scalar(select(func.count()).select_from(Department)):
            return False
    roster = load_roster(resources_dir() / "demo" / "roster.yaml")
    apply_roster(ws, roster, actor="demo")
    if not ws.settings.inspector.name:
        name, number = DEMO_INSPECTOR
        ws.update_settings(hospital=roster.hospital, inspector={"name": name, "staff_no": number})
    return True


def _pick_note(rng: random.Random, category: str) -> str:
    return rng.choice(NOTES.get(category, DEFAULT_NOTES))


def generate(ws: Workspace, inspections: int, seed: int = 1, days: int = 90, end: datetime | None = None,
             progress: Callable[[int, int], bool] | None = None, sign_sheets: bool = False) -> DemoResult:
    """Record `inspections` finished demo inspections spread over the last `days` days.

    `progress(done, total)` is called after each inspection; returning False stops early (cancel).
    """
    rng = random.Random(seed)
    loaded = ensure_demo_roster(ws)
    # imported here, not at the top: the identity package imports the workspace module
    from inspector_app.core.identity import ensure_demo_identity

    ensure_demo_identity(ws)  # the demo inspector signs like a real one (passphrase: DEMO_PASSPHRASE)
    roster = current_roster(ws)
    checklists: list[Checklist] = [c for c in ws.library if not c.training]
    weights = [6 if c.id == "svc-001-assessment" else 1 for c in checklists]
    end = end or datetime.now().astimezone()
    recorder = Recorder(ws, actor="demo")
    name, number = ws.settings.inspector.name or DEMO_INSPECTOR[0], ws.settings.inspector.staff_no or None
    deductions = 0
    done = 0
    for done in range(1, inspections + 1):
        checklist = rng.choices(checklists, weights)[0]
        department = rng.choice(departments_for(checklist, roster))
        staff = roster.staff_of(department.code)
        with recorder.batch():  # one transaction per demo inspection: a demo needs no per-entry fsync
            deductions += _one_inspection(rng, recorder, checklist, department, staff, name, number, end, days)
        if progress is not None and progress(done, inspections) is False:
            break
    _follow_up(ws, rng, end)
    if sign_sheets:
        _sign_sheets(ws)
    return DemoResult(done, deductions, loaded)


def _sign_sheets(ws: Workspace) -> None:
    """Sign the demo inspections' sheets with the demo inspector's key, as a real inspector would."""
    from inspector_app.core.documents.issue import issue_sheet
    from inspector_app.core.identity import DEMO_PASSPHRASE, load_signing_identity
    from inspector_app.core.inspections import InspectionFilter, list_inspections
    from inspector_app.core.store.models import Document

    identity = load_signing_identity(ws, DEMO_PASSPHRASE)
    with ws.db.read() as session:
        signed = set(session.scalars(select(Document.inspection_id).where(Document.kind == "sheet")))
    for row in list_inspections(ws, InspectionFilter(status="finished")):
        if row.origin == "demo" and row.id not in signed:
            issue_sheet(ws, row.id, identity=identity)


def _follow_up(ws: Workspace, rng: random.Random, end: datetime) -> None:
    """Like a real office: most past-deadline items were fixed and re-inspected, some only reported fixed."""
    from inspector_app.core.rectification import (
        RectificationService,
        list_rectifications,
    )

    service = RectificationService(ws, actor="demo")
    with service.batch():
        for item in list_rectifications(ws, status="overdue", today=end.date()):
            roll = rng.random()
            if roll < 0.8:
                service.mark_rectified(item.id, rng.choice(("已组织学习整改", "已当面提醒并签字", "已修复")))
                if roll < 0.65:
                    service.reinspect(item.id, True, rng.choice(("李督查", "陈督查")))


def _one_inspection(rng: random.Random, recorder: Recorder, checklist: Checklist, department: RosterDepartment,
                    staff: list[StaffMember], name: str, number: str | None, end: datetime, days: int) -> int:
    started = end - timedelta(days=rng.uniform(0, days), minutes=30)
    started = started.replace(hour=rng.randint(8, 16), minute=rng.randint(0, 59))
    if started > end - timedelta(hours=1, minutes=30):  # a working hour later today: the day before instead
        started -= timedelta(days=1)  # (a demo inspection never ends in the future)
    deductions = 0
    inspection = recorder.start(NewInspection(
        checklist_id=checklist.id, department=department.code, inspector_name=name, inspector_no=number,
        co_inspector=rng.choice(DEMO_CO_INSPECTORS), mode=rng.choices(("open", "covert"), (7, 3))[0],
        location=department.name, started_at=started, origin="demo"), checklist)
    moment = started
    for _ in range(rng.choices(range(7), (20, 25, 20, 15, 10, 6, 4))[0]):
        item = rng.choice(checklist.items())
        moment += timedelta(minutes=rng.randint(1, 6))
        people: list[str] = []
        if item.charge_to is ChargeTo.PERSON and staff and rng.random() < 0.85:
            people = [rng.choice(staff).staff_no]
        if not item.observable:  # a complaint is the office's register's, once verified (001 §四 第7条)
            continue
        if item.measured:  # a value against its threshold (学习 1 次 of 2 a month, 满意度 87%): usually short
            threshold = item.thresholds[0]
            short = threshold.value * rng.choice((0.0, 0.5, 0.9)) if threshold.op in (">=", ">") else \
                threshold.value * rng.choice((1.2, 1.5, 2.0)) + 1
            value = round(min(short, 100.0), 1) if threshold.unit == "%" else round(short)
            result = record_measurement(recorder, inspection.id, NewMeasurement(
                item.code, {0: value},
                staff_no=people[0] if people else None, recorded_at=moment))
            deductions += len(result.deduction_ids)
            continue
        recorder.record(inspection.id, NewDeduction(
            item_code=item.code, staff_nos=people, count=rng.choices((1, 2, 3), (85, 12, 3))[0],
            note=_pick_note(rng, item.category.value), recorded_at=moment))
        deductions += 1
    recorder.finish(inspection.id, finished_at=moment + timedelta(minutes=rng.randint(2, 10)))
    return deductions
