"""Small-cell suppression for published statistics (security anchors S11, F5).

Primary suppression hides every cell counting 1 to k−1 people. Secondary suppression then makes sure no hidden
cell can be worked out from a published total: in every line (a row or column with its total) the number of hidden
entries, the total included, is either zero or at least two.
"""

from dataclasses import dataclass, field


@dataclass
class Suppressed:
    """A crosstab with its margins (last row and last column are totals); None where a value is hidden."""

    values: list[list[int | None]]
    primary: set[tuple[int, int]] = field(default_factory=set)  # hidden because small; the rest to protect them

    def shown(self, i: int, j: int, k: int) -> int | str:
        value = self.values[i][j]
        if value is not None:
            return value
        return f"<{k}" if (i, j) in self.primary else "x"


def _lines(rows: int, columns: int) -> list[list[tuple[int, int]]]:
    """Every additive line of a table with margins, each as its components followed by its total."""
    lines = [[(i, j) for j in range(columns + 1)] for i in range(rows + 1)]
    lines += [[(i, j) for i in range(rows + 1)] for j in range(columns + 1)]
    return lines


def suppress(table: list[list[int]], k: int = 5) -> Suppressed:
    """Suppress a crosstab of counts (rows × columns, without margins); the margins are computed here.

    Returns the table with margins added (last column: row totals; last row: column totals and the grand total).
    """
    if not table or not table[0]:
        return Suppressed([[0]])
    rows, columns = len(table), len(table[0])
    full = [[*row, sum(row)] for row in table]
    full.append([sum(full[i][j] for i in range(rows)) for j in range(columns + 1)])
    hidden = {(i, j) for i in range(rows + 1) for j in range(columns + 1) if 0 < full[i][j] < k}
    primary = set(hidden)
    lines = _lines(rows, columns)
    changed = True
    while changed:
        changed = False
        for line in lines:
            blanks = [cell for cell in line if cell in hidden]
            if len(blanks) != 1:
                continue
            candidates = [cell for cell in line if cell not in hidden]
            # Hide the smallest other count (a zero only when nothing else is left), so least is lost.
            hidden.add(min(candidates, key=lambda cell: (full[cell[0]][cell[1]] == 0, full[cell[0]][cell[1]])))
            changed = True
    values = [[None if (i, j) in hidden else full[i][j] for j in range(columns + 1)] for i in range(rows + 1)]
    return Suppressed(values, primary)
