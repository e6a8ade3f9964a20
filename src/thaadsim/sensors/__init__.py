"""thaadsim.sensors — radar: detection physics, line of sight, measurements, coverage.

Modules (SI units inside; degrees and kilometres only in names):

* ``radar``        — :class:`RadarModel`, a catalog radar + mode (+ site) in SI units.
* ``detection``    — range equation (track and search forms), Pd: exact, Albersheim,
                     Shnidman.
* ``convention``   — the detection convention (Pd, P_fa, Swerling case, looks) behind
                     every range, coverage and first-detection time; the default is
                     the radar calibration's.
* ``range_quotes`` — published range quotes read back as the RCS band that reproduces
                     each with the preset.
* ``geometry``     — line of sight, SNR and Pd of point batches (``look``).
* ``kernels``      — the compiled (numba) hot loops behind geometry, access, coverage.
* ``measurements`` — noisy detections and false alarms (``measure`` → ``Detections``).
* ``access``       — detection intervals of trajectory batches (``access`` → ``Access``).
* ``coverage``     — detection range by azimuth, the covered region and its area.
* ``rcs``          — radar cross-section models: constant, or tables by aspect angle
                     (warhead, booster, debris; ``catalog/data/rcs.yaml``).
* ``visibility``   — when, where and how long flown trajectories (``FlightBatch``) are
                     detected (``visibility`` → ``Visibility``).
* ``analyses``     — built-in analyses (North Korean launches, Chinese ICBMs seen from
                     Seongju) with batched minimum-energy aiming.
"""
