"""The reference knowledge as database rows, so that other apps can join on it and staff can edit it.

The rows are synchronised from the validated files by :mod:`wsis.apps.reference.sync`. Texts in the six UN
languages are JSON objects keyed by language code (``{"en": ..., "fr": ...}``); :func:`localized` picks one.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized(texts: dict, language: str | None = None) -> str:
    """The text in the active (or given) language, falling back to English."""
    lang = (language or get_language() or "en").split("-")[0]
    return texts.get(lang) or texts.get("en") or ""


class Named(models.Model):
    names = models.JSONField(_("names"), default=dict)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return localized(self.names)


class ActionLine(Named):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    prize_category = models.PositiveSmallIntegerField(_("prize category"), null=True, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="sub_lines"
    )
    lead_facilitators = models.JSONField(_("lead facilitators"), default=list)
    co_facilitators = models.JSONField(_("co-facilitators"), default=list)
    verified = models.BooleanField(_("verified"), default=True)
    source = models.TextField(_("source"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


#: Right-to-left languages among those the platform's texts can be in.
RIGHT_TO_LEFT = {"ar", "he", "fa", "ur"}
#: The language tag written in ``lang`` for a text-dictionary key ("zh" texts are in simplified Chinese).
HTML_TAGS = {"zh": "zh-Hans"}


class LocalText(str):
    """A text with the language it is actually in: the page's, or another one it fell back to, which a
    template must mark with ``lang`` and ``dir`` (the ``marked`` filter of ``language_marks``, or
    ``lang="{{ text.html_lang }}" dir="{{ text.direction }}"`` on the element that holds it)."""

    language: str

    def __new__(cls, text: str, language: str) -> LocalText:
        made = super().__new__(cls, text)
        made.language = language
        return made

    @property
    def html_lang(self) -> str:
        return HTML_TAGS.get(self.language, self.language)

    @property
    def direction(self) -> str:
        return "rtl" if self.language.split("-")[0].lower() in RIGHT_TO_LEFT else "ltr"


def localized_text(texts: dict, language: str | None = None) -> LocalText:
    """As :func:`localized`, but saying which language the text is in."""
    lang = (language or get_language() or "en").split("-")[0]
    if texts.get(lang):
        return LocalText(texts[lang], lang)
    return LocalText(texts.get("en") or "", "en")


def shown_text(texts: dict | None, original: str = "") -> LocalText:
    """What a page shows of a ``{language: text}`` dictionary written by users (an initiative's title):
    the page's language, else English, else the ``original`` language, which may be any ISO 639-1
    language (an imported IATI activity in Dutch)."""
    texts = texts or {}
    page = (get_language() or "en").split("-")[0].lower()
    for language in (page, "en", original):
        if language and texts.get(language):
            return LocalText(texts[language], language)
    return LocalText("", page)


class OfficialTitled(Named):
    """An SDG goal, target or indicator: our short title (``names``) and the UN's official title in the
    languages the publisher's files gave (``official_titles``, loaded by ``wsis manage sdg_texts``)."""

    official_titles = models.JSONField(_("official UN titles"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def title(self) -> LocalText:
        """The official title in the page's language; else our short title, which is in English when the
        official text is missing (a LocalText, so that the page marks its language)."""
        lang = (get_language() or "en").split("-")[0]
        if self.official_titles.get(lang):
            return LocalText(self.official_titles[lang], lang)
        return localized_text(self.names)


class SdgGoal(OfficialTitled):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    number = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("SDG goal")

    def __str__(self) -> str:
        return f"SDG {self.code}"


class SdgTarget(OfficialTitled):
    code = models.CharField(_("code"), max_length=6, primary_key=True)
    goal = models.ForeignKey(SdgGoal, on_delete=models.PROTECT, related_name="targets")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("SDG target")

    def __str__(self) -> str:
        return self.code


class SdgIndicator(OfficialTitled):
    code = models.CharField(_("code"), max_length=10, primary_key=True)
    target = models.ForeignKey(SdgTarget, on_delete=models.PROTECT, related_name="indicators")
    series = models.JSONField(_("UN series codes"), default=list)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class MatrixVersion(models.Model):
    """One version of the WSIS-SDG matrix, with what changed in it."""

    version = models.CharField(max_length=20, unique=True)
    date = models.DateField()
    summary = models.TextField()

    class Meta:
        ordering = ["date", "version"]

    def __str__(self) -> str:
        return self.version


class MatrixLink(models.Model):
    line = models.ForeignKey(ActionLine, on_delete=models.PROTECT, related_name="sdg_links")
    target = models.ForeignKey(SdgTarget, on_delete=models.PROTECT, related_name="line_links")
    rationale = models.TextField(_("rationale"))
    #: The rationale in the other UN languages ({"fr": ...}), edited beside the English text in the admin.
    rationale_translations = models.JSONField(_("rationale translations"), default=dict, blank=True)
    facilitator = models.CharField(_("facilitator"), max_length=100)
    version = models.ForeignKey(MatrixVersion, on_delete=models.PROTECT, related_name="links")

    class Meta:
        ordering = ["line__position", "target__position"]
        constraints = [models.UniqueConstraint(fields=["line", "target"], name="matrix_link_once")]

    def __str__(self) -> str:
        return f"{self.line_id} -> {self.target_id}"

    @property
    def rationale_text(self) -> LocalText:
        """The rationale in the page's language, else the English one (marked by the template)."""
        return localized_text({**self.rationale_translations, "en": self.rationale})


class Region(Named):
    m49 = models.CharField(_("M49 code"), max_length=3, primary_key=True)
    level = models.CharField(max_length=12)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["m49"]

    def __str__(self) -> str:
        return f"{self.m49} {self.name}"


class Economy(Named):
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, primary_key=True)
    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    m49 = models.CharField(_("M49 code"), max_length=3, unique=True)
    region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+")
    subregion = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+")
    intermediate_region = models.ForeignKey(Region, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["iso3"]
        verbose_name = _("economy")
        verbose_name_plural = _("economies")

    def __str__(self) -> str:
        return f"{self.iso3} {self.name}"


class Group(Named):
    code = models.CharField(_("code"), max_length=12, primary_key=True)
    kind = models.CharField(_("kind"), max_length=20)
    list_source = models.TextField(_("list source"))

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("group")

    def __str__(self) -> str:
        return self.code


class Membership(models.Model):
    """An economy in a group from ``valid_from`` until (excluding) ``valid_to``."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="memberships")
    economy = models.ForeignKey(Economy, on_delete=models.PROTECT, related_name="memberships")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.TextField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["group", "economy", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["group", "economy", "valid_from"], name="membership_once"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gt=models.F("valid_from")),
                name="membership_forward",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group_id}/{self.economy_id} {self.valid_from}-{self.valid_to or ''}"


class Indicator(Named):
    code = models.CharField(_("code"), max_length=40, primary_key=True)
    unit = models.CharField(_("unit"), max_length=20)
    population_base = models.CharField(max_length=20)
    definition = models.TextField(_("definition"))
    definition_translations = models.JSONField(_("definition translations"), default=dict, blank=True)
    custodian = models.CharField(_("custodian"), max_length=100)
    sdg_indicator = models.ForeignKey(SdgIndicator, null=True, blank=True, on_delete=models.PROTECT)
    un_series = models.JSONField(default=list)
    disaggregations = models.JSONField(default=list)
    higher_is_better = models.BooleanField(default=True)
    source = models.TextField()

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")

    def __str__(self) -> str:
        return self.code

    @property
    def definition_text(self) -> LocalText:
        """The definition in the page's language, else the English one (marked by the template)."""
        return localized_text({**self.definition_translations, "en": self.definition})


class ConnectivityTarget(Named):
    code = models.CharField(_("code"), max_length=40, primary_key=True)
    framework = models.CharField(_("framework"), max_length=20)
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.PROTECT)
    threshold = models.FloatField(null=True, blank=True)
    direction = models.CharField(max_length=12)
    base_year = models.PositiveSmallIntegerField(null=True, blank=True)
    target_year = models.PositiveSmallIntegerField()
    group = models.CharField(max_length=20)
    source = models.TextField()
    verified = models.BooleanField()

    class Meta:
        ordering = ["framework", "code"]
        verbose_name = _("target")

    def __str__(self) -> str:
        return self.code


class ReferenceRelease(models.Model):
    """Which version of each reference file the database holds, and when it was loaded."""

    file = models.CharField(max_length=60, unique=True)
    version = models.CharField(max_length=40)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.file} {self.version}"
