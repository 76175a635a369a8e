"""Server-rendered SVG bar charts of protected tables: no script, no
third-party request, no inline style (colours are SVG presentation
attributes, which the CSP's style-src does not govern).

One horizontal bar per row of the table, its length the row's published
total; a suppressed total is drawn as an empty outlined bar labelled
"suppressed", never as zero. Colours are from the Okabe-Ito palette
(distinguishable with the common colour-vision deficiencies), and nothing is
said by colour alone: every bar carries its number or "suppressed" in text.
The data table and the CSV link sit beside each chart in the template.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from harbour.reports.figures import TableView

# Okabe & Ito (2008), "Color Universal Design": blue, vermillion, bluish green.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
LABEL_WIDTH = 250
BAR_AREA = 330
ROW_HEIGHT = 26
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: int
    text: str
    text_x: int
    suppressed: bool


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    colour: str
    bars: tuple[Bar, ...]


def _short(label: str, limit: int = 36) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(view: TableView, index: int = 0) -> Chart:
    rows = [(label, total) for label, _cells, total in view.matrix]
    largest = max((total.count or 0 for _label, total in rows), default=0) or 1
    bars = []
    for position, (label, total) in enumerate(rows):
        y = TOP + position * ROW_HEIGHT
        if total.suppressed:
            width, text = 0, _("suppressed")
        else:
            width, text = round(BAR_AREA * (total.count or 0) / largest), str(total.count)
        bars.append(
            Bar(_short(label), y, width, text, LABEL_WIDTH + max(width, 0) + 6, total.suppressed)
        )
    described = "; ".join(
        f"{label}: {bar.text}" for (label, _t), bar in zip(rows, bars, strict=True)
    )
    return Chart(
        id=f"chart-{view.key}",
        title=_("%(table)s: totals by %(dimension)s")
        % {"table": view.title, "dimension": view.row_label.lower()},
        description=described or _("No figures to show."),
        width=LABEL_WIDTH + BAR_AREA + 110,
        height=TOP * 2 + max(len(bars), 1) * ROW_HEIGHT,
        label_width=LABEL_WIDTH,
        colour=OKABE_ITO[index % len(OKABE_ITO)],
        bars=tuple(bars),
    )
