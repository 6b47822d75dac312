"""Charts drawn by the server as SVG (from an autoescaped template), so they look the same
in the browser and in a PDF.

Each bar carries its letter and value in text (B before, A after), so nothing relies on
colour; a scale from 0 to 5 runs under the bars with gridlines; the page always shows the same
figures in a table as well."""

import base64

from django.template.loader import render_to_string

BAR_SCALE = 60  # SVG units per confidence point (the scale is 1 to 5)
ROW_HEIGHT = 42


def confidence_chart(items):
    """Geometry of the before/after bars per survey item (groups under five left out)."""
    rows = []
    for index, row in enumerate(r for r in items if not r["change"].suppressed):
        top, change = 10 + index * ROW_HEIGHT, row["change"]
        text = row["item"].text
        bars = []
        for offset, letter, value, fill in (
            (12, "B", change.median_before, "#9fb9d1"),
            (24, "A", change.median_after, "#1d4f7c"),
        ):
            width = value * BAR_SCALE
            bars.append(
                {
                    "y": top + offset,
                    "width": f"{width:g}",
                    "fill": fill,
                    "letter": letter,
                    "value": f"{value:g}",
                    "text_x": f"{width + 4:g}",
                    "text_y": top + offset + 8,
                }
            )
        rows.append({"label": text if len(text) <= 80 else text[:79] + "…", "label_y": top + 8, "bars": bars})
    axis_y = 14 + ROW_HEIGHT * len(rows)
    ticks = [{"x": value * BAR_SCALE, "value": value} for value in range(6)]
    return {"rows": rows, "height": axis_y + 34, "axis_y": axis_y, "ticks": ticks, "right": 5 * BAR_SCALE}


def as_data_uri(chart):
    """The chart as an SVG image for a PDF (or "" when there is nothing to draw)."""
    if not chart["rows"]:
        return ""
    svg = render_to_string("courses/reports/chart.svg", {"chart": chart})
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
