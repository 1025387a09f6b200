"""Demonstration content: a few dozen invented initiatives and pledges, generated from the themes below,
so that a first run shows a living registry. Every one is flagged ``is_demo`` and marked as demonstration
content on every page, in the API and in the dumps. Loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

from django.db import transaction

from wsis.apps.accounts.models import Organization
from wsis.apps.reference.models import Economy
from wsis.apps.registry.domain.entries import create_initiative
from wsis.apps.registry.domain.workflow import submit, transition

ORGANIZATIONS = [
    ("Demo Ministry of Digital Affairs", "government", False),
    ("Demo UN Agency for Connectivity", "international", True),
    ("Demo Telecom Cooperative", "private", False),
    ("Demo Community Networks Association", "civil_society", False),
    ("Demo Institute of Information Science", "academia", False),
    ("Demo Internet Exchange Operators", "technical", False),
]

# (action lines, SDG target, texts by language): short invented themes written for this project.
THEMES = [
    (
        ["C2"],
        "9.c",
        {
            "en": ("Community broadband for rural schools", "Fibre and radio links bring schools online."),
            "fr": (
                "Haut débit communautaire pour les écoles rurales",
                "Des liaisons fibre et radio relient les écoles.",
            ),
            "es": (
                "Banda ancha comunitaria para escuelas rurales",
                "Enlaces de fibra y radio conectan las escuelas.",
            ),
            "ar": (
                "النطاق العريض المجتمعي للمدارس الريفية",
                "وصلات الألياف والراديو تربط المدارس بالإنترنت.",
            ),
            "zh": ("农村学校社区宽带", "光纤和无线链路让学校接入互联网。"),
            "ru": (
                "Общественный широкополосный доступ для сельских школ",
                "Оптические и радиоканалы подключают школы.",
            ),
        },
    ),
    (
        ["C4"],
        "4.4",
        {
            "en": (
                "Digital skills for women entrepreneurs",
                "Training in online trade and digital payments.",
            ),
            "fr": (
                "Compétences numériques pour les entrepreneuses",
                "Formation au commerce en ligne et aux paiements numériques.",
            ),
            "es": (
                "Habilidades digitales para emprendedoras",
                "Formación en comercio electrónico y pagos digitales.",
            ),
            "ar": ("المهارات الرقمية لرائدات الأعمال", "تدريب على التجارة الإلكترونية والمدفوعات الرقمية."),
            "zh": ("女性创业者数字技能", "电子商务和数字支付培训。"),
            "ru": (
                "Цифровые навыки для женщин-предпринимателей",
                "Обучение онлайн-торговле и цифровым платежам.",
            ),
        },
    ),
    (
        ["C3"],
        "16.10",
        {
            "en": ("Open public library archives", "Digitised archives free for everyone to read."),
            "fr": (
                "Archives ouvertes des bibliothèques publiques",
                "Des archives numérisées accessibles à tous.",
            ),
            "es": ("Archivos abiertos de bibliotecas públicas", "Archivos digitalizados de libre acceso."),
            "ar": ("أرشيفات مفتوحة للمكتبات العامة", "أرشيفات رقمية متاحة للجميع مجانا."),
            "zh": ("公共图书馆开放档案", "数字化档案向所有人免费开放。"),
            "ru": ("Открытые архивы публичных библиотек", "Оцифрованные архивы доступны всем."),
        },
    ),
    (
        ["C5"],
        "16.a",
        {
            "en": (
                "National computer incident response team",
                "Training and drills for cyber incident response.",
            ),
            "fr": (
                "Équipe nationale de réponse aux incidents informatiques",
                "Formation et exercices de réponse aux incidents.",
            ),
            "es": (
                "Equipo nacional de respuesta a incidentes informáticos",
                "Formación y simulacros de respuesta.",
            ),
            "ar": (
                "الفريق الوطني للاستجابة للحوادث الحاسوبية",
                "تدريب وتمارين على الاستجابة للحوادث السيبرانية.",
            ),
            "zh": ("国家计算机事件响应小组", "网络事件响应培训和演练。"),
            "ru": (
                "Национальная группа реагирования на компьютерные инциденты",
                "Обучение и учения по реагированию.",
            ),
        },
    ),
    (
        ["C7", "C7.c"],
        "3.8",
        {
            "en": ("Telemedicine for remote clinics", "Video consultations between clinics and hospitals."),
            "fr": (
                "Télémédecine pour les dispensaires isolés",
                "Des téléconsultations entre dispensaires et hôpitaux.",
            ),
            "es": ("Telemedicina para clínicas remotas", "Consultas por vídeo entre clínicas y hospitales."),
            "ar": ("التطبيب عن بعد للعيادات النائية", "استشارات بالفيديو بين العيادات والمستشفيات."),
            "zh": ("偏远诊所远程医疗", "诊所与医院之间的视频会诊。"),
            "ru": ("Телемедицина для отдалённых клиник", "Видеоконсультации между клиниками и больницами."),
        },
    ),
    (
        ["C7", "C7.e"],
        "4.a",
        {
            "en": (
                "Open educational resources in local languages",
                "Textbooks published under open licences.",
            ),
            "fr": (
                "Ressources éducatives libres en langues locales",
                "Des manuels publiés sous licence ouverte.",
            ),
            "es": (
                "Recursos educativos abiertos en lenguas locales",
                "Libros de texto con licencias abiertas.",
            ),
            "ar": ("موارد تعليمية مفتوحة باللغات المحلية", "كتب مدرسية منشورة بتراخيص مفتوحة."),
            "zh": ("本地语言开放教育资源", "以开放许可发布的教科书。"),
            "ru": (
                "Открытые образовательные ресурсы на местных языках",
                "Учебники под открытыми лицензиями.",
            ),
        },
    ),
]
COUNTRIES = ["SEN", "NPL", "BOL", "FJI", "KEN", "MNG"]
LANGS = ["en", "fr", "es", "ar", "zh", "ru"]
# Pledges of the demonstration: one per Partner2Connect focus area, with pillar, type, beneficiaries and a
# measurable target.
PLEDGE_FIELDS = [
    {
        "focus_area": "access",
        "pillar": "Infrastructure",
        "pledge_type": "financial",
        "pledge_value_usd": 500000,
        "beneficiaries": ["rural_remote"],
        "pledge_targets": [
            {"description": "Villages connected", "value": 120, "unit": "villages", "year": 2027}
        ],
    },
    {
        "focus_area": "adoption",
        "pillar": "Digital skills",
        "pledge_type": "programmatic",
        "beneficiaries": ["women_girls", "youth_children"],
        "pledge_targets": [{"description": "People trained", "value": 5000, "unit": "people", "year": 2026}],
    },
    {
        "focus_area": "value_creation",
        "pillar": "Digital ecosystems",
        "pledge_type": "advocacy",
        "beneficiaries": ["msme"],
        "pledge_targets": [
            {"description": "Start-ups mentored", "value": 60, "unit": "start-ups", "year": 2027}
        ],
    },
    {
        "focus_area": "accelerate",
        "pillar": "Investment",
        "pledge_type": "policy",
        "beneficiaries": ["general"],
        "pledge_targets": [{"description": "Universal service fund reform adopted", "year": 2026}],
    },
]
STATES = ["published", "published", "published", "published", "submitted", "draft"]


def _texts(theme: dict, country: Economy, index: int) -> tuple[str, dict, dict]:
    original = LANGS[index % len(LANGS)]
    titles, descriptions = {}, {}
    for lang, (title, description) in theme.items():
        place = country.names.get(lang) or country.names.get("en", country.iso3)
        titles[lang] = f"{title} ({place})"
        descriptions[lang] = description
    return original, titles, descriptions


def load_demo_registry() -> Iterator[str]:
    if Organization.objects.filter(is_demo=True).exists():
        yield "registry demonstration content: already loaded"
        return
    countries = {e.iso3: e for e in Economy.objects.filter(iso3__in=COUNTRIES)}
    with transaction.atomic():
        orgs = [
            Organization.objects.create(name=name, stakeholder_type=kind, un_entity=un, is_demo=True)
            for name, kind, un in ORGANIZATIONS
        ]
        made = 0
        for t, (lines, target, theme) in enumerate(THEMES):
            for c, iso3 in enumerate(COUNTRIES):
                index = t * len(COUNTRIES) + c
                original, titles, descriptions = _texts(theme, countries[iso3], index)
                pledge = index % 9 == 0
                entry = create_initiative(
                    organization=orgs[index % len(orgs)],
                    author=None,
                    is_demo=True,
                    data={
                        "kind": "pledge" if pledge else "initiative",
                        **(PLEDGE_FIELDS[index % len(PLEDGE_FIELDS)] if pledge else {}),
                        "original_language": original,
                        "title": titles,
                        "description": descriptions,
                        "summary": {},
                        "action_lines": lines,
                        "targets": [{"code": target, "evidence": "demonstration"}],
                        "countries": [iso3],
                        "scope": "national",
                        "activity_status": ["planned", "ongoing", "completed"][index % 3],
                        "start_date": dt.date(2019 + index % 7, 1 + index % 12, 1),
                        "budget_value": 10000 * (1 + index % 20),
                        "budget_currency": "USD",
                    },
                )
                state = STATES[index % len(STATES)]
                if state != "draft":
                    submit(initiative=entry, actor=None)
                if state == "published":
                    transition(initiative=entry, action="publish", actor=None, reason="demonstration")
                made += 1
    yield f"registry demonstration content: {len(orgs)} organizations, {made} entries"


def remove_demo_registry() -> Iterator[str]:
    """Remove the demonstration entries and organizations (the demonstration world retired, or ``wsis demo
    remove``). An entry someone really entered for a WSIS Prize, or that a real entry was merged into, is
    kept (still marked as demonstration) and counted: deleting it would break that record."""
    from wsis.apps.registry.models import IndexChange, Initiative

    with transaction.atomic():
        demo = Initiative.objects.filter(is_demo=True)
        # Merges between demonstration entries would otherwise protect each other from deletion.
        demo.exclude(same_as=None).filter(same_as__is_demo=True).update(same_as=None)
        kept = demo.filter(prize_entries__isnull=False) | demo.filter(merged__is_demo=False)
        kept_ids = set(kept.values_list("pk", flat=True))
        ids = sorted(set(demo.values_list("pk", flat=True)) - kept_ids)
        Initiative.objects.filter(pk__in=ids).delete()
        # The database triggers log inserts and updates only: a change row per deleted entry makes every
        # process's facet index re-read it, find it gone and drop it.
        IndexChange.objects.bulk_create(IndexChange(initiative_id=pk, stamp=uuid.uuid4().hex) for pk in ids)
        orgs = Organization.objects.filter(is_demo=True).exclude(initiatives__isnull=False)
        orgs.exclude(pk__in=_organizations_in_prizes()).delete()
    if ids or kept_ids:
        line = f"registry demonstration content removed: {len(ids)} entries"
        if kept_ids:
            line += f" ({len(kept_ids)} kept: entered for a prize or merged with a real entry)"
        yield line


def _organizations_in_prizes() -> list[int]:
    from wsis.apps.prizes.models import Submission

    return list(Submission.objects.values_list("organization_id", flat=True).distinct())
