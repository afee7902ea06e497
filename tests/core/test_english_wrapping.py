"""English documents wrap between words (issue 16): a long English notice (60 entries, long English notes),
the English bulletin and the English sheet are read back with pdftotext, and every English word on them must
be a whole word of the texts they were made from — Chinese line breaking split "Septem|ber" and "Poi|nts"
and dropped the space at a line end ("21%of", "performancepay"). Chinese text keeps Chinese breaking."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from inspector_app.core.documents.bulletin import render_bulletin
from inspector_app.core.documents.layout import wraps_as_latin
from inspector_app.core.documents.notice import render_notice
from inspector_app.core.documents.sheet import render_sheet
from inspector_app.core.i18n import catalog
from inspector_app.core.recording import NewDeduction, NewInspection, Recorder
from tests.helpers.fixtures import ASSESSMENT, TZ8, local_time, open_demo_workspace

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

NOTES = ["Badge not worn at the counter",
         ("The patient waited at the window for a long time while nobody was there; the surveillance recording "
         "was checked and the complaint confirmed as true in every respect"),
         "Answered the telephone with a private conversation while patients queued at the registration counter",
         "Refused to explain the insurance settlement to an elderly patient"]
ITEMS = ["A2", "A3", "A4", "A5", "A6", "A8"]
WORD = re.compile(r"[A-Za-z]+")


@pytest.fixture(scope="module")
def english_documents(tmp_path_factory: pytest.TempPathFactory, bundled_library) -> dict[str, Path]:
    ws = open_demo_workspace(tmp_path_factory.mktemp("english") / "data")
    recorder = Recorder(ws, actor="tester")
    inspection = recorder.start(NewInspection(ASSESSMENT, "W-REG", "演示督查员", inspector_no="D001",
                                              started_at=local_time(2025, 6, 10, 9, 0)), bundled_library.get(ASSESSMENT))
    for k in range(60):
        recorder.record(inspection.id, NewDeduction(ITEMS[k % 6], [f"100{1 + k % 9}"], note=NOTES[k % 4],
                                                    recorded_at=local_time(2025, 6, 10, 9, 1 + k % 58, k // 58)))
    recorder.finish(inspection.id, finished_at=local_time(2025, 6, 10, 11, 0))
    folder = tmp_path_factory.mktemp("pdfs")
    made = {"notice": render_notice(ws, inspection.id, None, "院办督改〔2025〕3001号", lang="en",
                                    today=datetime(2025, 9, 15).date(), created=datetime(2025, 9, 15, 10, tzinfo=TZ8)),
            "bulletin": render_bulletin(ws, "2025-06", "督通〔2025〕3001号", lang="en",
                                        today=datetime(2025, 7, 2).date(), created=datetime(2025, 7, 2, 10, tzinfo=TZ8)),
            "sheet": render_sheet(ws, inspection.id, "D001-SHEET-1", lang="en")}
    checklist = ws.library.get(ASSESSMENT)
    words = set(WORD.findall(" ".join(catalog("zh")) + " " + " ".join(NOTES)))  # every English message
    words |= set(WORD.findall(checklist.model_dump_json()))  # item texts, the standards' titles
    words |= {f"{datetime(2025, m, 1):%B}" for m in range(1, 13)} | {"A", "D", "SHEET", "PAdES"}
    ws.close()
    paths = {}
    for kind, data in made.items():
        paths[kind] = folder / f"{kind}.pdf"
        paths[kind].write_bytes(data)
    paths["words"] = words  # type: ignore[assignment]
    return paths


def _lines(path: Path) -> list[str]:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.splitlines()


@pytest.mark.parametrize("kind", ["notice", "bulletin", "sheet"])
def test_no_english_word_is_split_across_lines(english_documents, kind: str) -> None:
    words = english_documents["words"]
    lines = _lines(english_documents[kind])
    strangers = sorted({w for line in lines for w in WORD.findall(line) if w not in words and w.lower() not in words})
    assert not strangers, f"{kind}: words broken or run together: {strangers[:20]}"
    text = "\n".join(lines)
    assert "performance pay" in text.replace("\n", " ") or kind != "notice"
    wrapped = sum(bool(re.search(r"[a-z]$", line)) for line in lines)  # the long paragraphs did wrap
    assert wrapped >= 5, f"{kind}: too few wrapped English lines to tell anything"


def test_long_english_paragraph_breaks_between_words(english_documents) -> None:
    """The notice's points paragraph names all nine staff in Chinese in one long English sentence: it is set
    ragged-right in Latin breaking, so each line ends at a word's end and the next starts a word."""
    lines = _lines(english_documents["notice"])
    start = next(i for i, line in enumerate(lines) if "points are deducted in all" in line)
    end = next(i for i in range(start, len(lines)) if "performance pay." in lines[i])
    assert end - start >= 6  # a long paragraph, over many lines and a page
    paragraph = [line for line in lines[start:end + 1] if not line.startswith("—")]
    for line in paragraph:
        assert not re.search(r"\d%[a-z]|[a-z]\(|points\(|performancepay", line), line


def test_the_wrapping_is_chosen_by_the_text() -> None:
    assert wraps_as_latin("Under \"Implementation plan\" (宝口医发〔2023〕13号), 郭建军（1001） 2 points")
    assert not wraps_as_latin("服务窗口和医技辅助及后勤服务科室优质服务提升行动（PAdES B-LTA）")
    assert not wraps_as_latin("郭建军（1001）×4")
