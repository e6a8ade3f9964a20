// The study view: a Monte Carlo study of one scenario (POST /api/studies), its progress, then
// its answers with their 95 % intervals and the convergence plot.
"use strict";

const NAME = decodeURIComponent(location.pathname.split("/").slice(-2)[0]);

function interval(ci, scale) {
  const [lo, hi] = (ci || []).map(v => (v === null || v === undefined ? null : v * (scale || 1)));
  return lo === null || hi === null || lo === undefined ? "-" : `[${fmt(lo, 3)}, ${fmt(hi, 3)}]`;
}

// The rows `thaadsim montecarlo` prints, from the same summary.json.
function estimateRows(s) {
  const det = s.first_detection_s, alt = s.intercept_alt_m, km = alt.n ? 1e-3 : null;
  return [
    ["P(no leak)", s.p_no_leak, s.p_no_leak_ci95, s.p_no_leak_ci_method, 1, "p_no_leak"],
    ["P(no leak into defended assets)", s.p_no_leak_into_defended_assets, s.p_no_leak_into_defended_assets_ci95,
      s.p_no_leak_into_defended_assets_ci_method, 1, "p_no_leak_into_defended_assets"],
    ["leakers per run", s.mean_leaked, s.mean_leaked_ci95, s.mean_leaked_ci_method, 1, "mean_leaked"],
    ["leakers into defended assets per run", s.mean_leaked_into_defended_assets,
      s.mean_leaked_into_defended_assets_ci95, s.mean_leaked_into_defended_assets_ci_method, 1,
      "mean_leaked_into_defended_assets"],
    ["interceptors fired per run", s.mean_interceptors_fired, s.mean_interceptors_fired_ci95,
      s.mean_interceptors_fired_ci_method, 1, "mean_interceptors_fired"],
    ["first detection [s after epoch], mean", det.mean, det.mean_ci95, det.ci_method, 1, "first_detection_s"],
    ["intercept altitude [km], mean", km && alt.mean, alt.mean_ci95, alt.ci_method, km, "intercept_alt_m"],
  ];
}

function showStudy(s, id) {
  document.getElementById("headline").textContent =
    `${s.scenario}: ${fmt(s.runs, 0)} runs (seed ${s.seed}): P(no leak) ${fmt(s.p_no_leak, 3)} ` +
    `${interval(s.p_no_leak_ci95)}`;
  const body = document.querySelector("#estimates tbody");
  body.textContent = "";
  for (const [label, value, ci, method, scale, key] of estimateRows(s)) {
    body.append(el("tr", {"data-estimate": key}, el("td", {}, label),
      el("td", {"data-value": key}, fmt(value === null || value === undefined ? null : value * (scale || 1), 3)),
      el("td", {"data-ci": key}, scale === null ? "-" : interval(ci, scale)), el("td", {}, method)));
  }
  const notes = document.getElementById("notes");
  notes.textContent = "";
  const det = s.first_detection_s, alt = s.intercept_alt_m;
  notes.append(el("li", {}, `first detection: 5/50/95 % ${fmt(det.p05)} / ${fmt(det.p50)} / ${fmt(det.p95)} s; ` +
    `never detected in ${det.never_detected_runs} run(s)`));
  if (alt.n) notes.append(el("li", {}, `intercept altitude: ${alt.n} intercepts, 5/50/95 % ${fmt(alt.p05 / 1e3)} / ` +
    `${fmt(alt.p50 / 1e3)} / ${fmt(alt.p95 / 1e3)} km`));
  for (const line of s.distributions) notes.append(el("li", {}, `drawn: ${line}`));
  if (!s.distributions.length) notes.append(el("li", {}, "the scenario gives no distribution; the runs differ " +
    "only in their random draws (radar looks, tracking, kills)"));
  for (const line of s.notes || []) notes.append(el("li", {}, line));
  notes.append(el("li", {}, s.method));
  const plot = document.getElementById("convergence");
  plot.textContent = "";
  plot.append(el("img", {id: "convergence-plot", src: `/api/studies/${id}/convergence.png`,
    alt: "P(no leak) against runs, with its 95 % interval", style: "max-width: 100%"}));
}

async function waitForStudy(id, onProgress) {
  for (;;) {
    const study = await api(`/api/studies/${id}`);
    onProgress(study);
    if (study.status === "done" || study.status === "failed") return study;
    await new Promise(r => setTimeout(r, 400));
  }
}

async function follow(id) {
  const form = document.getElementById("study-form"), fallback = document.getElementById("form-error");
  const progress = document.getElementById("progress"), bar = document.getElementById("bar");
  const start = document.getElementById("start"), cancel = document.getElementById("cancel");
  start.disabled = true;
  cancel.disabled = false;
  cancel.onclick = () => api(`/api/studies/${id}`, {method: "DELETE"});
  try {
    const done = await waitForStudy(id, st => {
      const m = /^(\d+)\/(\d+) /.exec(st.progress || "");  // "done/total label", as run_study reports it
      if (m) { bar.max = Number(m[2]); bar.value = Number(m[1]); }
      progress.textContent = `${st.status}${st.progress ? ": " + st.progress : ""} (${fmt(st.elapsed_s)} s)`;
      progress.setAttribute("data-status", st.status);
    });
    if (done.status === "failed") showFieldErrors(form, {detail: [{...done.error, msg: done.error.message}]}, fallback);
    else showStudy(done.summary, id);
  } finally {
    start.disabled = false;
    cancel.disabled = true;
  }
}

async function startStudy(event) {
  event.preventDefault();
  const form = document.getElementById("study-form"), fallback = document.getElementById("form-error");
  showFieldErrors(form, {detail: []}, fallback);
  const runsText = document.getElementById("runs").value.trim(), seedText = document.getElementById("seed").value.trim();
  try {
    const made = await postJSON("/api/studies", {scenario: NAME, runs: runsText === "" ? null : Number(runsText),
      seed: seedText === "" ? null : Number(seedText)});
    history.replaceState(null, "", `?id=${made.id}`);  // a reload shows this study
    await follow(made.id);
  } catch (e) {
    document.getElementById("progress").textContent = "";
    showFieldErrors(form, e, fallback);
  }
}

(async () => {
  document.getElementById("title").textContent = `${NAME}: Monte Carlo study`;
  document.getElementById("scenario-link").href = `/scenarios/${encodeURIComponent(NAME)}`;
  try {
    const detail = await api(`/api/scenarios/${encodeURIComponent(NAME)}`);
    document.title = `thaadsim: ${detail.name} study`;
    document.getElementById("description").textContent = detail.data.description || detail.summary;
    document.getElementById("runs").max = detail.choices.study_runs;
    document.getElementById("seed").value = detail.data.seed ?? 1;
    document.getElementById("study-form").addEventListener("submit", startStudy);
    const id = new URLSearchParams(location.search).get("id");
    if (id && /^[0-9a-f]{16}$/.test(id)) await follow(id);
  } catch (e) {
    document.getElementById("form-error").textContent = e.message;
  }
})();
