"""Problem.plain(): what a person reads on screen (file name only, row or line, parts left out when absent)."""

from __future__ import annotations

import pytest

from inspector_app.core.errors import InputError, Problem
from inspector_app.core.i18n import set_language


@pytest.fixture
def english():
    set_language("en")
    yield
    set_language(None)


def test_a_table_problem_names_the_file_row_and_column_without_the_folder(english) -> None:
    problem = Problem("/tmp/long/path/花名册.csv", 4, "姓名", "this cell is empty")
    assert problem.plain() == "花名册.csv, row 4, column 姓名: this cell is empty"
    assert str(problem) == "/tmp/long/path/花名册.csv:4 [姓名]: this cell is empty"  # the command line keeps it


def test_a_text_file_problem_says_line_and_field(english) -> None:
    assert Problem("/data/roster.YAML", 12, "staff.3.name", "required").plain() == \
        "roster.YAML, line 12, field staff.3.name: required"
    assert Problem("C:/x/book.xlsx", 2, "", "bad").plain() == "book.xlsx, row 2: bad"


def test_absent_parts_are_left_out(english) -> None:
    assert Problem("/a/b/c.json", None, "", "not valid").plain() == "c.json: not valid"
    assert Problem("/a/b/c.json", None, "title", "missing").plain() == "c.json, field title: missing"
    assert Problem("", None, "", "nothing to say").plain() == "nothing to say"
    assert InputError.single("--output", "no").problems[0].plain() == "--output: no"


def test_chinese_wording() -> None:
    set_language("zh")
    assert Problem("/tmp/花名册.csv", 4, "姓名", "缺少姓名").plain() == "花名册.csv，第 4 行，“姓名”列：缺少姓名"
    assert Problem("/tmp/roster.yaml", 7, "", "格式不对").plain() == "roster.yaml，第 7 行：格式不对"
