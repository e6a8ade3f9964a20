"""thaadsim.tracking: ballistic motion models, EKF/UKF, association (GNN, JPDA), track
management, products (impact and launch points, CEP, class) and metrics.

Entry point: :func:`run_tracker` (detections in, :class:`TrackerResult` out) and
:func:`track_products` (per-track impact / launch points, time to impact, class).
"""

from thaadsim.tracking.filters import ExtendedKalmanFilter, GaussianFilter, UnscentedKalmanFilter, make_filter
from thaadsim.tracking.manager import Track, TrackerConfig, TrackerResult, TrackManager, run_tracker
from thaadsim.tracking.measurement import LinearPositionMeasurement, RadarMeasurementModel, RadarSites
from thaadsim.tracking.metrics import gospa, nees, nis, ospa, track_truth_summary
from thaadsim.tracking.models import AtmosphereTable, BallisticModel, ConstantVelocityModel
from thaadsim.tracking.products import (
    ClassSignature,
    cep_from_covariance,
    classify,
    impact_points,
    launch_points,
    track_products,
)

__all__ = [
    "AtmosphereTable", "BallisticModel", "ClassSignature", "ConstantVelocityModel", "ExtendedKalmanFilter",
    "GaussianFilter", "LinearPositionMeasurement", "RadarMeasurementModel", "RadarSites", "Track", "TrackManager",
    "TrackerConfig", "TrackerResult", "UnscentedKalmanFilter", "cep_from_covariance", "classify", "gospa",
    "impact_points", "launch_points", "make_filter", "nees", "nis", "ospa", "run_tracker", "track_products",
    "track_truth_summary",
]
