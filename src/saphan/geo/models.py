"""Thai administrative geography (DOPA codes), loaded from the ``geothai`` package.

Geography is reference data, so the DOPA code is the primary key: it is what every
survey, import and government list uses to name a place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from saphan.policy import AnyUser


class _Named(models.Model):
    name_th = models.CharField(_("Thai name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language (Thai unless English is chosen)."""
        return self.name_en if (get_language() or "th").startswith("en") else self.name_th


class ProvinceQuerySet(models.QuerySet["Province"]):
    def visible_to(self, user: AnyUser) -> ProvinceQuerySet:
        from saphan import policy

        return policy.scope_provinces(self, user)

    def project(self) -> ProvinceQuerySet:
        return self.filter(is_project_province=True)


class Province(_Named):
    code = models.CharField(_("DOPA code"), max_length=2, primary_key=True)
    is_project_province = models.BooleanField(
        _("project province"),
        default=False,
        help_text=_("One of the 25 provinces of the civil-society project."),
    )

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")


class District(_Named):
    code = models.CharField(_("DOPA code"), max_length=4, primary_key=True)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Subdistrict(_Named):
    code = models.CharField(_("DOPA code"), max_length=6, primary_key=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="subdistricts")
    # Denormalised so that "everyone in province X" needs no join through districts.
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="subdistricts")
    postal_codes = models.CharField(_("postal codes"), max_length=60, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")
