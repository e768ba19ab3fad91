"""Build the Quill sample's PDF and DOCX strategy documents from the structures in this file.

Run by hand after changing the content below, then commit the outputs:

    .venv/bin/python knowledge/examples/build_documents.py            # writes into quill/strategy/
    .venv/bin/python knowledge/examples/build_documents.py --out DIR  # writes somewhere else

The output is deterministic: fixed creation dates in the PDF and DOCX metadata and fixed timestamps inside the DOCX
zip, so re-running without content changes produces byte-identical files. The PDF has a real text layer and an
outline (bookmarks) with one entry per heading; the DOCX uses Word's Title and Heading styles.
"""

from __future__ import annotations

import argparse
import io
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FIXED_TIME = datetime(2026, 12, 15, 9, 0, 0, tzinfo=UTC)
DEFAULT_OUT = Path(__file__).resolve().parent / "quill" / "strategy"


@dataclass(frozen=True)
class Section:
    heading: str
    level: int = 1  # 1 = top-level section, 2 = subsection
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    table: tuple[tuple[str, ...], ...] = ()  # first row is the header


@dataclass(frozen=True)
class Document:
    filename: str
    title: str
    byline: str
    sections: tuple[Section, ...] = field(default_factory=tuple)


BOARD_UPDATE = Document(
    filename="board-update-2026-q4.pdf",
    title="Quill board update, Q4 2026",
    byline="Prepared by Daniel Reyes (CFO) and Maya Okafor (CEO) for the board meeting of 14 January 2027. Confidential.",
    sections=(
        Section(
            "Headline numbers for Q4 2026",
            paragraphs=(
                "Quill ended 2026 with $48.2M of annual recurring revenue (ARR), up from $44.8M at the end of Q3, "
                "a net new ARR of $3.4M in the quarter. Paying customers grew from 1,431 to 1,480.",
            ),
            bullets=(
                "Recognised revenue for 2026: $42.5M. Gross margin in Q4: 74%.",
                "Annualised gross revenue churn for 2026: 8.7%. Net revenue retention: 104%.",
                "Scheduling API uptime in Q4: 99.87% (99.82% for the full year). Sev-1 incidents in Q4: 3.",
                "Headcount at 31 December 2026: 312, of which 19 in the Dublin office.",
            ),
        ),
        Section(
            "ARR bridge for 2026: new business, expansion and churn",
            paragraphs=(
                "ARR moved from $36.8M on 1 January 2026 to $48.2M on 31 December 2026. New business was ahead of "
                "plan; churn was concentrated in accounts that never finished onboarding.",
            ),
            table=(
                ("Movement", "ARR ($M)"),
                ("Opening ARR, 1 January 2026", "36.8"),
                ("New business", "+10.1"),
                ("Expansion (existing customers adding technicians)", "+4.5"),
                ("Contraction", "-0.6"),
                ("Churned customers", "-2.6"),
                ("Closing ARR, 31 December 2026", "48.2"),
            ),
        ),
        Section(
            "Regional performance: United States and Europe",
            paragraphs=(
                "The two regions behave very differently, and the board should read every blended figure with "
                "that in mind. Europe doubled its ARR in 2026 but converts, retains and recommends us less well "
                "than the US.",
            ),
            table=(
                ("Measure", "United States", "Europe"),
                ("ARR at 31 Dec 2026", "$43.9M", "$4.3M"),
                ("Paying customers", "1,392", "88"),
                ("Trial-to-paid conversion, Q4", "18.4%", "11.2%"),
                ("Gross revenue churn, 2026", "8.3%", "13.4%"),
                ("Net revenue retention, 2026", "105%", "93%"),
                ("NPS, December survey", "40", "21"),
            ),
        ),
        Section(
            "European pipeline and the data residency gap",
            level=2,
            paragraphs=(
                "Qualified European pipeline stood at $3.1M on 1 January 2027. Of the 64 European opportunities "
                "lost in 2026, 37% cited the lack of EU data hosting. The Frankfurt region, live for new European "
                "workspaces from 15 March 2027, is the single largest lever on European growth.",
            ),
        ),
        Section(
            "Cash, burn and runway",
            paragraphs=(
                "Cash and equivalents were $61.2M at 31 December 2026. Net burn averaged $1.3M a month in Q4, "
                "giving about 47 months of runway at the current rate. The 2027 plan keeps net burn below $1.6M a "
                "month, including the Frankfurt region (about $0.9M a year of hosting) and 60 net new hires. We do "
                "not plan to raise capital in 2027.",
            ),
        ),
        Section(
            "Risks the board should know about",
            paragraphs=(
                "Five things could push the 2027 plan off course. None is yet an emergency; each has an owner and "
                "is reviewed at the monthly leadership meeting.",
            ),
            bullets=(
                "Frankfurt delivery: the Platform Reliability team also carries on-call; two SRE hires are needed "
                "by February or the March date slips.",
                "European churn at 13.4% could erase European growth if onboarding in Europe (median 31 days to a "
                "first schedule) does not improve.",
                "Reliability credits: Enterprise customers received $140k of SLA credits in 2026.",
                "Hiring in Dublin is slow: 68 days median time to hire and 69% offer acceptance.",
                "Currency: 9% of ARR is billed in euros or sterling; no hedging is in place.",
            ),
        ),
        Section(
            "Decisions we ask the board to approve",
            bullets=(
                "The 2027 operating plan: $66M ARR at year end ($55M US, $11M Europe) and about 372 people.",
                "The Frankfurt hosting commitment of about $0.9M a year for three years.",
                "A five-year lease for a larger Dublin office in the Docklands, about EUR 1.1M in total.",
            ),
        ),
    ),
)

PRICING = Document(
    filename="pricing-and-packaging-2027.docx",
    title="Quill pricing and packaging 2027",
    byline="Owners: Hannah Schultz (CRO) and Daniel Reyes (CFO). Approved 15 December 2026. Applies to quotes from "
    "1 January 2027.",
    sections=(
        Section(
            "Plans and what each includes",
            paragraphs=(
                "Quill is priced per technician per month, with a minimum of 5 technicians. Dispatcher and office "
                "seats are free. All plans include the web planner, the technician app and the customer booking page.",
            ),
        ),
        Section(
            "Starter plan",
            level=2,
            paragraphs=(
                "For firms with up to 25 technicians: scheduling, the technician app with offline mode, the booking "
                "page and email support. No route optimiser and no integrations beyond CSV import.",
            ),
        ),
        Section(
            "Professional plan",
            level=2,
            paragraphs=(
                "Adds the route optimiser, accounting integrations (QuickBooks, Xero, Exact Online), the public API "
                "and phone support. Most new customers in 2026 chose Professional (64% of new contracts).",
            ),
        ),
        Section(
            "Enterprise plan",
            level=2,
            paragraphs=(
                "Adds single sign-on, a 99.9% monthly uptime SLA with service credits, EU data residency at no "
                "extra charge, a named customer success manager and custom contract terms.",
            ),
        ),
        Section(
            "Price list in US dollars, euros and pounds",
            paragraphs=("List prices per technician per month, billed annually:",),
            table=(
                ("Plan", "United States", "Eurozone", "United Kingdom"),
                ("Starter", "$29", "€27", "£24"),
                ("Professional", "$49", "€45", "£39"),
                ("Enterprise", "from $65", "from €59", "from £52"),
            ),
        ),
        Section(
            "Discount policy and approval levels",
            paragraphs=(
                "List price is the default. In 2026 the average realised discount was 12% in the US and 21% in "
                "Europe, mostly given to shorten long European sales cycles. The 2027 aim is an average European "
                "discount of 15% or less.",
            ),
            bullets=(
                "Up to 15%: the account executive may approve.",
                "Above 15% and up to 25%: the regional sales director approves.",
                "Above 25%: the CRO approves, and only for contracts above 100 technicians.",
            ),
        ),
        Section(
            "Annual prepay and payment terms",
            bullets=(
                "Paying a year in advance earns 15% off the monthly list price.",
                "US customers on monthly terms pay by card; annual contracts are invoiced net 30.",
                "European customers are invoiced in euros or sterling, net 30, with SEPA direct debit available.",
                "VAT: reverse charge for business customers elsewhere in the EU; Irish VAT for Irish customers.",
            ),
        ),
        Section(
            "Price changes for existing customers in 2027",
            paragraphs=(
                "US Starter customers on the legacy price of $26 move to $29 at their first renewal after "
                "1 April 2027, with 60 days' written notice. Professional and Enterprise prices do not change for "
                "existing customers in 2027. European list prices do not change in 2027: the leadership offsite "
                "rejected a European price cut because price caused only 12% of lost European deals.",
            ),
        ),
        Section(
            "The EU data residency add-on",
            paragraphs=(
                "From 15 March 2027, new European workspaces can keep all data, backups and processing in our "
                "Frankfurt region. Professional customers pay €6 per technician per month for data residency; "
                "Enterprise customers get it included. Existing European workspaces can move from April 2027. The "
                "add-on is not offered to US workspaces.",
            ),
        ),
    ),
)

DOCUMENTS: tuple[Document, ...] = (BOARD_UPDATE, PRICING)


def headings(document: Document) -> list[str]:
    """Every heading in ``document``: the title first, then the sections in order."""
    return [document.title, *(section.heading for section in document.sections)]


def build_pdf(document: Document, path: Path) -> None:
    """Write ``document`` as a PDF with a text layer and one outline entry per heading."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(FIXED_TIME)
    pdf.set_producer("okr-assistant build_documents.py")
    pdf.set_title(document.title)
    pdf.set_author("Quill (fictional sample company)")
    pdf.set_lang("en")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    pdf.start_section(document.title, level=0)
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(0, 9, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(0, 5, document.byline, new_x="LMARGIN", new_y="NEXT")
    for section in document.sections:
        pdf.ln(4)
        pdf.start_section(section.heading, level=section.level)
        pdf.set_font("Helvetica", "B", 15 if section.level == 1 else 13)
        pdf.multi_cell(0, 7, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font("Helvetica", "", 10.5)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 5.5, paragraph, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        for bullet in section.bullets:
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(0, 5.5, f"- {bullet}", new_x="LMARGIN", new_y="NEXT")
        if section.table:
            with pdf.table(first_row_as_headings=True, text_align="LEFT") as table:
                for row in section.table:
                    cells = table.row()
                    for value in row:
                        cells.cell(value)
    path.write_bytes(bytes(pdf.output()))


def build_docx(document: Document, path: Path) -> None:
    """Write ``document`` as a DOCX with Title / Heading styles and no volatile metadata."""
    import docx

    word = docx.Document()
    props = word.core_properties
    props.title = document.title
    props.author = "Quill (fictional sample company)"
    props.last_modified_by = "okr-assistant build_documents.py"
    props.created = FIXED_TIME.replace(tzinfo=None)
    props.modified = FIXED_TIME.replace(tzinfo=None)
    props.revision = 1
    word.add_heading(document.title, level=0)
    word.add_paragraph(document.byline)
    for section in document.sections:
        word.add_heading(section.heading, level=section.level)
        for paragraph in section.paragraphs:
            word.add_paragraph(paragraph)
        for bullet in section.bullets:
            word.add_paragraph(bullet, style="List Bullet")
        if section.table:
            table = word.add_table(rows=0, cols=len(section.table[0]))
            table.style = "Table Grid"
            for row in section.table:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=True):
                    cell.text = value
    buffer = io.BytesIO()
    word.save(buffer)
    path.write_bytes(_normalise_zip(buffer.getvalue()))


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so that identical content gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def build_all(out_dir: Path) -> list[Path]:
    """Build every document into ``out_dir``; returns the written paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for document in DOCUMENTS:
        path = out_dir / document.filename
        if path.suffix == ".pdf":
            build_pdf(document, path)
        elif path.suffix == ".docx":
            build_docx(document, path)
        else:  # pragma: no cover - guarded by the DOCUMENTS table above
            raise ValueError(f"no builder for {path.suffix}")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    for path in build_all(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
