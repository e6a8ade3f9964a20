"""End to end in a real headless Chromium: the scenario list, an upload (refused with its
field, then listed), korea-salvo run from its page,
its answer on the page, the globe drawn, and a bad parameter shown beside its field.

Authorities: the run's summary.json as the API serves it (the numbers on the page must be
its numbers); the CZML's own clock (an event row moves the viewer's clock to the event's
time after the CZML's epoch); the browser's console (no error).  Chromium missing is a
failure that says how to install it, not a skip.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.request

import pytest

from tests.web.browser import (
    chromium,
    chromium_paths,
    console_errors,
    globe_pixels,
    globe_ready,
    server,
    wait_for,
)
from tests.web.helpers import SMALL

RUN_TIMEOUT_S = 300.0


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def browser():
    paths = chromium_paths()
    if isinstance(paths, str):
        pytest.fail(f"the web app's browser tests need Chromium: {paths}", pytrace=False)
    from thaadsim.web.assets import ensure_cesium

    ensure_cesium()
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """One ``thaadsim serve`` for the module's tests (its start is most of a short test)."""
    with server(tmp_path_factory.mktemp("runs")) as url:
        yield url


def test_korea_salvo_in_the_browser(browser, base):
    from selenium.webdriver.common.by import By

    driver = browser
    # the scenario list, and korea-salvo opened from it
    driver.get(base)
    link = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, 'tr[data-scenario="korea-salvo"] a'), 30,
                    "the scenario list")
    assert len(driver.find_elements(By.CSS_SELECTOR, "#scenarios tbody tr")) >= 5

    # an upload: a bad file's error under the text, then the good one in the list
    yaml_box = driver.find_element(By.ID, "upload-yaml")
    driver.execute_script("arguments[0].value = arguments[1];", yaml_box, SMALL.replace("scud-er", "scud-erx"))
    driver.find_element(By.ID, "upload-submit").click()
    upload_error = driver.find_element(By.ID, "upload-error")
    wait_for(lambda: upload_error.text, 30, "the upload's error")
    assert "<upload>:6: threats[0].missile: unknown missile 'scud-erx'" in upload_error.text, upload_error.text
    driver.execute_script("arguments[0].value = arguments[1];", yaml_box, SMALL)
    driver.find_element(By.ID, "upload-submit").click()
    wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, 'tr[data-scenario="web-small"]'), 30, "the upload")
    assert upload_error.text == ""
    driver.get_log("browser")  # the refused upload's 422 is logged by the browser; nothing else may be
    link = driver.find_elements(By.CSS_SELECTOR, 'tr[data-scenario="korea-salvo"] a')
    link[0].click()
    count = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, '[data-field="threats[0].count"]'), 30,
                     "the parameter form")[0]
    assert count.get_attribute("value") == "2"

    # run it: progress, then the answer
    driver.find_element(By.ID, "run").click()
    progress = driver.find_element(By.ID, "progress")
    wait_for(lambda: progress.get_attribute("data-status") in ("done", "failed"), RUN_TIMEOUT_S, "the run")
    assert progress.get_attribute("data-status") == "done", driver.find_element(By.ID, "form-error").text
    runs = json.load(urllib.request.urlopen(base + "api/runs"))
    run = json.load(urllib.request.urlopen(f"{base}api/runs/{runs[-1]['id']}"))
    summary = run["summary"]
    assert summary["scenario"] == "korea-salvo" and summary["threats"] == 8
    shown = {e.get_attribute("data-total"): e.text for e in driver.find_elements(By.CSS_SELECTOR, "[data-total]")}
    for key in ("threats", "engaged", "intercepted", "leaked", "leaked_into_defended_assets",
                "interceptors_fired"):
        assert shown[key] == str(summary[key]), (key, shown[key], summary[key])
    assert driver.find_element(By.ID, "headline").text.startswith(f"8 threats: {summary['intercepted']} "
                                                                  "intercepted")
    rows = driver.find_elements(By.CSS_SELECTOR, ".outcomes tbody tr")
    assert [r.get_attribute("data-object") for r in rows] == [p["object_id"] for p in summary["per_threat"]]

    # the globe: entities loaded, frames drawn continuously, pixels not blank, no console error
    state = wait_for(lambda: globe_ready(driver), 120, "the globe with the run's CZML")
    czml = json.load(urllib.request.urlopen(f"{base}api/runs/{run['id']}/czml"))
    assert state["entities"] == len(czml) - 1  # every packet but the document's is an entity
    start, stop = czml[0]["clock"]["interval"].split("/")
    shown_span = driver.execute_script("return [viewer.clock.startTime, viewer.clock.stopTime]"
                                       ".map(t => Cesium.JulianDate.toIso8601(t, 3));")
    for shown_t, czml_t in zip(shown_span, (start, stop), strict=True):  # the CZML's clock governs the viewer
        assert abs((_utc(shown_t) - _utc(czml_t)).total_seconds()) < 1e-3, (shown_span, start, stop)
    pixels = globe_pixels(driver)
    assert pixels["colours"] > 200 and pixels["lit"] > 0.2, pixels
    assert console_errors(driver) == []

    # an event row moves the clock to its time after the CZML's epoch
    events = driver.find_elements(By.CSS_SELECTOR, "#events tbody tr")
    assert len(events) > 8
    row = events[len(events) // 2]
    row.click()
    t_s = float(row.get_attribute("data-time"))
    now = driver.execute_script("return Cesium.JulianDate.toIso8601(viewer.clock.currentTime, 3);")
    assert abs((_utc(now) - _utc(summary["epoch"])).total_seconds() - t_s) < 0.01, (now, t_s)

    # a bad parameter: the schema's error beside its field, no run started
    count = driver.find_element(By.CSS_SELECTOR, '[data-field="threats[0].count"]')
    count.clear()
    count.send_keys("999")
    driver.find_element(By.ID, "run").click()
    error = driver.find_element(By.CSS_SELECTOR, '.error[data-error-for="threats[0].count"]')
    wait_for(lambda: error.text, 30, "the field error")
    assert "threats[0].count" in error.text and "256" in error.text, error.text
    time.sleep(0.5)
    assert len(json.load(urllib.request.urlopen(base + "api/runs"))) == 1
    errors = console_errors(driver)  # the refused request itself is logged by the browser, nothing else
    assert all("422" in e for e in errors), errors

    # an error found when a run starts names a field the form has no input for (an aim
    # point, threats[0].to): it is shown in that threat group, beside its salvo
    beside = driver.execute_script("return besideField(document.getElementById('params'), 'threats[0].to')"
                                   ".getAttribute('data-error-for');")
    assert beside == "threats[0].count"


def test_study_in_the_browser(browser, base):
    """A Monte Carlo study of korea-salvo from its study page: too many runs refused beside the
    field, then 3 runs, the progress bar full, the page's estimates and intervals those of the
    study's summary.json, the convergence plot loaded, no console error."""
    from selenium.webdriver.common.by import By

    driver = browser
    driver.get(base + "scenarios/korea-salvo")
    wait_for(lambda: driver.find_element(By.ID, "study-link").get_attribute("href"), 30, "the study link")
    driver.find_element(By.ID, "study-link").click()
    runs = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR, '#runs[max="200"]'), 30, "the study form")[0]
    runs.clear()
    runs.send_keys("201")
    driver.find_element(By.ID, "start").click()
    error = driver.find_element(By.CSS_SELECTOR, '.error[data-error-for="runs"]')
    wait_for(lambda: error.text, 30, "the field error")
    assert "201 runs" in error.text and "200" in error.text, error.text
    driver.get_log("browser")  # the refused request's 422; nothing else may be logged
    runs.clear()
    runs.send_keys("3")
    driver.find_element(By.ID, "start").click()
    progress = driver.find_element(By.ID, "progress")
    wait_for(lambda: progress.get_attribute("data-status") in ("done", "failed"), RUN_TIMEOUT_S, "the study")
    assert progress.get_attribute("data-status") == "done", driver.find_element(By.ID, "form-error").text
    assert error.text == ""
    bar = driver.find_element(By.ID, "bar")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "3"
    studies = json.load(urllib.request.urlopen(base + "api/studies"))
    summary = json.load(urllib.request.urlopen(f"{base}api/studies/{studies[-1]['id']}"))["summary"]
    assert summary["runs"] == 3 and summary["scenario"] == "korea-salvo"
    shown = driver.find_element(By.CSS_SELECTOR, '[data-value="p_no_leak"]').text
    assert abs(float(shown) - summary["p_no_leak"]) < 5e-4, (shown, summary["p_no_leak"])
    lo, hi = summary["p_no_leak_ci95"]
    ci = driver.find_element(By.CSS_SELECTOR, '[data-ci="p_no_leak"]').text
    assert [abs(float(v) - w) < 5e-4 for v, w in zip(ci.strip("[]").split(", "), (lo, hi), strict=True)] == \
        [True, True], (ci, lo, hi)
    assert "?id=" in driver.current_url  # a reload shows this study
    wait_for(lambda: driver.execute_script("const i = document.getElementById('convergence-plot');"
                                           "return i && i.complete && i.naturalWidth > 0;"), 30,
             "the convergence plot")
    assert console_errors(driver) == []


def test_two_runs_on_two_globes(browser, base):
    """/compare?a=&b=: two runs of one scenario (seeds 1 and 2), each on its own globe with all
    of its CZML's entities, both drawing, neither blank; the totals are the runs' own."""
    from selenium.webdriver.common.by import By

    driver = browser
    ids = []
    for seed in (1, 2):
        request = urllib.request.Request(base + "api/runs", data=json.dumps({"scenario": SMALL, "seed": seed}).encode(),
                                         headers={"Content-Type": "application/json"})
        ids.append(json.load(urllib.request.urlopen(request))["id"])
    for run_id in ids:
        wait_for(lambda run_id=run_id: json.load(urllib.request.urlopen(f"{base}api/runs/{run_id}"))["status"]
                 in ("done", "failed"), RUN_TIMEOUT_S, "the runs")
    driver.get_log("browser")
    driver.get(f"{base}compare?a={ids[0]}&b={ids[1]}")
    for side, run_id in zip("ab", ids, strict=True):
        state = wait_for(lambda side=side: globe_ready(driver, f"globe-{side}"), 120, f"globe {side}")
        czml = json.load(urllib.request.urlopen(f"{base}api/runs/{run_id}/czml"))
        assert state["entities"] == len(czml) - 1
        pixels = globe_pixels(driver, f"globe-{side}")
        assert pixels["colours"] > 200 and pixels["lit"] > 0.2, (side, pixels)
        summary = json.load(urllib.request.urlopen(f"{base}api/runs/{run_id}"))["summary"]
        shown = driver.find_element(By.CSS_SELECTOR, f'#side-{side} [data-total="interceptors_fired"]').text
        assert shown == str(summary["interceptors_fired"]) and summary["seed"] == (1, 2)["ab".index(side)]
    assert console_errors(driver) == []
