"""``pop report`` as a document: a terminal table, CSV, XLSX, one self-contained HTML page, JSON.

Every cell a person or a pack wrote is data, never a formula: in CSV a cell that starts with
``= + - @``, a tab or a carriage return is prefixed with ``'`` (what spreadsheets show as text);
in XLSX every text cell is stored as a string. The HTML page loads nothing from outside (inline
CSS and SVG), and escapes everything.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from functools import cache
from html import escape
from typing import Any

from .followup import STATUSES, status_label
from .i18n import _, current_language

FORMATS = ("table", "csv", "xlsx", "html", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def columns() -> list[tuple[str, str]]:
    """(key, heading) of the table's columns, headings in the user's language."""
    return [("person", _("person")), ("number", _("number")), ("team", _("team")),
            ("leader", _("leader")), ("hired", _("hired")), ("plan", _("plan")),
            ("pack", _("pack")), ("state_title", _("where it stands")),
            ("last_conversation", _("last conversation")), ("next_due_date", _("next due")),
            ("next_due", _("what")), ("days_overdue", _("days overdue")),
            *[(status, status_label(status)) for status in STATUSES],
            ("signed", _("signed"))]


def flat(row: dict) -> dict[str, Any]:
    """A report row as the table's cells (dates as dates, counts as numbers)."""
    due = row["next_due"] or {}
    cells = {**row, "next_due_date": _date(due.get("date")), "next_due": due.get("title"),
             "hired": _date(row["hired"]), "last_conversation": _date(row["last_conversation"]),
             "signed": _("yes") if row["signed"] else (_("no") if row["plan"] else ""),
             "state_title": row["state_title"] or _("no plan")}
    cells.update(row["actions"] if row["plan"] else dict.fromkeys(STATUSES))
    return {key: cells.get(key) for key in _keys()}


@cache
def _keys() -> tuple[str, ...]:
    """The columns' keys: the same in every language, so worked out once, not per row."""
    return tuple(key for key, _heading in columns())


def render(fmt: str, report: dict) -> str | bytes:
    return {"table": table, "csv": to_csv, "xlsx": to_xlsx, "html": to_html,
            "json": to_json}[fmt](report)


def table(report: dict) -> str:
    """For the terminal: the summary line, then the columns that fit, widths from the data."""
    s = report["summary"]
    heads = (_("person"), _("team"), _("where it stands"), _("last conversation"),
             _("next due"), _("days overdue"), _("actions"), _("signed"))
    rows = []
    for row in report["rows"]:
        cells = flat(row)
        rows.append((_cut(cells["person"], 28), _cut(cells["team"], 14),
                     _cut(cells["state_title"], 30), _text(cells["last_conversation"]),
                     _text(cells["next_due_date"]), str(row["days_overdue"] or ""),
                     "/".join(str(row["actions"][k]) for k in STATUSES) if row["plan"] else "",
                     cells["signed"]))
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(heads)]
    right = {5}
    lines = [_("{people} people · {without} without a plan · {overdue} overdue · {signed} "
               "signed").format(people=s["people"], without=s["without_plan"],
                                overdue=s["overdue"], signed=s["signed"]), ""]
    for cells in (heads, *rows):
        lines.append("  ".join(c.rjust(w) if i in right else c.ljust(w)
                               for i, (c, w) in enumerate(zip(cells, widths, strict=True)))
                     .rstrip())
    lines += ["", _("actions: not started/in progress/done/adjusted")]
    return "\n".join(lines) + "\n"


def to_csv(report: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([heading for _key, heading in columns()])
    for row in report["rows"]:
        writer.writerow([safe_cell(_text(value)) for value in flat(row).values()])
    return out.getvalue()


def to_json(report: dict) -> str:
    """One object, a row per line: readable, and fast (the C encoder; ``indent`` is not)."""
    def dump(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    parts = [f"  {dump(key)}: {dump(value)}" for key, value in report.items() if key != "rows"]
    rows = ",\n".join("    " + dump(row) for row in report["rows"])
    parts.append(f'  "rows": [\n{rows}\n  ]' if rows else '  "rows": []')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def to_xlsx(report: dict) -> bytes:
    """A workbook: the people (frozen header, widths, dates as dates), overdue, and a summary."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    views = [(_("People"), report["rows"]),
             (_("Overdue"), [r for r in report["rows"] if r["days_overdue"] > 0]),
             (_("Without a plan"), [r for r in report["rows"] if not r["plan"]])]
    for index, (title, rows) in enumerate(views):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title[:31]
        heads = columns()
        sheet.append([heading for _key, heading in heads])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [len(heading) for _key, heading in heads]
        for row in rows:
            values = list(flat(row).values())
            sheet.append([None] * len(values))
            for col, value in enumerate(values, start=1):
                cell = sheet.cell(row=sheet.max_row, column=col)
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, never a formula
                elif isinstance(value, date):
                    cell.number_format = "DD-MM-YYYY"
                widths[col - 1] = max(widths[col - 1], min(40, len(_text(value))))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = sheet.dimensions
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=col).column_letter].width = width + 2
    summary = book.create_sheet(_("Summary"))
    for label, value in _summary_lines(report):
        summary.append([label, value])
        summary.cell(row=summary.max_row, column=1).data_type = "s"
    summary.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_html(report: dict) -> str:
    s = report["summary"]
    charts = [
        (_("Plans by where they stand"), s["plans_by_state"]),
        (_("Overdue by team"), {k or _("no team"): v for k, v in s["overdue_by_team"].items()}),
        (_("Actions by status"), {status_label(k): v for k, v in s["actions_by_status"].items()}),
    ]
    heads = [(k, h) for k, h in columns() if k in _HTML_COLUMNS]
    body_rows = []
    for row in report["rows"]:
        cells = flat(row)
        late = " class=late" if row["days_overdue"] > 0 else ""
        body_rows.append(f"<tr{late}>" + "".join(
            f"<td class={_cell_class(cells[k])}>"
            f"{escape(_text(cells[k] if k in STATUSES else cells[k] or None))}</td>"
            for k, _h in heads) + "</tr>")
    figures = "".join(f"<figure><figcaption>{escape(title)}</figcaption>{_bars(data)}</figure>"
                      for title, data in charts)
    facts = "".join(f"<div><b>{escape(str(value))}</b><span>{escape(label)}</span></div>"
                    for label, value in _summary_lines(report)[:4])
    title = _("POP report")
    return f"""<!DOCTYPE html>
<html lang="{escape(current_language())}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} {escape(report['today'])}</title>
<style>{_CSS}</style></head><body>
<header><h1>{escape(title)}</h1><p>{escape(_filters_line(report))}</p></header>
<section class=facts>{facts}</section>
<section class=charts>{figures}</section>
<table><thead><tr>{''.join(f'<th>{escape(h)}</th>' for _k, h in heads)}</tr></thead>
<tbody>{''.join(body_rows)}</tbody></table>
</body></html>
"""


#: What the page shows of each row (the CSV and the workbook have every column).
_HTML_COLUMNS = ("person", "team", "leader", "state_title", "last_conversation",
                 "next_due_date", "next_due", "days_overdue", *STATUSES, "signed")


def _cell_class(value: Any) -> str:
    return "n" if isinstance(value, int) else "d" if isinstance(value, date) else "t"


def _summary_lines(report: dict) -> list[tuple[str, Any]]:
    s = report["summary"]
    return [(_("people"), s["people"]), (_("without a plan"), s["without_plan"]),
            (_("overdue"), s["overdue"]), (_("signed"), s["signed"]),
            (_("date of the report"), report["today"])]


def _filters_line(report: dict) -> str:
    shown = ", ".join(f"{k}: {v}" for k, v in report["filters"].items() if v)
    return _("On {date}").format(date=report["today"]) + (f" · {shown}" if shown else "")


def _bars(data: dict[str, int]) -> str:
    """A horizontal bar chart as inline SVG (no script, no font but the page's)."""
    if not data:
        return f"<p class=empty>{escape(_('nothing'))}</p>"
    top = max(data.values()) or 1
    height = 22 * len(data) + 4
    bars = []
    for i, (label, value) in enumerate(data.items()):
        y = 4 + 22 * i
        width = 180 * value / top
        bars.append(f'<text x="0" y="{y + 13}">{escape(_cut(label, 34))}</text>'
                    f'<rect x="220" y="{y}" width="{width:.1f}" height="16" rx="2"/>'
                    f'<text x="{226 + width:.1f}" y="{y + 13}">{value}</text>')
    return (f'<svg viewBox="0 0 450 {height}" width="450" height="{height}" role="img">'
            f'{"".join(bars)}</svg>')


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def safe_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text, never as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _cut(value: Any, width: int) -> str:
    text = _text(value)
    return text if len(text) <= width else text[:width - 1] + "…"


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2733;margin:2rem;}
header h1{margin:0;font-size:1.6rem}header p{margin:.2rem 0 1.2rem;color:#5b6774}
.facts{display:flex;gap:1rem;margin-bottom:1.2rem}
.facts div{border:1px solid #d5dbe1;border-radius:6px;padding:.6rem 1rem;min-width:7rem}
.facts b{display:block;font-size:1.5rem}.facts span{color:#5b6774}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem;margin-bottom:1.5rem}
figure{margin:0}figcaption{font-weight:600;margin-bottom:.3rem}
svg text{font-size:12px;fill:#1d2733}svg rect{fill:#2f6f9f}
table{border-collapse:collapse;width:100%;font-size:12px}
th{text-align:left;background:#eef2f5;border-bottom:2px solid #b8c2cc;padding:4px 6px}
td{border-bottom:1px solid #e3e7eb;padding:3px 6px;vertical-align:top}
td.n{text-align:right}td.d{white-space:nowrap}
tr.late td{background:#fff3e0}.empty{color:#5b6774}
@media print{body{margin:1cm;font-size:11px}.charts{break-inside:avoid}
thead{display:table-header-group}tr{break-inside:avoid}}
"""
