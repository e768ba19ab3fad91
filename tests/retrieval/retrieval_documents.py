"""Helpers for the retrieval tests: generated documents (PDF via fpdf2 and pypdf, DOCX via python-docx), and
how to run the real `okr` command."""

from __future__ import annotations

import sys
from pathlib import Path

OKR = [sys.executable, "-c", "from assistant.cli import main; main()"]


def make_pdf(path: Path, sections: list[tuple[str, str]], *, title: str | None = None) -> Path:
    """A PDF with a text layer: a title in 20 pt, section headings in 15 pt, body text in 11 pt."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if title:
        pdf.set_font("Helvetica", "B", 20)
        pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    for heading, body in sections:
        pdf.set_font("Helvetica", "B", 15)
        pdf.multi_cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, body, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def make_image_pdf(path: Path) -> Path:
    """A PDF without any text: what a scan without OCR looks like."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_fill_color(120, 120, 120)
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(path))
    return path


def make_encrypted_pdf(path: Path, source: Path, password: str = "s3cret") -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(source).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_docx(path: Path, title: str, sections: list[tuple[str, list[str]]]) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(title, 0)
    for heading, paragraphs in sections:
        document.add_heading(heading, 1)
        for paragraph in paragraphs:
            document.add_paragraph(paragraph)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Region", "Revenue"
    table.cell(1, 0).text, table.cell(1, 1).text = "Europe", "11 million"
    document.save(str(path))
    return path
