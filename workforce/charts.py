"""The coverage trend as a bar chart drawn by the server (SVG from an autoescaped template),
the same in the browser and the PDF (the Word board pack has the table, which every chart
has beside it too). It has a labelled axis from 0% to 100% with gridlines, each bar carries its value
in text, and a quarter with no figure says "no figure" rather than drawing nothing."""

import base64

from django.template.loader import render_to_string

WIDTH, HEIGHT = 560, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 16, 52  # room for the axis labels
TICKS = (0, 25, 50, 75, 100)


def trend_chart(points: list[tuple[list[str], float | None]], title: str) -> dict:
    """Geometry of one bar per (label lines, percentage) point, on a 0 to 100% scale."""
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(len(points), 1)
    bars = []
    for index, (lines, value) in enumerate(points):
        x = LEFT + index * slot
        height = (value or 0) * plot_height / 100
        bars.append(
            {
                "x": f"{x + slot * 0.15:.1f}",
                "y": f"{TOP + plot_height - height:.1f}",
                "width": f"{slot * 0.7:.1f}",
                "height": f"{height:.1f}",
                "value": "no figure" if value is None else f"{value:g}%",
                "value_y": f"{TOP + plot_height - height - 3:.1f}",
                "centre": f"{x + slot / 2:.1f}",
                "label_lines": [
                    {"text": text, "y": TOP + plot_height + 14 + 12 * line} for line, text in enumerate(lines)
                ],
            }
        )
    ticks = [{"value": tick, "y": f"{TOP + plot_height - tick * plot_height / 100:.1f}"} for tick in TICKS]
    return {
        "title": title,
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "axis_y": TOP + plot_height,
        "ticks": ticks,
        "bars": bars,
    }


def as_svg(chart: dict) -> str:
    return render_to_string("workforce/trend_chart.svg", {"chart": chart})


def as_data_uri(chart: dict) -> str:
    """The chart as an image for a PDF."""
    return "data:image/svg+xml;base64," + base64.b64encode(as_svg(chart).encode()).decode()


def quarters_chart(quarters) -> dict:
    """The trend of `workforce.trends.trend`, all agencies together."""
    points = [(quarter.short_label, quarter.share) for quarter in quarters]
    return trend_chart(points, "Coverage of the workforce at the end of each quarter, all agencies (%)")
