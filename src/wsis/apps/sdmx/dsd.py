"""The one data structure definition the service publishes: ``WSIS:ICT_OBS(1.0)`` behind the dataflow
``WSIS:ICT(1.0)``.

Dimensions follow the warehouse key (``Observation``): frequency (derived from the period's form), the
reference area, the indicator, the nine disaggregations, then the time period. Every attribute is attached
to the observation, because each figure carries its own unit, nature, release, source and note.

SDMX identifiers allow only ``A-Z a-z 0-9 _ @ $ -``, while publishers' codes hold dots (World Bank
``IT.NET.USER.ZS``) and may hold anything else: :func:`code_id` writes a dot as ``@`` and any other
character as ``$`` with four hex digits, which :func:`raw_code` reverses exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AGENCY = "WSIS"
VERSION = "1.0"
FLOW = "ICT"
DSD = "ICT_OBS"
CONCEPTS = "CS_ICT"
CATEGORIES = "CAT_WSIS"
CONSTRAINT = "CC_ICT"
PROVIDERS = "DATA_PROVIDERS"
PROVIDER = "WSIS"

ID = re.compile(r"^[A-Za-z0-9_@$\-]+$")
_PLAIN = re.compile(r"[A-Za-z0-9_\-]")


@dataclass(frozen=True)
class Component:
    id: str
    column: str  # the warehouse column (or derived value) it comes from
    codelist: str | None  # None: free text
    names: dict[str, str]


def _n(en: str, fr: str, es: str, ru: str, zh: str, ar: str) -> dict[str, str]:
    return {"en": en, "fr": fr, "es": es, "ru": ru, "zh": zh, "ar": ar}


#: Series dimensions in key order (TIME_PERIOD follows them).
DIMENSIONS: tuple[Component, ...] = (
    Component(
        "FREQ",
        "freq",
        "CL_FREQ",
        _n("Frequency", "Fréquence", "Frecuencia", "Периодичность", "频率", "التواتر"),
    ),
    Component(
        "REF_AREA",
        "area",
        "CL_AREA",
        _n(
            "Reference area",
            "Zone de référence",
            "Área de referencia",
            "Справочная территория",
            "参考区域",
            "المنطقة المرجعية",
        ),
    ),
    Component(
        "INDICATOR",
        "indicator",
        "CL_INDICATOR",
        _n("Indicator", "Indicateur", "Indicador", "Показатель", "指标", "المؤشر"),
    ),
    Component("SEX", "sex", "CL_SEX", _n("Sex", "Sexe", "Sexo", "Пол", "性别", "الجنس")),
    Component("AGE", "age", "CL_AGE", _n("Age", "Âge", "Edad", "Возраст", "年龄", "العمر")),
    Component(
        "URBANISATION",
        "urbanisation",
        "CL_URBANISATION",
        _n("Urbanisation", "Urbanisation", "Urbanización", "Урбанизация", "城市化", "التحضر"),
    ),
    Component(
        "INCOME_QUINTILE",
        "income_quintile",
        "CL_INCOME_QUINTILE",
        _n(
            "Income quintile",
            "Quintile de revenu",
            "Quintil de ingresos",
            "Квинтиль дохода",
            "收入五分位",
            "خُمس الدخل",
        ),
    ),
    Component(
        "EDUCATION",
        "education",
        "CL_EDUCATION",
        _n(
            "Education level",
            "Niveau d'instruction",
            "Nivel educativo",
            "Уровень образования",
            "教育程度",
            "مستوى التعليم",
        ),
    ),
    Component(
        "DISABILITY",
        "disability",
        "CL_DISABILITY",
        _n(
            "Disability status",
            "Situation de handicap",
            "Situación de discapacidad",
            "Инвалидность",
            "残疾状况",
            "حالة الإعاقة",
        ),
    ),
    Component(
        "SKILL_TYPE",
        "skill_type",
        "CL_SKILL_TYPE",
        _n(
            "ICT skill",
            "Compétence TIC",
            "Competencia en TIC",
            "Навык ИКТ",
            "信通技术技能",
            "مهارة تكنولوجيا المعلومات",
        ),
    ),
    Component(
        "TECHNOLOGY",
        "technology",
        "CL_TECHNOLOGY",
        _n(
            "Mobile technology",
            "Technologie mobile",
            "Tecnología móvil",
            "Мобильная технология",
            "移动技术",
            "التكنولوجيا المتنقلة",
        ),
    ),
    Component(
        "SPEED_TIER",
        "speed_tier",
        "CL_SPEED_TIER",
        _n(
            "Speed tier",
            "Tranche de débit",
            "Tramo de velocidad",
            "Диапазон скорости",
            "速率档",
            "شريحة السرعة",
        ),
    ),
)
TIME = Component(
    "TIME_PERIOD",
    "period",
    None,
    _n("Time period", "Période", "Período", "Период", "时间段", "الفترة الزمنية"),
)
MEASURE = Component(
    "OBS_VALUE",
    "value",
    None,
    _n("Observation value", "Valeur", "Valor", "Значение", "观测值", "قيمة المشاهدة"),
)
#: Observation-level attributes. UNIT_MEASURE and OBS_STATUS are coded; the others free text.
ATTRIBUTES: tuple[Component, ...] = (
    Component(
        "UNIT_MEASURE",
        "unit",
        "CL_UNIT",
        _n(
            "Unit of measure",
            "Unité de mesure",
            "Unidad de medida",
            "Единица измерения",
            "计量单位",
            "وحدة القياس",
        ),
    ),
    Component(
        "OBS_STATUS",
        "status",
        "CL_OBS_STATUS",
        _n(
            "Observation status",
            "Statut de l'observation",
            "Estado de la observación",
            "Статус наблюдения",
            "观测状态",
            "حالة المشاهدة",
        ),
    ),
    Component(
        "NATURE",
        "nature",
        None,
        _n(
            "Nature of data",
            "Nature des données",
            "Naturaleza de los datos",
            "Характер данных",
            "数据性质",
            "طبيعة البيانات",
        ),
    ),
    Component(
        "RELEASE", "release", None, _n("Release", "Publication", "Publicación", "Выпуск", "发布", "الإصدار")
    ),
    Component("SOURCE", "source", None, _n("Source", "Source", "Fuente", "Источник", "来源", "المصدر")),
    Component(
        "COMMENT_OBS",
        "note",
        None,
        _n("Observation comment", "Commentaire", "Comentario", "Комментарий", "观测注释", "تعليق"),
    ),
    Component(
        "AREA_KIND",
        "area_kind",
        None,
        _n("Kind of area", "Type de zone", "Tipo de área", "Тип территории", "区域类型", "نوع المنطقة"),
    ),
    Component(
        "SE",
        "se",
        None,
        _n(
            "Standard error",
            "Erreur type",
            "Error estándar",
            "Стандартная ошибка",
            "标准误差",
            "الخطأ المعياري",
        ),
    ),
    Component(
        "CI_LOW",
        "ci_low",
        None,
        _n(
            "Confidence interval, lower bound",
            "Intervalle de confiance, borne inférieure",
            "Intervalo de confianza, límite inferior",
            "Доверительный интервал, нижняя граница",
            "置信区间下限",
            "الحد الأدنى لفترة الثقة",
        ),
    ),
    Component(
        "CI_HIGH",
        "ci_high",
        None,
        _n(
            "Confidence interval, upper bound",
            "Intervalle de confiance, borne supérieure",
            "Intervalo de confianza, límite superior",
            "Доверительный интервал, верхняя граница",
            "置信区间上限",
            "الحد الأعلى لفترة الثقة",
        ),
    ),
)
KEY_LENGTH = len(DIMENSIONS)

#: Frequency from the period's form (the warehouse keeps ``YYYY``, ``YYYY-Qn`` or ``YYYY-MM``).
FREQ_NAMES = {
    "A": _n("Annual", "Annuel", "Anual", "Годовая", "年度", "سنوي"),
    "Q": _n("Quarterly", "Trimestriel", "Trimestral", "Квартальная", "季度", "ربع سنوي"),
    "M": _n("Monthly", "Mensuel", "Mensual", "Месячная", "月度", "شهري"),
}
#: SDMX CL_OBS_STATUS for the warehouse's natures: reported figures are normal values, a publisher's
#: estimate is estimated, a modelled figure (filled by a model) is imputed.
OBS_STATUS = {"reported": "A", "estimate": "E", "survey": "E", "modelled": "I"}
STATUS_NAMES = {
    "A": _n("Normal value", "Valeur normale", "Valor normal", "Обычное значение", "正常值", "قيمة عادية"),
    "E": _n(
        "Estimated value", "Valeur estimée", "Valor estimado", "Оценочное значение", "估计值", "قيمة مقدرة"
    ),
    "I": _n(
        "Imputed value",
        "Valeur imputée",
        "Valor imputado",
        "Условно исчисленное значение",
        "插补值",
        "قيمة محتسبة",
    ),
}
#: Names of the common disaggregation codes (others are named by their code).
CODE_NAMES = {
    "_T": _n("Total", "Total", "Total", "Всего", "合计", "المجموع"),
    "F": _n("Female", "Femmes", "Mujeres", "Женщины", "女性", "إناث"),
    "M": _n("Male", "Hommes", "Hombres", "Мужчины", "男性", "ذكور"),
    "U": _n("Urban", "Urbain", "Urbano", "Городское", "城市", "حضري"),
    "R": _n("Rural", "Rural", "Rural", "Сельское", "农村", "ريفي"),
}


def freq_of(period: str) -> str:
    if len(period) == 4:
        return "A"
    return "Q" if "-Q" in period else "M"


def code_id(raw: str) -> str:
    """A warehouse code as an SDMX identifier (reversible; see the module's docstring)."""
    out = []
    for char in raw:
        if _PLAIN.fullmatch(char):
            out.append(char)
        elif char == ".":
            out.append("@")
        else:
            out.append(f"${ord(char):04x}")
    return "".join(out) or "$0000"


def raw_code(identifier: str) -> str:
    """The warehouse code of an SDMX identifier written by :func:`code_id`."""
    if identifier == "$0000":
        return ""
    return re.sub(r"\$([0-9a-f]{4})", lambda m: chr(int(m.group(1), 16)), identifier.replace("@", "."))


def urn(kind: str, ident: str, version: str = VERSION, item: str | None = None) -> str:
    """The SDMX URN of a maintainable artefact (or of an item in it)."""
    classes = {
        "codelist": "codelist.Codelist",
        "code": "codelist.Code",
        "conceptscheme": "conceptscheme.ConceptScheme",
        "concept": "conceptscheme.Concept",
        "datastructure": "datastructure.DataStructure",
        "dataflow": "datastructure.Dataflow",
        "categoryscheme": "categoryscheme.CategoryScheme",
        "category": "categoryscheme.Category",
        "categorisation": "categoryscheme.Categorisation",
        "contentconstraint": "registry.ContentConstraint",
    }
    base = f"urn:sdmx:org.sdmx.infomodel.{classes[kind]}={AGENCY}:{ident}({version})"
    return f"{base}.{item}" if item is not None else base
