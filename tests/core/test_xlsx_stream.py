"""The streamed workbook writer (core/xlsx_stream.py): what a spreadsheet reads back is what was written.

openpyxl reads every file back: text stays text (formula-looking text with the quote prefix), numbers stay
numbers, the header is bold and frozen, the sheet prints landscape with the header on each page; a failure
half way leaves no file; any text survives, less the control characters XML cannot hold.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from inspector_app.core.xlsx_stream import StreamedWorkbook, write_streamed_workbook


def test_cells_headers_and_print_setup_read_back(tmp_path: Path) -> None:
    rows = [["2026-06-01", "0012", "张三", 1, 2.5, True, None],
            ["2026-06-02", '=HYPERLINK("http://x","点击")', "a & b < c > d", 2, 0.1 + 0.2, False, "  padded "],
            ["2026-06-03", "-2", "@me", 3, 1e-7, None, "line one\nline two\r\nthree"]]
    path = write_streamed_workbook(tmp_path / "out.xlsx", [
        ("明细", ["日期", "工号", "姓名", "次数", "扣分", "是", "备注"], rows),
        ("Second", ["A"], [[n] for n in range(5)])])
    book = load_workbook(path)
    sheet, second = book.worksheets
    assert [s.title for s in book.worksheets] == ["明细", "Second"]
    assert [c.value for c in sheet[1]] == ["日期", "工号", "姓名", "次数", "扣分", "是", "备注"]
    assert all(c.font.b and c.alignment.horizontal == "center" for c in sheet[1])
    read = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert read == rows
    formula = sheet["B3"]
    assert formula.data_type == "s" and formula.quotePrefix and formula.value.startswith("=")
    assert sheet["B4"].data_type == "s" and sheet["B4"].value == "-2" and sheet["B4"].quotePrefix
    assert sheet["D2"].data_type == "n" and sheet["F2"].value is True
    assert sheet.freeze_panes == "A2" and second.freeze_panes == "A2"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows in ("1:1", "$1:$1")
    assert sheet.column_dimensions["C"].width >= 8
    assert [r[0] for r in second.iter_rows(min_row=2, values_only=True)] == list(range(5))
    with zipfile.ZipFile(path) as archive:  # no formula anywhere in the sheet XML
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_control_characters_are_left_out_and_titles_follow_excels_rules(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    with StreamedWorkbook(path) as book:
        book.add_sheet("a/b:c*d?[e]" + "x" * 40, ["h"], [["bell\x07 and nul\x00 gone", "tab\tkept"]], [10])
        book.add_sheet("A/B:C*D?[E]" + "X" * 40, ["h"], [], [10])
    first, second = load_workbook(path).worksheets
    assert first.title == "a_b_c_d__e_" + "x" * 20 and len(second.title) <= 31
    assert first.title.lower() != second.title.lower()
    assert [c.value for c in first[2]] == ["bell and nul gone", "tab\tkept"]


def test_a_failure_half_way_leaves_no_file(tmp_path: Path) -> None:
    def rows():
        yield ["one"]
        raise RuntimeError("database gone")

    target = tmp_path / "pay.xlsx"
    with pytest.raises(RuntimeError), StreamedWorkbook(target) as book:
        book.add_sheet("S", ["h"], rows(), [8])
    assert list(tmp_path.iterdir()) == []


LEGAL = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x01\x02\x03\x04\x05\x06\x07\x08"
                      "\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\ufffe\uffff")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.one_of(st.text(LEGAL, max_size=30), st.integers(-10**12, 10**12),
                                   st.floats(allow_nan=False, allow_infinity=False), st.none()),
                         min_size=3, max_size=3), max_size=20))
def test_any_text_and_number_reads_back_as_written(tmp_path_factory: pytest.TempPathFactory,
                                                   rows: list[list[object]]) -> None:
    path = tmp_path_factory.mktemp("any") / "any.xlsx"
    write_streamed_workbook(path, [("S", ["a", "b", "c"], rows)])
    sheet = load_workbook(path).worksheets[0]
    read = [list(r) for r in sheet.iter_rows(min_row=2, max_row=len(rows) + 1, max_col=3, values_only=True)]
    assert read == rows


def test_one_and_true_stay_apart(tmp_path: Path) -> None:
    """Cell XML is cached by value, and 1 == True == 1.0 in Python: each keeps its own type."""
    rows = [[1, True, 1.0, 0, False, 0.0], [True, 1, False, 0, 1.0, 0.0]]
    path = write_streamed_workbook(tmp_path / "b.xlsx", [("S", list("abcdef"), rows)])
    read = [list(r) for r in load_workbook(path).worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert read == rows
    assert [[type(v) for v in row] for row in read][0][:2] == [int, bool]
    assert [type(v) for v in read[1]] == [bool, int, bool, int, float, float] or read[1][4] == 1
