"""Small charts for the admin home page's panels, drawn in SVG on the server (no charting
library, nothing from another origin). Each chart is a picture of the table printed under it
(templates/admin_charts/chart.html): screen readers read the table, the SVG is aria-hidden.

Two shapes: `bar_chart`, a few horizontal bars per row (one per series), and `monthly_chart`,
a row of twelve small columns per row (one per month) for figures over the last year. The
geometry is computed here, so the template only places rectangles."""

from datetime import date

from django.utils import timezone
from wagtail.admin.ui.components import Component

BAR_WIDTH = 260  # SVG units for the longest bar
ROW_HEIGHT = 22
LABEL_WIDTH = 150
COLUMN_WIDTH = 18  # a month's column and the gap after it
COLUMN_HEIGHT = 36  # SVG units for the tallest column


def bar_chart(title, series, rows):
    """A chart of `rows` [(label, [value per series])]."""
    largest = max([value for _, values in rows for value in values] + [1])
    bars_per_row = len(series)
    drawn = []
    for index, (label, values) in enumerate(rows):
        top = index * ROW_HEIGHT * bars_per_row
        drawn.append(
            {
                "label": label,
                "label_y": top + ROW_HEIGHT * bars_per_row / 2 + 4,
                "values": values,
                "bars": [
                    {
                        "x": LABEL_WIDTH,
                        "y": top + position * ROW_HEIGHT + 3,
                        "width": round(BAR_WIDTH * value / largest, 1),
                        "height": 16,
                        "value": value,
                        "text_x": LABEL_WIDTH + round(BAR_WIDTH * value / largest, 1) + 4,
                        "text_y": top + position * ROW_HEIGHT + 15,
                        "series": position,
                    }
                    for position, value in enumerate(values)
                ],
            }
        )
    return {
        "title": title,
        "series": series,
        "rows": drawn,
        "height": max(len(rows), 1) * ROW_HEIGHT * bars_per_row,
        "label_width": LABEL_WIDTH,
    }


def monthly_chart(title, months, rows):
    """A chart of `rows` [(label, [value per month])], `months` the first day of each month
    (oldest first): per row, one column per month, the last value printed after them."""
    largest = max([value for _, values in rows for value in values] + [1])
    row_height = COLUMN_HEIGHT + 12
    drawn = []
    for index, (label, values) in enumerate(rows):
        bottom = index * row_height + COLUMN_HEIGHT + 4
        bars = []
        for position, value in enumerate(values):
            height = round(COLUMN_HEIGHT * value / largest, 1)
            bars.append(
                {
                    "x": LABEL_WIDTH + position * COLUMN_WIDTH,
                    "y": round(bottom - height, 1),
                    "width": COLUMN_WIDTH - 4,
                    "height": height,
                    "value": value,
                    "series": 0,
                }
            )
        # The latest figure is printed once, after the last column.
        bars[-1]["text_x"] = LABEL_WIDTH + len(values) * COLUMN_WIDTH + 2
        bars[-1]["text_y"] = bottom
        drawn.append(
            {"label": label, "label_y": bottom - COLUMN_HEIGHT / 2, "values": values, "bars": bars}
        )
    return {
        "title": title,
        "series": [month_label(month) for month in months],
        "rows": drawn,
        "height": max(len(rows), 1) * row_height,
        "label_width": LABEL_WIDTH,
    }


def month_label(month):
    return month.strftime("%b %Y")


def last_twelve_months(today):
    """The first day of each of the last twelve months, this one last."""
    months = []
    year, month = today.year, today.month
    for _ in range(12):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


class ChartsPanel(Component):
    """A panel of charts on the admin home page (templates/admin_charts/panel.html): its
    `heading`, a line of `links()` [(label, url)] to the reports behind it, then the
    `charts(today)`."""

    template_name = "admin_charts/panel.html"
    heading = ""

    def links(self):
        return []

    def charts(self, today):
        raise NotImplementedError

    def get_context_data(self, parent_context):
        return {
            "heading_id": f"{self.name}-panel-heading",
            "heading": self.heading,
            "links": self.links(),
            "charts": self.charts(timezone.localdate()),
        }
