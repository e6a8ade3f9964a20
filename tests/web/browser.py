"""A real server and a real headless Chromium, for the end-to-end test and the benchmark.

The server is ``thaadsim serve --port 0`` in its own process (the line it prints says
where); the browser is Debian's ``chromium`` driven by Selenium through the system's
``chromedriver``, with the flags that let WebGL run without a GPU (SwiftShader).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                  "--window-size=1400,1100", "--disable-dev-shm-usage")
INSTALL_HINT = ("install Debian's Chromium and its driver: `apt-get install -y chromium chromium-driver` "
                "(or set THAADSIM_CHROMIUM and THAADSIM_CHROMEDRIVER to their paths)")


def chromium_paths() -> tuple[str, str] | str:
    """(chromium, chromedriver), or the reason they cannot be used."""
    browser = os.environ.get("THAADSIM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver = os.environ.get("THAADSIM_CHROMEDRIVER") or shutil.which("chromedriver")
    if not browser or not driver:
        missing = " and ".join(n for n, p in (("chromium", browser), ("chromedriver", driver)) if not p)
        return f"{missing} not found on the PATH: {INSTALL_HINT}"
    return browser, driver


@contextlib.contextmanager
def server(runs_dir: Path, *extra: str):
    """``thaadsim serve`` on a free loopback port; yields its base URL."""
    env = {**os.environ, "THAADSIM_PROGRESS": "off"}
    process = subprocess.Popen([sys.executable, "-m", "thaadsim", "serve", "--port", "0", "--runs-dir",
                                str(runs_dir), *extra], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env)
    try:
        line = process.stdout.readline()
        match = re.search(r"open (http://\S+/)", line)
        if not match:
            process.kill()
            raise RuntimeError(f"thaadsim serve did not start: {line!r} {process.stderr.read()[-2000:]}")
        yield match.group(1)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def chromium():
    """A headless Chromium under Selenium, its console kept (goog:loggingPrefs)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    paths = chromium_paths()
    if isinstance(paths, str):
        raise RuntimeError(paths)
    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(paths[1]))
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(predicate, timeout: float, what: str, poll: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(poll)


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def globe_pixels(driver, element_id: str = "globe") -> dict:
    """Figures of a screenshot of the globe: distinct colours and the share of pixels that
    are not the empty black of space."""
    import io

    from PIL import Image
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By

    # Software WebGL on a loaded 2-core machine: the renderer, drawing two globes, can miss
    # chromedriver's reply deadline for one screenshot (seen in a fresh-clone CI run).  A
    # later try sees the same page; a blank or black globe still fails the caller's check.
    for attempt in range(3):
        try:
            png = driver.find_element(By.ID, element_id).screenshot_as_png
            break
        except TimeoutException:
            if attempt == 2:
                raise
            time.sleep(2.0)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    small = image.resize((200, 150))
    pixels = list(small.get_flattened_data())  # getdata is deprecated (Pillow 14 drops it)
    lit = sum(1 for p in pixels if max(p) > 40) / len(pixels)
    return {"colours": len(set(pixels)), "lit": lit, "size": image.size}


def viewer_state(driver, container: str = "globe") -> dict:
    return driver.execute_script("const s = (window.thaadsimViewers || {})[arguments[0]] || "
                                 "(arguments[0] === 'globe' && window.thaadsimViewer); return s ? {...s} : null;",
                                 container) or {}


def globe_ready(driver, container: str = "globe") -> dict:
    """The viewer in ``container`` is up, the run's CZML is on it, and it keeps drawing frames."""
    state = viewer_state(driver, container)
    if not (state.get("ready") and state.get("czmlLoaded") and state.get("entities", 0) > 0):
        return {}
    before = state["frames"]
    time.sleep(0.5)
    after = viewer_state(driver, container)["frames"]
    return state if after > before else {}
