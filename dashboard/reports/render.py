"""The executive summary as file bytes: PDF or XLSX (the page's downloads and `plantkpi report`)."""
from __future__ import annotations

FORMATS = {".pdf": "pdf", ".xlsx": "xlsx"}  # file suffix -> renderer


def render(summary, fmt: str, lang: str) -> bytes:
    """The summary as PDF or XLSX bytes (fmt "pdf" or "xlsx")."""
    if fmt == "pdf":
        from dashboard.reports.pdf import render_pdf

        return render_pdf(summary, lang)
    from dashboard.reports.xlsx import render_xlsx

    return render_xlsx(summary, lang)


__all__ = ["FORMATS", "render"]
