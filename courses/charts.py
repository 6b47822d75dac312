"""Charts drawn by the server as SVG, so they look the same in the browser and in a PDF.

Each bar carries its letter and value in text (B before, A after), so nothing relies on
colour; the page always shows the same figures in a table as well."""

import base64
from html import escape

BAR_SCALE = 60  # SVG units per confidence point (the scale is 1 to 5)
ROW_HEIGHT = 42


def confidence_chart(items):
    """SVG of median confidence before and after per survey item (groups under five left out)."""
    rows = [row for row in items if not row["change"].suppressed]
    if not rows:
        return ""
    height = 20 + ROW_HEIGHT * len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-title" '
        f'viewBox="0 0 460 {height}" width="460" height="{height}">',
        '<title id="chart-title">Median confidence before (B) and after (A), per area, 1 to 5</title>',
    ]
    for index, row in enumerate(rows):
        top, change = 10 + index * ROW_HEIGHT, row["change"]
        label = row["item"].text if len(row["item"].text) <= 90 else row["item"].text[:89] + "…"
        parts.append(f'<text x="0" y="{top + 8}" font-size="8" fill="#1b1b1b">{escape(label)}</text>')
        for offset, letter, value, fill in (
            (12, "B", change.median_before, "#9fb9d1"),
            (24, "A", change.median_after, "#1d4f7c"),
        ):
            width = value * BAR_SCALE
            parts.append(f'<rect x="0" y="{top + offset}" width="{width:g}" height="9" fill="{fill}"/>')
            parts.append(
                f'<text x="{width + 4:g}" y="{top + offset + 8}" font-size="8" fill="#1b1b1b">'
                f"{letter} {value:g}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def as_data_uri(svg):
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode() if svg else ""
