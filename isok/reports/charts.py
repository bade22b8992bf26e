"""Small server-side SVG charts: no script, a title and description for screen readers, and the same data as a
table beside each, so the page and the PDF show the same thing."""

from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#0b5cad", "#b34700", "#1e6b35", "#6b3fa0")  # distinguishable, and each readable on white
WIDTH, HEIGHT = 640, 260
LEFT, BOTTOM, TOP = 44, 46, 14


@dataclass
class Chart:
    id: str
    title: str
    description: str
    svg: Markup
    columns: list[str]  # the data table: first column the category
    rows: list[list]


def _number(value) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _svg_open(chart_id: str, title: str, description: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
    )


def _legend(series_names: list[str], y: int) -> str:
    parts, x = [], LEFT
    for index, name in enumerate(series_names):
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>'
            f'<text x="{x + 16}" y="{y}" font-size="12">{escape(name)}</text>'
        )
        x += 24 + 8 * len(str(name))
    return "".join(parts)


def bar_chart(
    chart_id: str, title: str, description: str, categories: list[str], series: list[tuple[str, list]]
) -> Chart:
    """Grouped vertical bars: one group per category, one bar per series."""
    top_value = max([_number(v) for _name, values in series for v in values] + [1])
    plot_width, plot_height = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP - 18
    group = plot_width / max(len(categories), 1)
    bar = max(min(group * 0.8 / max(len(series), 1), 40), 2)
    parts = [
        _svg_open(chart_id, title, description, HEIGHT),
        f'<line x1="{LEFT}" y1="{TOP + plot_height}" x2="{WIDTH - 10}" y2="{TOP + plot_height}" stroke="#4f5b6b"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 10}" font-size="11" text-anchor="end">{_format(top_value)}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + plot_height}" font-size="11" text-anchor="end">0</text>',
    ]
    for c, category in enumerate(categories):
        start = LEFT + c * group + (group - bar * len(series)) / 2
        for s, (_name, values) in enumerate(series):
            value = values[c]
            height = plot_height * _number(value) / top_value
            x, y = start + s * bar, TOP + plot_height - height
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 1:.1f}" height="{height:.1f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"/>'
            )
            if bar >= 14:
                parts.append(
                    f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="10" '
                    f'text-anchor="middle">{escape(_format(value))}</text>'
                )
        parts.append(
            f'<text x="{LEFT + c * group + group / 2:.1f}" y="{TOP + plot_height + 14}" font-size="11" '
            f'text-anchor="middle">{escape(category)}</text>'
        )
    parts.append(_legend([name for name, _values in series], HEIGHT - 6))
    parts.append("</svg>")
    rows = [[category, *(values[c] for _name, values in series)] for c, category in enumerate(categories)]
    return Chart(chart_id, title, description, _markup(parts), ["", *(name for name, _v in series)], rows)


def progress_chart(
    chart_id: str,
    title: str,
    description: str,
    items: list[tuple[str, object, int]],
    value_label: str,
    target_label: str,
) -> Chart:
    """Horizontal bars of realised values against targets, each with its percentage."""
    row_height = 34
    height = TOP + row_height * max(len(items), 1) + 10
    plot_width = WIDTH - 20
    parts = [_svg_open(chart_id, title, description, height)]
    rows = []
    for index, (label, value, target) in enumerate(items):
        y = TOP + index * row_height
        share = min(_number(value) / target, 1.0) if target else 1.0
        known = isinstance(value, int | float)  # a hidden value ("<5") has no percentage either
        percent = (round(100 * value / target) if target else 100) if known else "x"
        shown = value if known else str(value)
        parts.append(
            f'<text x="10" y="{y + 10}" font-size="11">{escape(label)}: {escape(_format(shown))} / '
            f"{target} ({percent}\u00a0%)</text>"
            f'<rect x="10" y="{y + 14}" width="{plot_width}" height="10" fill="#e3e8ef"/>'
            f'<rect x="10" y="{y + 14}" width="{plot_width * share:.1f}" height="10" '
            f'fill="{PALETTE[2] if share >= 1 else PALETTE[0]}"/>'
        )
        rows.append([label, shown, target, percent])
    parts.append("</svg>")
    return Chart(chart_id, title, description, _markup(parts), ["", value_label, target_label, "%"], rows)


def _markup(parts: list[str]) -> Markup:
    """The SVG as safe markup: every text in it went through escape(), numbers and ids are ours."""
    return Markup("".join(parts))  # noqa: S704


def _format(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
