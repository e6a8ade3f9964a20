// The offline globe: Cesium's bundled NaturalEarthII imagery, the ellipsoid terrain, no ion.
"use strict";

// What a test (or a curious user) can read: whether the viewer is up, how many entities the
// run's CZML put on it, how many frames it has drawn since, and any error it met.
// A page with several globes (compare) has one such state per container in thaadsimViewers;
// thaadsimViewer is that of the container "globe".
window.thaadsimViewer = {ready: false, entities: 0, frames: 0, czmlLoaded: false, errors: []};
window.thaadsimViewers = {};

function makeViewer(container) {
  const state = container === "globe" ? window.thaadsimViewer :
    {ready: false, entities: 0, frames: 0, czmlLoaded: false, errors: []};
  window.thaadsimViewers[container] = state;
  Cesium.Ion.defaultAccessToken = "";
  const viewer = new Cesium.Viewer(container, {
    baseLayer: Cesium.ImageryLayer.fromProviderAsync(
      Cesium.TileMapServiceImageryProvider.fromUrl(Cesium.buildModuleUrl("Assets/Textures/NaturalEarthII"))),
    terrainProvider: new Cesium.EllipsoidTerrainProvider(),
    baseLayerPicker: false, geocoder: false, sceneModePicker: false, navigationHelpButton: false,
    fullscreenButton: false, homeButton: true, animation: true, timeline: true, infoBox: true,
    selectionIndicator: true,
    // continuous rendering: the clock plays the run, and headless Chromium would otherwise draw one frame
    requestRenderMode: false,
  });
  viewer.scene.postRender.addEventListener(() => { state.frames += 1; });
  viewer.scene.renderError.addEventListener((scene, error) => { state.errors.push(String(error)); });
  viewer.thaadsimState = state;
  state.ready = true;
  return viewer;
}

// Load a run's CZML; its document packet's clock governs the viewer.
async function showCzml(viewer, url) {
  const state = viewer.thaadsimState;
  state.czmlLoaded = false;
  viewer.dataSources.removeAll();
  const source = await Cesium.CzmlDataSource.load(url);
  await viewer.dataSources.add(source);
  viewer.clockTrackedDataSource = source;
  if (source.clock) {
    source.clock.getValue(viewer.clock);
    viewer.timeline.zoomTo(source.clock.startTime, source.clock.stopTime);
  }
  viewer.clock.shouldAnimate = true;
  await viewer.zoomTo(source);
  state.entities = source.entities.values.length;
  state.czmlLoaded = true;
  return source;
}

function moveClock(viewer, epochIso, t_s) {
  const epoch = Cesium.JulianDate.fromIso8601(epochIso);
  viewer.clock.currentTime = Cesium.JulianDate.addSeconds(epoch, Number(t_s), new Cesium.JulianDate());
  viewer.clock.shouldAnimate = false;
}
