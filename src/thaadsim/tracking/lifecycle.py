"""Track lifecycle after a frame's updates: M-of-N confirmation and deletion.

Each rule is a small frozen dataclass that reads the live-track table and returns a
mask, so that a rule can be swapped or tested alone (Stone Soup's ``Deleter`` plays
the same part in its ``MultiTargetTracker``).  :func:`step_lifecycle` applies them in
the tracker's order: count the frame, confirm, then drop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from thaadsim.tracking.frame import CONFIRMED, TENTATIVE, TrackTable


@dataclass(frozen=True)
class MOfNConfirmation:
    """Confirm a tentative track with ``m`` hits within its first ``n`` frames; drop it
    as soon as ``m`` hits have become impossible."""

    m: int
    n: int

    @property
    def at_birth(self) -> bool:
        """M = 1: a track is confirmed by the detection that starts it."""
        return self.m == 1

    def confirm(self, status: np.ndarray, hits: np.ndarray, age: np.ndarray) -> np.ndarray:
        return (status == TENTATIVE) & (hits >= self.m) & (age <= self.n)

    def hopeless(self, status: np.ndarray, hits: np.ndarray, age: np.ndarray) -> np.ndarray:
        return (status == TENTATIVE) & (hits + (self.n - age) < self.m)


@dataclass(frozen=True)
class MissDeletion:
    """Delete a confirmed track after ``misses`` consecutive frames without a
    detection, and any track whose position sigma exceeds ``max_position_sigma_m``
    (NaN counts as exceeding) or whose prediction broke (``broken``)."""

    misses: int
    max_position_sigma_m: float

    def delete(self, status: np.ndarray, misses: np.ndarray, P: np.ndarray,
               broken: np.ndarray | None = None) -> np.ndarray:
        lost = (status == CONFIRMED) & (misses >= self.misses)
        pos_sigma = np.sqrt(np.trace(P[:, :3, :3], axis1=1, axis2=2))
        diverged = ~(pos_sigma <= self.max_position_sigma_m)
        if broken is not None and broken.size == diverged.size:
            diverged |= broken
        return lost | diverged


def step_lifecycle(table: TrackTable, hit: np.ndarray, t: float, confirmation: MOfNConfirmation,
                   deletion: MissDeletion, broken: np.ndarray | None = None) -> None:
    """Count one frame for every live track (``hit`` (T,): it took a detection), confirm
    and drop; the table records the times."""
    if hit.size == 0:
        return
    table.age += 1
    table.hits += hit
    table.misses = np.where(hit, 0, table.misses + 1)
    confirm = confirmation.confirm(table.status, table.hits, table.age)
    table.mark("confirmed", confirm, t)
    table.status = np.where(confirm, CONFIRMED, table.status).astype(np.int8)
    drop = confirmation.hopeless(table.status, table.hits, table.age) | deletion.delete(
        table.status, table.misses, table.P, broken)
    if drop.any():
        table.mark("deleted", drop, t)
        table.keep(~drop)
