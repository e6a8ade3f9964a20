// The scenario view: its main parameters, a run with progress, the answer, the outcome table,
// the event log and the globe playing the run's CZML.
"use strict";

const NAME = decodeURIComponent(location.pathname.split("/").pop());
const viewer = makeViewer("globe");
let detail = null, runId = null, summary = null;

function pathParts(field) {  // "threats[0].count" -> ["threats", 0, "count"]
  return field.replace(/\[(\d+)\]/g, ".$1").split(".").map(p => /^\d+$/.test(p) ? Number(p) : p);
}

function getAt(data, field) {
  return pathParts(field).reduce((node, key) => (node === undefined || node === null ? undefined : node[key]), data);
}

function setAt(data, field, value) {
  const parts = pathParts(field), last = parts.pop();
  const node = parts.reduce((n, key) => n[key], data);
  if (value === undefined) delete node[last]; else node[last] = value;
}

// One input per main parameter: salvo per threat group, radar site and mode, battery site,
// doctrine, kill probability and interceptors.
function input(field, label, kind, options, fallback) {
  const id = "f-" + field.replace(/[^A-Za-z0-9]/g, "-");
  const current = getAt(detail.data, field);
  let control;
  if (kind === "select") {
    control = el("select", {id});
    for (const o of options) control.append(el("option", {value: o, selected: o === (current ?? fallback)}, o));
  } else {
    control = el("input", {id, type: kind, value: current ?? "", placeholder: fallback ?? ""});
    if (kind === "number") control.step = "any";
  }
  control.setAttribute("data-field", field);
  control.setAttribute("data-kind", kind);
  return [el("label", {htmlFor: id}, label), control, el("span", {class: "error", "data-error-for": field})];
}

function buildForm() {
  const fields = document.getElementById("fields"), c = detail.choices;
  detail.data.threats.forEach((t, i) => {
    const set = el("fieldset", {}, el("legend", {}, `threats[${i}]: ${t.missile} ${t.from} → ${t.to}`));
    set.append(...input(`threats[${i}].count`, "salvo (missiles)", "number", null, "1"));
    fields.append(set);
  });
  (detail.data.radars || []).forEach((r, i) => {
    const set = el("fieldset", {}, el("legend", {}, `radar ${r.name}`));
    set.append(...input(`radars[${i}].site`, "site", "text"), ...input(`radars[${i}].mode`, "mode", "select",
      c.radar_modes, "terminal"));
    fields.append(set);
  });
  (detail.data.batteries || []).forEach((b, i) => {
    const set = el("fieldset", {}, el("legend", {}, `battery ${b.name}`));
    set.append(...input(`batteries[${i}].site`, "site", "text"),
      ...input(`batteries[${i}].doctrine`, "doctrine", "select", c.doctrines, c.default_doctrine),
      ...input(`batteries[${i}].kill_model`, "kill model", "select", c.kill_models, c.default_kill_model),
      ...input(`batteries[${i}].sspk`, "single-shot kill probability", "number", null, "catalog's"),
      ...input(`batteries[${i}].interceptors`, "interceptors", "number", null, "catalog's"));
    fields.append(set);
  });
  document.getElementById("seed").value = detail.data.seed ?? 1;
}

// The edited scenario as YAML text (JSON is YAML): the file's fields with the form's values.
function editedScenario() {
  const data = structuredClone(detail.data);
  for (const control of document.querySelectorAll("#fields [data-field]")) {
    const raw = control.value.trim(), kind = control.getAttribute("data-kind");
    const value = raw === "" ? undefined : kind === "number" ? Number(raw) : raw;
    setAt(data, control.getAttribute("data-field"), value);
  }
  return JSON.stringify(data, null, 2);
}

function showSummary(s) {
  summary = s;
  document.getElementById("headline").textContent = headline(s);
  document.getElementById("totals").replaceChildren(totalsList(s));
  const outcomes = [outcomeTable(s)];
  if (s.sweep) {  // a saturation sweep: one row per salvo size
    const sweep = el("table", {class: "sweep"}, el("thead", {}, el("tr", {}, ...["salvo", "intercepted", "leaked",
      "fired", "inventory"].map(h => el("th", {}, h)))));
    const body = el("tbody");
    for (const r of s.sweep) body.append(el("tr", {}, ...[r.count, r.intercepted, r.leaked, r.interceptors_fired,
      r.inventory].map(v => el("td", {}, v))));
    sweep.append(body);
    outcomes.push(el("h3", {}, "Salvo sweep"), sweep);
  }
  document.getElementById("outcomes").replaceChildren(...outcomes);
  document.getElementById("run-links").replaceChildren(
    el("a", {href: `/api/runs/${runId}/report`, target: "_blank"}, "report"), " · ",
    el("a", {href: `/compare?a=${runId}`}, "compare with another run"), ` · run ${runId}, seed ${s.seed}`);
}

async function showEvents() {
  const body = document.querySelector("#events tbody");
  body.textContent = "";
  for (const e of await api(`/api/runs/${runId}/events`)) {
    const row = el("tr", {"data-time": e.time_s}, el("td", {}, e.time_s), el("td", {}, e.utc), el("td", {}, e.event),
      el("td", {}, e.object_id), el("td", {}, e.by), el("td", {}, e.alt_km), el("td", {}, e.detail));
    row.addEventListener("click", () => moveClock(viewer, summary.epoch, e.time_s));
    body.append(row);
  }
}

async function run(event) {
  event.preventDefault();
  const form = document.getElementById("params"), fallback = document.getElementById("form-error");
  const progress = document.getElementById("progress"), button = document.getElementById("run");
  const cancel = document.getElementById("cancel");
  const seedText = document.getElementById("seed").value.trim();
  showFieldErrors(form, {detail: []}, fallback);
  button.disabled = true;
  progress.textContent = "submitting";
  try {
    const made = await postJSON("/api/runs", {scenario: editedScenario(), seed: seedText === "" ? null : Number(seedText)});
    runId = made.id;
    cancel.disabled = false;
    cancel.onclick = () => api(`/api/runs/${runId}`, {method: "DELETE"});
    const done = await waitForRun(runId, r => {
      progress.textContent = `${r.status}${r.progress ? ": " + r.progress : ""} (${fmt(r.elapsed_s)} s)`;
      progress.setAttribute("data-status", r.status);
    });
    if (done.status === "failed") {
      showFieldErrors(form, {detail: [{...done.error, msg: done.error.message}]}, fallback);
    } else {
      showSummary(done.summary);
      await showEvents();
      await showCzml(viewer, `/api/runs/${runId}/czml`);
    }
  } catch (e) {
    progress.textContent = "";
    showFieldErrors(form, e, fallback);
  } finally {
    button.disabled = false;
    cancel.disabled = true;
  }
}

(async () => {
  try {
    detail = await api(`/api/scenarios/${encodeURIComponent(NAME)}`);
  } catch (e) {
    document.getElementById("title").textContent = NAME;
    document.getElementById("form-error").textContent = e.message;
    return;
  }
  document.title = `thaadsim: ${detail.name}`;
  document.getElementById("study-link").href = `/scenarios/${encodeURIComponent(NAME)}/study`;
  document.getElementById("title").textContent = detail.name;
  document.getElementById("description").textContent = detail.data.description || detail.summary;
  buildForm();
  document.getElementById("params").addEventListener("submit", run);
})();
