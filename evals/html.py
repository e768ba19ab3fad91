"""The HTML report: one self-contained page with inline SVG bar charts, the tables, failures and every case."""

from __future__ import annotations

from html import escape

from evals.results import Cell, Chart, EvalReport, Table

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1200px;color:#1d232b;padding:0 1rem}
h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #dde3ea;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;width:100%}th,td{border:1px solid #dde3ea;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f6f9}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fff1f0}tr.pass td.result{color:#1a7f37}tr.fail td.result{color:#c62828;font-weight:600}
.meta{color:#57606a}.note{color:#57606a;font-style:italic}figure{margin:1rem 0}figcaption{font-weight:600}
li{margin:.25rem 0}code{background:#f3f6f9;padding:0 .2rem}
"""

_ROW_HEIGHT = 22
_LABEL_WIDTH = 280
_BAR_WIDTH = 420


def svg_bar_chart(chart: Chart) -> str:
    """A horizontal bar chart as inline SVG: one labelled bar per value."""
    bars = chart.bars
    top = max([chart.max_value or 0.0, *(bar.value for bar in bars)]) or 1.0
    height = _ROW_HEIGHT * max(len(bars), 1) + 10
    width = _LABEL_WIDTH + _BAR_WIDTH + 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><title>{escape(chart.title)}</title>'
    ]
    for index, bar in enumerate(bars):
        y = 5 + index * _ROW_HEIGHT
        length = max(bar.value, 0.0) / top * _BAR_WIDTH
        colour = "#d9822b" if bar.lower_is_better else "#2f6fb5"
        parts.append(
            f'<text x="{_LABEL_WIDTH - 8}" y="{y + 14}" text-anchor="end" font-size="12">{escape(bar.label)}</text>'
            f'<rect x="{_LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{_ROW_HEIGHT - 8}" fill="{colour}">'
            f"<title>{escape(bar.label)}: {bar.value:.3f}</title></rect>"
            f'<text x="{_LABEL_WIDTH + length + 6:.1f}" y="{y + 14}" font-size="12">{bar.value:.3f}</text>'
        )
    if not bars:
        parts.append('<text x="10" y="20" font-size="12">no data</text>')
    parts.append("</svg>")
    return "".join(parts)


def _cell(value: Cell) -> str:
    if value is None:
        return '<td class="num">–</td>'
    if isinstance(value, float):
        return f'<td class="num">{value:.3f}</td>'
    if isinstance(value, int):
        return f'<td class="num">{value}</td>'
    return f"<td>{escape(value)}</td>"


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(column)}</th>" for column in table.columns)
    body = "".join("<tr>" + "".join(_cell(value) for value in row) + "</tr>" for row in table.rows)
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    return f"<h3>{escape(table.title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}"


def render_html(report: EvalReport) -> str:
    summary = report.summary
    passed = sum(1 for case in report.cases if case.passed)
    config = ", ".join(f"{escape(k)}=<code>{escape(v)}</code>" for k, v in sorted(report.config.items()))
    out = [
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        f"<title>okr eval {escape(report.task)} — {escape(report.created)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Eval: {escape(report.task)}</h1>",
        f'<p class="meta">Dataset <code>{escape(report.dataset)}</code>, run {escape(report.created)}, '
        f"{len(report.cases)} cases, {passed} passed, {len(report.errors)} errors, {report.seconds:.1f} s."
        + (f"<br>Config: {config}" if config else "") + "</p>",
        "<h2>Headline</h2><table><thead><tr><th>metric</th><th>value</th></tr></thead><tbody>",
    ]
    for name in summary.headline or sorted(summary.metrics)[:10]:
        out.append(f"<tr><td>{escape(name)}</td>{_cell(summary.metrics.get(name))}</tr>")
    out.append("</tbody></table><h2>Charts</h2>")
    for chart in summary.charts:
        out.append(f"<figure><figcaption>{escape(chart.title)}</figcaption>{svg_bar_chart(chart)}</figure>")
    out.append("<h2>Tables</h2>")
    out += [_table(table) for table in summary.tables]
    failures = report.failures
    out.append(f"<h2>Failures ({len(failures)})</h2>")
    if failures:
        out.append("<ul>")
        for case in failures:
            reasons = "; ".join(s.reason for s in case.scores.values() if s.is_check and s.value is False)
            out.append(
                f"<li><strong>{escape(case.id)}</strong> ({escape(case.split or '-')}) {escape(case.input)}<br>"
                f"expected: {escape(case.expected)}; got: {escape(case.actual or case.error or '')}"
                + (f'<br><span class="note">{escape(reasons)}</span>' if reasons else "") + "</li>"
            )
        out.append("</ul>")
    else:
        out.append("<p>None.</p>")
    score_names = sorted({name for case in report.cases for name in case.scores})
    head = "".join(f"<th>{escape(n)}</th>" for n in ["id", "split", "result", "input", "expected", "actual", *score_names])
    out.append(f"<h2>Cases</h2><table><thead><tr>{head}</tr></thead><tbody>")
    for case in report.cases:
        status = "pass" if case.passed else "fail"
        cells = [
            f"<td>{escape(case.id)}</td><td>{escape(case.split or '-')}</td>",
            f'<td class="result">{status}</td><td title="{escape(case.detail)}">{escape(case.input)}</td>',
            f"<td>{escape(case.expected)}</td><td>{escape(case.actual)}</td>",
        ]
        for name in score_names:
            score = case.scores.get(name)
            if score is None:
                cells.append('<td class="num">–</td>')
            else:
                shown = ("yes" if score.value else "no") if isinstance(score.value, bool) else f"{score.value:.3f}"
                cells.append(f'<td class="num" title="{escape(score.reason)}">{shown}</td>')
        out.append(f'<tr class="{status}">{"".join(cells)}</tr>')
    out.append("</tbody></table></body></html>")
    return "\n".join(out) + "\n"
