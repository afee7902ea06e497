"""Chinese line breaking in the documents (标点避头尾): no line starts with a closing mark or ends with an
opening one, at most one mark hangs in the margin, numbers are not cut, and no text is lost or reordered."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph

from inspector_app.core.documents.cjk_lines import CANNOT_END, CANNOT_START, word_split
from inspector_app.core.documents.fonts import FONT, register_fonts
from inspector_app.core.documents.official import official_styles

NOTICE_LINE = ("整改期限自本通知印发之日（2026年12月3日）起计算，最迟至2026年12月10日。请按期完成整改，"
               "填写整改回执（附件1），经科室负责人签字后报送综合办公室。")
WIDTH = 156 * 72 / 25.4  # the official text block, 156 mm


def _lines(text: str, style_name: str = "body") -> list[str]:
    paragraph = Paragraph(text, official_styles()[style_name])
    paragraph.wrap(WIDTH, 10_000)
    lines = paragraph.blPara.lines
    if paragraph.blPara.kind == 0:
        return ["".join(words) for _space, words in lines]
    return ["".join(frag.text for frag in line.words) for line in lines]


def test_the_notice_line_that_began_with_a_comma():
    lines = _lines(NOTICE_LINE)
    assert "".join(lines) == NOTICE_LINE
    assert not any(line[0] in CANNOT_START for line in lines[1:]), lines
    assert not any(line[-1] in CANNOT_END for line in lines), lines
    assert lines[1].endswith("（附件") and lines[2].startswith("1），"), lines  # reportlab's own: a line "，经…"


def test_nothing_runs_past_the_margin_but_one_hanging_mark():
    register_fonts()
    size = official_styles()["body"].fontSize
    for space, line in word_split(NOTICE_LINE * 3, WIDTH, FONT, size):
        overflow = stringWidth(line, FONT, size) - WIDTH
        assert overflow <= 0.01 or (line[-1] in CANNOT_START and overflow <= stringWidth(line[-1], FONT, size))
        assert abs(space - (WIDTH - stringWidth(line, FONT, size))) < 0.01


_CHINESE = st.sampled_from(list("整改期限自本通知印发之日起计算最迟至请按期完成填写回执经科室负责人签字后报送综合办公"))
_MARKS = st.sampled_from(list("，。、；：？！）》」（《「“”"))
_LATIN = st.sampled_from(list("0123456789A"))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_CHINESE, _CHINESE, _CHINESE, _MARKS, _LATIN), min_size=1, max_size=160),
       st.integers(min_value=3, max_value=40))
@example(chars=["整"] * 8 + ["，"] * 3, per_line=3)  # hypothesis found it: "整整，" + "，，" before
@example(chars=["（", "整", "，", "，", "，"], per_line=3)  # nowhere else to break: "（整，" + "，，"
def test_no_line_starts_with_a_closing_mark_whatever_the_text(chars, per_line):
    """Any mix of characters and marks at any width: the text comes back whole and in order, and a line
    starts with a closing mark (or the one before ends with an opening mark) only where nothing else was
    possible: no place after the first character of the line before was a break the rules allow."""
    register_fonts()
    size = 16.0
    text = "".join(chars)
    width = per_line * stringWidth("中", FONT, size)
    lines = [line for _space, line in word_split(text, width, FONT, size)]
    assert "".join(lines) == text

    def allowed(at: int) -> bool:  # a line may end before text[at]
        word = text[at - 1].isascii() and text[at].isascii() and text[at - 1].isalnum() and text[at].isalnum()
        return text[at] not in CANNOT_START and text[at - 1] not in CANNOT_END and not word

    start = 0
    for before, line in zip(lines, lines[1:]):
        if line[0] in CANNOT_START or before[-1] in CANNOT_END:
            assert not [at for at in range(start + 1, start + len(before)) if allowed(at)], (before, line)
        start += len(before)
        hung = before[-1] in CANNOT_START and stringWidth(before, FONT, size) > width + 0.01
        assert not hung or stringWidth(before[:-1], FONT, size) <= width + 0.01, before


def test_a_split_worked_out_once_is_the_same_split_and_a_fresh_list():
    """A table running over pages lays its paragraphs out again at each break: the split of a text at a width
    is kept (cjk_lines._split), so it must equal the split worked out afresh, per width, and callers may change
    the list they get."""
    from inspector_app.core.documents import cjk_lines

    register_fonts()
    size = official_styles()["body"].fontSize
    cjk_lines._split.cache_clear()
    first = word_split(NOTICE_LINE, WIDTH, FONT, size)
    first.append((0.0, "changed by the caller"))
    again = word_split(NOTICE_LINE, [WIDTH], FONT, size)  # one width as a list: the same key
    assert cjk_lines._split.cache_info().hits == 1
    assert again == first[:-1] and "".join(line for _space, line in again) == NOTICE_LINE
    narrower = word_split(NOTICE_LINE, WIDTH / 2, FONT, size)
    assert len(narrower) > len(again) and "".join(line for _space, line in narrower) == NOTICE_LINE
    cjk_lines._split.cache_clear()
    assert word_split(NOTICE_LINE.encode(), WIDTH, FONT, size) == again  # bytes as reportlab may pass them


def test_reportlabs_c_helpers_are_installed():
    """reportlab[accel]: string widths, numbers and streams in C (a bulletin at a year's scale: 7.7 → 6.3 s)."""
    from reportlab.lib import rl_accel

    assert rl_accel.fp_str.__module__ == "_rl_accel"


def test_a_short_name_that_fits_is_drawn_as_plain_text_and_the_rest_as_paragraphs():
    """A table cell: plain text (cheap to lay out, the same on the page) only when it cannot need wrapping or
    another face."""
    from inspector_app.core.documents.layout import _cell

    style = official_styles()["body"]
    assert _cell("郭建军（1001）", style, 200) == "郭建军（1001）"
    assert _cell("S01337", style, 200) == "S01337"
    for wraps in ("实行首问负责制，不推诿服务对象，首位接待人员须解答或引导", "王𠮷", "门诊 一楼"):
        assert isinstance(_cell(wraps, style, 60), Paragraph), wraps
    assert isinstance(_cell("郭建军（1001）", style, 20), Paragraph)  # does not fit its column
