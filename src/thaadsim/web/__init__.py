"""The web app (``thaadsim serve``): scenarios on an offline CesiumJS globe, and a JSON API.

:mod:`~thaadsim.web.app` holds the pages and the API, :mod:`~thaadsim.web.jobs` the runs
(worker processes, limits, cancellation), :mod:`~thaadsim.web.assets` the Cesium build.
"""
