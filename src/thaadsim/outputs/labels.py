"""Text labels that do not overlap: each is measured (matplotlib's window extent) while it is
placed, for the report's figures and the command-line maps alike."""

from __future__ import annotations

PAD_PX = 3.0
"""Clear space kept around each label [pixels], so that two labels never touch."""

_OFFSETS = [(6, 4, "left", "bottom"), (6, -4, "left", "top"), (-6, 4, "right", "bottom"), (-6, -4, "right", "top"),
            (0, 9, "center", "bottom"), (0, -9, "center", "top"), (14, 0, "left", "center"),
            (-14, 0, "right", "center"), (10, 16, "left", "bottom"), (-10, -16, "right", "top"),
            (10, -16, "left", "top"), (-10, 16, "right", "bottom")]
"""Where a label may go around its point [points]: tried in order, the first that overlaps no
label placed before (and stays inside the axes) is taken."""


class Labels:
    """Text labels on an axes that do not overlap one another (measured, not guessed).

    A label that finds no free place is left off the plot and named in :attr:`left_out`,
    which the figure prints in one line below it - never drawn on top of another."""

    def __init__(self, ax):
        self.ax = ax
        ax.apply_aspect()  # an equal-aspect map shrinks into its panel when drawn: measure it as drawn
        self.renderer = ax.figure.canvas.get_renderer()
        self.placed: list = []
        self.left_out: list[str] = []

    def block(self, artist) -> None:
        """Keep labels off an artist already drawn (a legend, a title)."""
        self.placed.append(artist.get_window_extent(self.renderer))

    def add(self, x: float, y: float, text: str, **style) -> None:
        from matplotlib.transforms import Bbox  # here: importing this module must not load matplotlib

        frame = self.ax.get_window_extent(self.renderer)
        for dx, dy, ha, va in _OFFSETS:
            label = self.ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                     zorder=11, **style)
            box = label.get_window_extent(self.renderer)
            box = Bbox.from_extents(box.x0 - PAD_PX, box.y0 - PAD_PX, box.x1 + PAD_PX, box.y1 + PAD_PX)
            inside = (box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1)
            if inside and not any(box.overlaps(other) for other in self.placed):
                self.placed.append(box)
                return
            label.remove()
        self.left_out.append(text)

    def footnote(self, fig, y: float = 0.005) -> None:
        if self.left_out:
            fig.text(0.01, y, "not labelled (no room): " + ", ".join(self.left_out), fontsize=6, color="#555555",
                     va="bottom")


__all__ = ["Labels"]
