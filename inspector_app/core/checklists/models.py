"""The checklist file format (forms/*.yaml), as pydantic models.

A checklist is drawn from a service standard, so every item names its source (seed file, section and a
verbatim quote) and says whether its point value is *stated in that source* or a *local assumption* the
office chose. The JSON Schema printed by `inspector-app forms schema` is generated from these models.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping
from enum import Enum
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

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
        """《title》（文号）, or 《title》 alone when the document has no 文号; "title" (文号) in English."""
        if lang != "zh":
            cited = f"\"{self.title.get(lang)}\""  # the CJK face sets “ ” full-width
            return f"{cited} ({self.number})" if self.number else cited
        cited = f"《{self.title.get(lang)}》"
        return f"{cited}（{self.number}）" if self.number else cited


class Provenanced(Strict):
    """A number with its provenance: stated in a source (quoted) or a local assumption (explained)."""

    value: float
    basis: Basis
    source: SourceRef | None = None
    note: str | None = Field(default=None, description="Why this value, when it is a local assumption")

    @model_validator(mode="after")
    def _explained(self) -> Provenanced:
        _check_basis(self.basis, self.source, self.note, self.value, kind=None)
        return self

    def check_stated(self, kind: str) -> None:
        """A value stated in its source must stand in the quote as a `kind` (PHRASES)."""
        _check_basis(self.basis, self.source, self.note, self.value, kind)


CHINESE_NUMERALS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}
_STOP = r"[^，。；,;：:\n]"  # a phrase ends at a clause break
_POINTS = r"\s*分(?!钟)"  # 分 as points, not 分钟 (minutes)

# Where a stated number must stand in its quote, by what it is (a number anywhere is not enough: "5分钟" does not
# back 5 points, "每月至少开展 2 次" does not back 2 points — "缺少一次扣科室 2 分" does).
PHRASES: dict[str, tuple[str, ...]] = {
    "points": (rf"扣{_STOP}{{0,10}}?{{n}}{_POINTS}", rf"每{_STOP}{{0,6}}?{{n}}{_POINTS}"),
    "multiplier": (r"{n}\s*倍", ),
    "percent": (rf"扣{_STOP}{{0,6}}?{{n}}\s*[%％]", ),
    "days": (r"{n}\s*(?:个工作日|个?自然日|天|日)(?!常)", ),
    "score": (rf"{{n}}{_POINTS}", ),
}


def _spellings(value: float, kind: str) -> list[str]:
    """How the number may be written: Arabic digits, a Chinese numeral, 双/两 for a multiplier of 2."""
    as_int = int(value) if float(value).is_integer() else None
    spellings = [re.escape(f"{value:g}")]
    if as_int is not None and as_int in CHINESE_NUMERALS:
        spellings.append(CHINESE_NUMERALS[as_int])
    if as_int == 2 and kind == "multiplier":
        spellings += ["双", "两"]
    return spellings


def stated_in(value: float, text: str, kind: str = "points") -> bool:
    """True when `text` states `value` as a `kind` (PHRASES): "扣个人 1 分", "每起扣 5 分", "双倍扣分",
    "每分扣 1%", "限期 7 天"."""
    number = "(?<![\\d.])(?:" + "|".join(_spellings(value, kind)) + ")(?![\\d.])"
    return any(re.search(pattern.replace("{n}", number), text) for pattern in PHRASES[kind])


def states_points(text: str) -> bool:
    """True when `text` deducts points in a deduction phrase (扣…N分, 每…N分), whatever N is."""
    number = "(?<![\\d.])(?:\\d+(?:\\.\\d+)?|" + "|".join(CHINESE_NUMERALS.values()) + ")(?![\\d.])"
    return any(re.search(pattern.replace("{n}", number), text) for pattern in PHRASES["points"])


def _check_basis(basis: Basis, source: SourceRef | None, note: str | None, value: float,
                 kind: str | None = "points") -> None:
    """`kind` None: only that a source or a note is given (the container checks the phrase with its own kind)."""
    if basis is Basis.SOURCE:
        if source is None:
            raise ValueError(tr("basis 'source' needs a source with the quote that states the value"))
        if kind is not None and not stated_in(value, source.quote, kind):
            raise ValueError(tr("basis 'source' but the quote does not state the value {value:g} where it "
                                "deducts or sets it (e.g. {example})", value=value,
                                example=EXAMPLES[kind].format(n=f"{value:g}")))
    elif not note:
        raise ValueError(tr("a local assumption needs a note saying why the value was chosen"))


EXAMPLES = {"points": "扣个人 {n} 分、每起扣 {n} 分", "multiplier": "双倍扣分、{n} 倍", "percent": "每分扣 {n}%",
            "days": "限期 {n} 天", "score": "{n} 分"}


# the checklists' units (forms/*.yaml, written in Chinese) in English: (after 1, after other numbers)
_ENGLISH_UNITS = {"次": (" time", " times"), "遍": (" time", " times"), "人": (" person", " people"),
                  "天": (" day", " days"), "个月": (" month", " months"), "小时": (" hour", " hours"),
                  "分钟": (" min", " min"), "类": (" kind", " kinds"), "种": (" kind", " kinds"), "个": ("", "")}


def unit_text(unit: str, lang: str, value: float | None = None) -> str:
    """A threshold's unit after a number: as written in Chinese, in English from the table above (a unit
    not in it is kept, after a space); "%" in both."""
    if lang == "zh" or not unit or unit == "%":
        return unit
    one, many = _ENGLISH_UNITS.get(unit, (" " + unit, " " + unit))
    return one if value == 1 else many


class Threshold(Strict):
    """A measurable requirement, e.g. 满意度 ≥ 90%."""

    metric: LocalText
    op: Literal[">=", ">", "<=", "<", "=="]
    value: float
    unit: str = ""

    def unit_in(self, lang: str, value: float | None = None) -> str:
        """The unit as written after a number in `lang`: 次 in Chinese; " times" (" time" after 1) in English."""
        return unit_text(self.unit, lang, value)

    def holds(self, measured: float) -> bool:
        return {
            ">=": measured >= self.value,
            ">": measured > self.value,
            "<=": measured <= self.value,
            "<": measured < self.value,
            "==": measured == self.value,
        }[self.op]


class LateRule(Strict):
    """What a standard says follows when a rectification runs more than `days` past its deadline (002 篇七:
    整改時限超過食堂管理委員會規定時限10天的,醫院有權終止合同). Derived from the rectification's own deadline and
    the day it was put right (or today, while it is open); nothing is stored."""

    days: Annotated[int, Field(ge=1, le=365, description="Days past the deadline after which it applies")]
    consequence: LocalText = Field(description="What may follow, e.g. 可终止合同")
    source: SourceRef

    @model_validator(mode="after")
    def _stated(self) -> LateRule:
        if not stated_in(self.days, self.source.quote, "days"):
            raise ValueError(tr("basis 'source' but the quote does not state the value {value:g} where it "
                                "deducts or sets it (e.g. {example})", value=self.days,
                                example=EXAMPLES["days"].format(n=self.days)))
        return self


class Item(Strict):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    text: LocalText = Field(description="The requirement, as the inspector reads it")
    category: Category
    deducts: bool = Field(default=True, description=(
        "False: a finding that deducts nothing and opens a rectification with a deadline (不扣分，限期整改), for "
        "a requirement whose source gives consequences but no points; it then has no points, basis or cap"))
    points: Annotated[float | None, Field(gt=0, le=100, validate_default=True,
                                          description="Points deducted per occurrence (required when deducts)")] = None
    points_basis: Annotated[Basis | None, Field(validate_default=True,
                                                description="Required when deducts")] = None
    points_note: str | None = Field(default=None, description="Required when points_basis is 'assumption'")
    charge_to: ChargeTo
    cap: Annotated[float | None, Field(gt=0)] = Field(
        default=None,
        description="Most points this item can deduct in one inspection: per person (or department) charged in "
                    "tally mode, for the whole item in scored mode",
    )
    guidance: LocalText | None = None
    thresholds: list[Threshold] = Field(default_factory=list)
    period: Literal["visit", "month", "quarter", "half-year"] = Field(default="visit", description=(
        "month: the requirement is about a department's month (e.g. 每月至少开展 2 次集体学习); the inspector "
        "records a measured value for a month, and the department is charged once for that month however many "
        "inspectors record it (the latest record counts). quarter / half-year: the same for a quarter "
        "(2026-Q1) or a half year (2026-H1); the charge counts in the period's last month (core/periods.py)"))
    per_shortfall: bool = Field(default=False, description=(
        "Each unit below the threshold is one occurrence (缺少一次扣…), so a month can never give more than "
        "the threshold's value in occurrences; otherwise a failed measurement is one occurrence"))
    recorded_in: Literal["inspection", "complaint_register"] = Field(default="inspection", description=(
        "complaint_register: the item charges only through the office's complaint register, once a complaint is "
        "verified (001 §四 第7条: 经查实者每起扣个人 5 分); a laptop refuses it as an observation and the office "
        "sets aside a bundle that carries one"))
    rectification: LocalText | None = Field(default=None, description="What the department must do")
    late_rule: LateRule | None = Field(default=None, description=(
        "What the source says follows a rectification more than N days late (e.g. the contract may be ended)"))
    deadline_days: Annotated[int | None, Field(ge=0, le=365)] = Field(
        default=None, description="Rectification deadline in days; the checklist default when absent"
    )
    keywords: list[str] = Field(default_factory=list, description="Extra search words (e.g. 胸牌)")
    source: SourceRef

    @field_validator("points", "points_basis")
    @classmethod
    def _required_when_deducting(cls, value: object, info: ValidationInfo) -> object:
        deducts = info.data.get("deducts", True)
        if deducts and value is None:
            raise ValueError(tr("Field required (an item that deducts needs its points and their basis)"))
        if not deducts and value is not None:
            raise ValueError(tr("a finding without points (deducts: false) has no {field}", field=info.field_name))
        return value

    @model_validator(mode="after")
    def _points_explained(self) -> Item:
        if self.per_shortfall and not (len(self.thresholds) == 1 and self.thresholds[0].op in (">=", ">")):
            raise ValueError(tr("per_shortfall needs exactly one threshold of at least (>= or >)"))
        if self.period != "visit" and not self.thresholds:
            raise ValueError(tr("a period rule (period: month, quarter or half-year) needs a threshold to measure "
                                "against"))
        if self.recorded_in == "complaint_register" and (
                self.category is not Category.COMPLAINT or not self.deducts or self.thresholds):
            raise ValueError(tr("only a complaint item (category 投诉) that deducts and takes no measured value "
                                "can be recorded in the complaint register"))
        if not self.deducts:
            if self.cap is not None:
                raise ValueError(tr("a finding without points (deducts: false) has no {field}", field="cap"))
            if states_points(self.source.quote):  # the office chooses only where the source sets no points
                raise ValueError(tr("the quote deducts points (扣…分): an item whose points the source states "
                                    "deducts them; deducts: false is only for points the source does not give"))
            return self
        if self.points is None or self.points_basis is None:
            return self  # reported on the field
        _check_basis(self.points_basis, self.source, self.points_note, self.points)
        if self.cap is not None and self.cap < self.points:
            raise ValueError(tr("cap {cap:g} is below the points per occurrence {points:g}", cap=self.cap, points=self.points))
        return self


    @model_serializer(mode="wrap")
    def _as_before_deducts_existed(self, handler: SerializerFunctionWrapHandler) -> dict:
        """Items that deduct dump as before `deducts` existed, so the hashes of existing checklists stay."""
        dumped = handler(self)
        if self.period == "visit":
            dumped.pop("period", None)
        if self.recorded_in == "inspection":
            dumped.pop("recorded_in", None)
        if self.late_rule is None:
            dumped.pop("late_rule", None)
        if not self.per_shortfall:
            dumped.pop("per_shortfall", None)
        if self.deducts:
            dumped.pop("deducts", None)
        else:
            for key in ("points", "points_basis"):
                dumped.pop(key, None)
        return dumped

    @property
    def measured(self) -> bool:
        """The item takes a measured value (a rate, minutes, a count…) checked against its thresholds."""
        return bool(self.thresholds)

    @property
    def observable(self) -> bool:
        """False for an item charged only through the complaint register: no laptop records it as seen."""
        return self.recorded_in == "inspection"

    @property
    def points_each(self) -> float:
        """Points per occurrence: 0 for a finding without points."""
        return self.points if self.deducts and self.points is not None else 0.0


class Section(Strict):
    code: Annotated[str, Field(pattern=CODE_PATTERN)]
    title: LocalText
    items: Annotated[list[Item], Field(min_length=1)]


class TallyScoring(Strict):
    """001 style: per-occurrence deductions, head multiplier, monthly points → % of performance pay."""

    mode: Literal["tally"]
    head_multiplier: Provenanced
    pay_percent_per_point: Provenanced

    @model_validator(mode="after")
    def _stated(self) -> TallyScoring:
        self.head_multiplier.check_stated("multiplier")
        self.pay_percent_per_point.check_stated("percent")
        return self


class ScoredScoring(Strict):
    """A base score with per-item caps and a pass line."""

    mode: Literal["scored"]
    base_score: Provenanced
    pass_score: Provenanced
    head_multiplier: Provenanced | None = None

    @model_validator(mode="after")
    def _stated(self) -> ScoredScoring:
        self.base_score.check_stated("score")
        self.pass_score.check_stated("score")
        if self.head_multiplier is not None:
            self.head_multiplier.check_stated("multiplier")
        return self


# Checklist.item's index per checklist, kept beside the model: an attribute would take part in its equality
_ITEM_INDEX: dict[int, tuple[weakref.ref, dict[str, Item]]] = {}


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
    def _sources_listed(self) -> Checklist:
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

    def item_index(self) -> Mapping[str, Item]:
        """The items by code, made at the first call and kept: the model is frozen, and the record page and the
        scoring module ask at every keypress (a scan built the whole item list each time). Not to be changed."""
        key = id(self)
        known = _ITEM_INDEX.get(key)
        if known is None or known[0]() is not self:
            known = _ITEM_INDEX[key] = (weakref.ref(self, lambda _ref, index=_ITEM_INDEX: index.pop(key, None)),
                                        {item.code: item for item in self.items()})  # codes are unique
        return known[1]

    def item(self, code: str) -> Item:
        """The item with `code` (KeyError if none)."""
        try:
            return self.item_index()[code]
        except KeyError:
            raise KeyError(code) from None

    @property
    def head_multiplier(self) -> float:
        rule = self.scoring.head_multiplier
        return rule.value if rule is not None else 1.0

    def deadline_days(self, item: Item) -> int:
        return item.deadline_days if item.deadline_days is not None else int(self.default_deadline_days.value)
