"""Printed material per language: a flyer, a wallet-size rights card and a staff poster.

`render_pdfs(site, views)` returns every PDF by its path in the site (`pdf/es/flyer-a4.pdf`);
`haven print` writes them on their own, and `haven build` can add them to the site.
"""

from __future__ import annotations

from haven.print.fonts import FontError
from haven.print.render import (
    PAPERS,
    PRODUCTS,
    PrintError,
    localized_views,
    pdf_name,
    render_pdfs,
)

__all__ = ["PAPERS", "PRODUCTS", "FontError", "PrintError", "localized_views", "pdf_name",
           "render_pdfs"]
