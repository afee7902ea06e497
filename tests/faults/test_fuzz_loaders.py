"""Hostile input for the file loaders: checklists, roster (YAML, CSV, XLSX), inspection imports, scenario packs.

Property: every input ends in a correct result or a clean InputError/AppError with a message, never another
exception, never a hang, and an import that fails leaves the store's row counts unchanged.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from inspector_app.core.checklists import ChecklistLibrary
from inspector_app.core.checklists.library import load_checklist
from inspector_app.core.errors import AppError
from inspector_app.core.importing.run import import_inspections
from inspector_app.core.roster import load_roster, read_roster_table
from inspector_app.core.training.packs import load_pack
from inspector_app.core.workspace import Workspace
from tests.faults.hostile import (
    flip_bytes,
    hostile_values,
    leaves,
    replaced,
    time_limit,
)
from tests.faults.scale import fuzz
from tests.faults.xlsx_bombs import BOMBS
from tests.helpers.fixtures import REPO, open_demo_workspace, sqlite_rows

CHECKLIST = REPO / "forms" / "001-assessment.yaml"
ROSTER = REPO / "resources" / "demo" / "roster.yaml"
IMPORT = REPO / "resources" / "templates" / "inspections.example.json"
PACK = REPO / "forms" / "training" / "scenarios" / "001-assessment.scenarios.json"
TABLES = ("inspections", "deductions", "rectifications", "audit_events", "staff", "departments")


def outcome(load: Any, path: Path) -> Any:
    """The loader's result, or None after a clean refusal that names the file and says why."""
    with time_limit(20):
        try:
            return load(path)
        except AppError as exc:
            assert str(exc).strip(), "a refusal without a message"
            return None


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# -- the YAML/JSON reader shared by every format: regressions for what the fuzzing found ------------------
BOMB = "a: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefg", "bcdefgh", strict=True))
HOSTILE_TEXTS = {
    "alias bomb (billion laughs)": BOMB,
    "self-referring alias": "a: &a [*a]\n",
    "nested 5,000 deep": "[" * 5000 + "]" * 5000,
    "nested mappings 5,000 deep": "{a: " * 5000 + "1" + "}" * 5000,
    "python tag": "!!python/object/apply:os.system ['true']\n",
    "NUL byte": "id: \x00\n",
}


@pytest.mark.parametrize("loader", [load_checklist, load_roster, lambda p: load_pack(p, ChecklistLibrary())])
@pytest.mark.parametrize("case", sorted(HOSTILE_TEXTS))
def test_yaml_bombs_and_deep_nesting_are_refused_quickly(tmp_path: Path, loader: Any, case: str) -> None:
    path = write(tmp_path, "hostile.yaml", HOSTILE_TEXTS[case].encode())
    with time_limit(5), pytest.raises(AppError):
        loader(path)


# -- checklists -------------------------------------------------------------------------------------------
@fuzz(40)
@given(st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=4))
def test_checklist_with_damaged_bytes(tmp_path_factory: pytest.TempPathFactory, edits: list) -> None:
    path = write(tmp_path_factory.mktemp("cl"), "damaged.yaml", flip_bytes(CHECKLIST.read_bytes(), edits))
    result = outcome(load_checklist, path)
    assert result is None or result.id


@fuzz(40)
@given(st.data())
def test_checklist_with_hostile_values(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    body = yaml.safe_load(CHECKLIST.read_text(encoding="utf-8"))
    where = data.draw(st.sampled_from(list(leaves(body))))
    text = yaml.safe_dump(replaced(body, where, data.draw(hostile_values)), allow_unicode=True)
    result = outcome(load_checklist, write(tmp_path_factory.mktemp("cl"), "hostile.yaml", text.encode()))
    assert result is None or result.items()


# -- roster ---------------------------------------------------------------------------------------------
@fuzz(40)
@given(st.data())
def test_roster_yaml_with_hostile_values(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    body = yaml.safe_load(ROSTER.read_text(encoding="utf-8"))
    where = data.draw(st.sampled_from(list(leaves(body))))
    text = yaml.safe_dump(replaced(body, where, data.draw(hostile_values)), allow_unicode=True)
    result = outcome(load_roster, write(tmp_path_factory.mktemp("roster"), "roster.yaml", text.encode()))
    assert result is None or result.departments


CSV_HEAD = "工号,姓名,科室,是否科室负责人\n"
csv_cells = st.one_of(st.sampled_from(["1001", "郭建军", "挂号收费窗口", "W-REG", "是", "否", ""]), hostile_values.map(str))


@fuzz(40)
@given(st.lists(st.lists(csv_cells, min_size=0, max_size=6), max_size=6), st.sampled_from(["utf-8", "gbk", "raw"]),
       st.binary(max_size=16))
def test_roster_csv_rows(tmp_path_factory: pytest.TempPathFactory, rows: list, encoding: str, junk: bytes) -> None:
    text = CSV_HEAD + "\n".join(",".join(c.replace(",", " ").replace("\n", " ") for c in row) for row in rows)
    raw = text.encode(encoding, errors="replace") if encoding != "raw" else text.encode() + junk  # junk: bad UTF-8
    outcome(read_roster_table, write(tmp_path_factory.mktemp("csv"), "staff.csv", raw))


@fuzz(25)
@given(st.lists(st.lists(hostile_values.filter(lambda v: not isinstance(v, (list, dict))), max_size=5), max_size=5))
def test_roster_xlsx_cells(tmp_path_factory: pytest.TempPathFactory, rows: list) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = Workbook()
    sheet = book.active
    sheet.append(["工号", "姓名", "科室", "是否科室负责人"])
    for row in rows:
        try:
            sheet.append([v[:30000] if isinstance(v, str) else v for v in row])
        except (IllegalCharacterError, ValueError):
            continue  # openpyxl itself cannot write such a cell; a real file cannot hold it either
    out = io.BytesIO()
    book.save(out)
    outcome(read_roster_table, write(tmp_path_factory.mktemp("xlsx"), "staff.xlsx", out.getvalue()))


@fuzz(25)
@given(st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255)), min_size=1, max_size=3))
def test_roster_xlsx_damaged_bytes(tmp_path_factory: pytest.TempPathFactory, edits: list) -> None:
    from inspector_app.core.roster import write_roster_template

    folder = tmp_path_factory.mktemp("xlsx")
    write_roster_template(folder / "template.xlsx")
    damaged = write(folder, "damaged.xlsx", flip_bytes((folder / "template.xlsx").read_bytes(), edits))
    outcome(read_roster_table, damaged)


# -- inspection imports: all or nothing -------------------------------------------------------------------
@pytest.fixture(scope="module")
def import_ws(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ws = open_demo_workspace(tmp_path_factory.mktemp("import") / "data")
    yield ws
    ws.close()


def counts(ws: Workspace) -> dict[str, int]:
    return {table: sqlite_rows(ws.data_dir, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


@fuzz(40)
@given(st.data())
def test_inspection_import_is_all_or_nothing(import_ws: Workspace, tmp_path_factory: pytest.TempPathFactory,
                                             data: st.DataObject) -> None:
    body = json.loads(IMPORT.read_text(encoding="utf-8"))
    for _ in range(data.draw(st.integers(1, 2))):
        where = data.draw(st.sampled_from(list(leaves(body))))
        body = replaced(body, where, data.draw(hostile_values))
    if data.draw(st.booleans()):  # a fresh start time: a valid file is new, not a refused duplicate
        found = body.get("inspections") if isinstance(body, dict) else None
        for inspection in found if isinstance(found, list) else []:
            if isinstance(inspection, dict) and inspection.get("started_at") == "2026-03-05T09:30:00+08:00":
                inspection["started_at"] = f"2026-03-{data.draw(st.integers(1, 28)):02d}T08:00:00+08:00"
    raw = json.dumps(body, ensure_ascii=False, allow_nan=True).encode()
    before = counts(import_ws)
    report = outcome(lambda p: import_inspections(import_ws, p), write(tmp_path_factory.mktemp("imp"), "in.json", raw))
    after = counts(import_ws)
    if report is None:
        assert after == before, "a refused import changed the store"
    else:
        assert after["inspections"] == before["inspections"] + report.inspections
        assert after["deductions"] >= before["deductions"] + report.deductions


@fuzz(30)
@given(st.binary(max_size=600), st.sampled_from(["in.json", "in.xlsx", "in.csv"]))
def test_inspection_import_of_garbage(import_ws: Workspace, tmp_path_factory: pytest.TempPathFactory, raw: bytes,
                                      name: str) -> None:
    before = counts(import_ws)
    assert outcome(lambda p: import_inspections(import_ws, p), write(tmp_path_factory.mktemp("g"), name, raw)) is None
    assert counts(import_ws) == before


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_xlsx_bombs_are_refused_and_change_nothing(import_ws: Workspace, tmp_path: Path, bomb: str) -> None:
    """Zip and XML bombs (tests/faults/xlsx_bombs.py): a clean refusal from both XLSX readers, store untouched."""
    path = write(tmp_path, "bomb.xlsx", BOMBS[bomb]())
    before = counts(import_ws)
    assert outcome(lambda p: import_inspections(import_ws, p), path) is None
    assert outcome(read_roster_table, path) is None
    assert counts(import_ws) == before


# -- scenario packs ---------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def training_library() -> ChecklistLibrary:
    return ChecklistLibrary.load(include_training=True)


@fuzz(30)
@given(st.data())
def test_scenario_pack_with_hostile_values(training_library: ChecklistLibrary,
                                           tmp_path_factory: pytest.TempPathFactory, data: st.DataObject) -> None:
    body = json.loads(PACK.read_text(encoding="utf-8"))
    where = data.draw(st.sampled_from(list(leaves(body))))
    raw = json.dumps(replaced(body, where, data.draw(hostile_values)), ensure_ascii=False, allow_nan=True).encode()
    path = write(tmp_path_factory.mktemp("pack"), PACK.name, raw)
    outcome(lambda p: load_pack(p, training_library), path)
