"""PDF reports: a Django template rendered to HTML, then to PDF with WeasyPrint.

* **Fonts are bundled**: Sarabun regular and bold (TTF, SIL Open Font License) in
  ``reports/fonts/``, declared by ``reports/pdf_assets/report.css``, which the base
  template ``reports/pdf/base.html`` links. WeasyPrint embeds the subset it uses, so the
  PDF reads the same on any computer; no system font is assumed.
* **Nothing is fetched over the network.** Relative URLs resolve against this package's
  folder (``base_url``), and the URL fetcher reads only ``data:`` URLs and files under
  this package (fonts, CSS, images); http(s) and every other file are refused.
* **WeasyPrint is imported lazily**: it needs Pango (Debian's ``libpango-1.0-0`` and
  ``libpangoft2-1.0-0``). Without them the rest of Saphan works, and asking for a PDF
  raises :class:`PdfUnavailable` with a message in Thai and English.

The template gets the caller's context plus ``generated_at`` (now, local time, unless
given) and ``thai_digits`` (False unless given); see ``reports/pdf/base.html``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

#: The reports package: the PDF's base URL and the only folder files may be read from.
PACKAGE_DIR = Path(__file__).resolve().parent
FONTS_DIR = PACKAGE_DIR / "fonts"
ASSETS_DIR = PACKAGE_DIR / "pdf_assets"
ALLOWED_ROOTS: tuple[Path, ...] = (FONTS_DIR, ASSETS_DIR)

UNAVAILABLE_MESSAGE = (
    "สร้างไฟล์ PDF ไม่ได้: เครื่องนี้ไม่มี WeasyPrint หรือไลบรารี Pango "
    "(แพ็กเกจ Debian libpango-1.0-0 และ libpangoft2-1.0-0) / "
    "PDF reports are unavailable: WeasyPrint or its Pango library is missing on this "
    "server (Debian packages libpango-1.0-0 and libpangoft2-1.0-0)."
)


SARA_AM = "\u0e33"
SARA_AM_PARTS = "\u0e4d\u0e32"  # NIKHAHIT + SARA AA


class PdfUnavailable(Exception):
    """WeasyPrint or Pango cannot be loaded on this server; the message is bilingual."""

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(UNAVAILABLE_MESSAGE + (f" ({detail})" if detail else ""))


class FetchRefused(ValueError):
    """A PDF template asked for a resource Saphan does not fetch (network or a file
    outside the reports package)."""


def url_allowed(url: str) -> bool:
    """Whether the PDF may read ``url``: a ``data:`` URL, or a ``file:`` URL of a file
    under the bundled fonts or PDF assets. Never http, https, ftp or any other file."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(url2pathname(unquote(parts.path))).resolve()
    return any(path.is_relative_to(root) for root in ALLOWED_ROOTS)


def url_fetcher_make() -> Any:
    """A WeasyPrint URL fetcher that reads only what :func:`url_allowed` accepts.

    A refused URL raises :class:`FetchRefused`; WeasyPrint logs it and renders the rest
    of the document without the resource. Raises :class:`PdfUnavailable` if WeasyPrint
    cannot be imported.
    """
    weasyprint = _weasyprint()

    class LocalOnlyFetcher(weasyprint.urls.URLFetcher):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url_allowed(url):
                logger.warning("PDF: refused to fetch %s", url[:200])
                raise FetchRefused(f"Saphan PDFs never fetch {url[:200]}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher()


def _weasyprint() -> Any:
    """Import WeasyPrint, or raise :class:`PdfUnavailable`.

    A missing package raises ImportError; a missing Pango raises OSError from cffi's
    ``dlopen`` while WeasyPrint loads.
    """
    try:
        import weasyprint  # lazy: Saphan runs without Pango
        import weasyprint.urls
    except (ImportError, OSError) as error:
        raise PdfUnavailable(f"{type(error).__name__}: {error}") from error
    return weasyprint


def pdf_available() -> bool:
    """True when PDFs can be made on this server (WeasyPrint and Pango load)."""
    try:
        _weasyprint()
    except PdfUnavailable:
        return False
    return True


def html_render(
    *, template_name: str, context: Mapping[str, Any], request: HttpRequest | None = None
) -> str:
    """The HTML that :func:`pdf_render` converts: the template with the caller's context,
    ``generated_at`` (now, unless given) and ``thai_digits`` (False unless given)."""
    full: dict[str, Any] = {"generated_at": timezone.localtime(), "thai_digits": False}
    full.update(context)
    return render_to_string(template_name, full, request=request)


def pdf_render(
    *, template_name: str, context: Mapping[str, Any], request: HttpRequest | None = None
) -> bytes:
    """Render ``template_name`` (normally extending ``reports/pdf/base.html``) to PDF.

    Text is in the active language (the template's ``{% translate %}`` and ``thaidate``
    follow it). Raises :class:`PdfUnavailable` when WeasyPrint or Pango is missing.
    """
    weasyprint = _weasyprint()
    html = html_render(template_name=template_name, context=context, request=request)
    # Sarabun draws SARA AM (ำ) as NIKHAHIT + SARA AA, and the PDF's text map then gives
    # the SARA AA glyph whichever character used it first: "น่าน" could be copied out as
    # "น่ำน". Writing SARA AM as its two parts (its Unicode compatibility decomposition)
    # looks the same and keeps every glyph's text right.
    html = html.replace(SARA_AM, SARA_AM_PARTS)
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    document = weasyprint.HTML(
        string=html,
        base_url=PACKAGE_DIR.as_uri() + "/",
        url_fetcher=url_fetcher_make(),
        media_type="print",
    )
    pdf = document.write_pdf(font_config=font_config)
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf() without a target
        raise TypeError("WeasyPrint returned no bytes")
    return pdf
