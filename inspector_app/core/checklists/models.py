"""The checklist file format (forms/*.yaml), as pydantic models.

A checklist is drawn from a service standard, so every item names its source (seed file, section and a
verbatim quote) and says whether its point value is *stated in that source* or a *local assumption* the
office chose. The JSON Schema printed by `inspector-app forms schema` is generated from these models.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from inspector_app.core.i18n import tr, tr_lang

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a checklist must not be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalText(Strict):
    """Text in Chinese (always) and English (where written)."""

    zh: Annotated[str, Field(min_length=1)]
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_chinese(cls, value: object) -> object:
        return {"zh": value} if isinstance(value, str) else value

    def get(self, lang: str) -> str:
        return self.en if lang.startswith("en") and self.en else self.zh


class Category(str, Enum):
    """What kind of service problem an item is about (the words the offices use)."""

    ATTITUDE = "服务态度"
    APPEARANCE = "仪表仪容"
    DISCIPLINE = "劳动纪律"
    FIRST_CONTACT = "首问负责"
    COMPLAINT = "投诉"
    ETHICS = "医德医风"
    MEDICAL_QUALITY = "医疗质量"
    CONVENIENCE = "便民服务"
    CHARGES = "收费"
    ENVIRONMENT = "环境设施"
    EFFICIENCY = "行政效率"
    LOGISTICS = "后勤保障"
    STUDY = "学习培训"
    TRANSPARENCY = "信息公开"
    SATISFACTION = "满意度"
    SAFETY = "安全管理"


class Target(str, Enum):
    """What a checklist inspects."""

    WINDOW = "window"  # 窗口
    DEPARTMENT = "department"  # 科室
    WARD = "ward"  # 病区
    STAFF = "staff"  # 个人


class ChargeTo(str, Enum):
    PERSON = "person"  # 扣个人
    DEPARTMENT = "department"  # 扣科室


class Basis(str, Enum):
    """Where a number comes from."""

    SOURCE = "source"  # stated in the cited source
    ASSUMPTION = "assumption"  # a local assumption of the office, not in the source


class SourceRef(Strict):
    """Where an item (or rule) comes from: seed file, section, and a verbatim quote."""

    file: Annotated[str, Field(min_length=1, description="Seed file name, e.g. 001_ce073555502355fb.txt")]
    section: Annotated[str, Field(min_length=1, description="Article / section, e.g. 四、考核 第3条")]
    quote: Annotated[str, Field(min_length=2, description="Verbatim text from the source")]


class SourceDocument(Strict):
    """A standard as documents cite it: its own title and 文号, never the seed file's name."""

    file: Annotated[str, Field(min_length=1, description="Seed file name, as items cite it in source.file")]
    title: LocalText = Field(description="The document's title as it heads the document, without 《》")
    number: str | None = Field(default=None, description="文号 (issuing number), e.g. 宝口医发〔2023〕13号; "
                                                         "absent when the document has none")
    issuer: str | None = Field(default=None, description="Who issued it, e.g. 宝鸡市口腔医院")

    def citation(self, lang: str = "zh") -> str:
        """《title》（文号）, or 《title》 alone when the document has no 文号."""
        cited = f"《{self.title.get(lang)}》"
        return f"{cited}（{self.number}）" if self.number else cited


class Provenanced(Strict):
    """A number with its provenance: stated in a source (quoted) or a local assumption (explained)."""

    value: float
    basis: Basis
    source: SourceRef | None = None
    note: str | None = Field(default=None, description="Why this value, when it is a local assumption")

    @model_validator(mode="after")
    def _explained(self) -> "Provenanced":
        _check_basis(self.basis, self.source, self.note, self.value)
        return self


def _number_in_text(value: float, text: str) -> bool:
    """True when the number is written in the text (Arabic digits or a common Chinese numeral)."""
    as_int = int(value) if float(value).is_integer() else None
    digits = set(re.findall(r"\d+(?:\.\d+)?", text))
    if str(value) in digits or (as_int is not None and str(as_int) in digits):
        return True
    chinese = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}
    if as_int == 2 and ("双倍" in text or "两" in text):
        return True
    return as_int in chinese and chinese[as_int] in text


def _check_basis(basis: Basis, source: SourceRef | None, note: str | None, value: float) -> None:
    if basis is Basis.SOURCE:
        if source is None:
            raise ValueError(tr("basis 'source' needs a source with the quote that states the value"))
        if not _number_in_text(value, source.quote):
            raise ValueError(tr("basis 'source' but the quote does not state the value {value:g}", value=value))
    elif not note:
        raise ValueError(tr("a local assumption needs a note saying why the value was chosen"))


class Threshold(Strict):
    """A measurable requirement, e.g. 满意度 ≥ 90%."""

    metric: LocalText
    op: Literal[">=", ">", "<=", "<", "=="]
    value: float
    unit: str = ""

    def holds(self, measured: float) -> bool:
        return {
            ">=": measured >= self.value,
            ">": measured > self.value,
            "<=": measured <= self.value,
            "<": measured < self.value,
            "==": measured == self.value,
        }[self.op]


class Item(Strict):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    text: LocalText = Field(description="The requirement, as the inspector reads it")
    category: Category
    points: Annotated[float, Field(gt=0, le=100, description="Points deducted per occurrence")]
    points_basis: Basis
    points_note: str | None = Field(default=None, description="Required when points_basis is 'assumption'")
    charge_to: ChargeTo
    cap: Annotated[float | None, Field(gt=0)] = Field(
        default=None,
        description="Most points this item can deduct in one inspection: per person (or department) charged in "
                    "tally mode, for the whole item in scored mode",
    )
    guidance: LocalText | None = None
    thresholds: list[Threshold] = Field(default_factory=list)
    rectification: LocalText | None = Field(default=None, description="What the department must do")
    deadline_days: Annotated[int | None, Field(ge=0, le=365)] = Field(
        default=None, description="Rectification deadline in days; the checklist default when absent"
    )
    keywords: list[str] = Field(default_factory=list, description="Extra search words (e.g. 胸牌)")
    source: SourceRef

    @model_validator(mode="after")
    def _points_explained(self) -> "Item":
        _check_basis(self.points_basis, self.source, self.points_note, self.points)
        if self.cap is not None and self.cap < self.points:
            raise ValueError(tr("cap {cap:g} is below the points per occurrence {points:g}", cap=self.cap, points=self.points))
        return self


class Section(Strict):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    title: LocalText
    items: Annotated[list[Item], Field(min_length=1)]


class TallyScoring(Strict):
    """001 style: per-occurrence deductions, head multiplier, monthly points → % of performance pay."""

    mode: Literal["tally"]
    head_multiplier: Provenanced
    pay_percent_per_point: Provenanced


class ScoredScoring(Strict):
    """A base score with per-item caps and a pass line."""

    mode: Literal["scored"]
    base_score: Provenanced
    pass_score: Provenanced
    head_multiplier: Provenanced | None = None


class Checklist(Strict):
    id: Annotated[str, Field(pattern=ID_PATTERN)]
    version: Annotated[int, Field(ge=1)]
    title: LocalText
    description: LocalText | None = None
    inspects: Annotated[list[Target], Field(min_length=1)]
    training: bool = Field(default=False, description="A sample checklist for training only")
    scoring: Annotated[TallyScoring | ScoredScoring, Field(discriminator="mode")]
    default_deadline_days: Provenanced
    sources: Annotated[list[str | SourceDocument], Field(
        min_length=1, description="The standards this checklist draws from: a seed file's name, or (preferred) "
                                  "the file with the document's title and 文号, which documents and screens cite")]
    sections: Annotated[list[Section], Field(min_length=1)]

    @field_validator("sections")
    @classmethod
    def _unique_codes(cls, sections: list[Section]) -> list[Section]:
        seen: set[str] = set()
        for section in sections:
            for item in section.items:
                if item.code in seen:
                    raise ValueError(tr("item code {code} is used twice", code=item.code))
                seen.add(item.code)
        return sections

    @model_validator(mode="after")
    def _sources_listed(self) -> "Checklist":
        files = self.source_files
        for item in self.items():
            if item.source.file not in files:
                raise ValueError(tr("item {code} cites {file}, which is not in 'sources'", code=item.code, file=item.source.file))
        return self

    def items(self) -> list[Item]:
        return [item for section in self.sections for item in section.items]

    @property
    def source_files(self) -> list[str]:
        return [s if isinstance(s, str) else s.file for s in self.sources]

    def source_document(self, file: str) -> SourceDocument | None:
        return next((s for s in self.sources if isinstance(s, SourceDocument) and s.file == file), None)

    def citation(self, file: str, lang: str = "zh") -> str:
        """How a document cites the standard an item comes from: 《title》（文号）. A checklist that lists only
        the file name (the older format) names its own title instead: a file name is never printed."""
        document = self.source_document(file)
        if document is not None:
            return document.citation(lang)
        return tr_lang(lang, "the standard behind “{title}”", title=self.title.get(lang))

    def item(self, code: str) -> Item:
        for item in self.items():
            if item.code == code:
                return item
        raise KeyError(code)

    @property
    def head_multiplier(self) -> float:
        rule = self.scoring.head_multiplier
        return rule.value if rule is not None else 1.0

    def deadline_days(self, item: Item) -> int:
        return item.deadline_days if item.deadline_days is not None else int(self.default_deadline_days.value)
