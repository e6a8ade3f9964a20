// Shared helpers of the pages: the API, field errors, the summary's tables.
"use strict";

async function api(path, options) {
  const response = await fetch(path, options);
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = text; }
  if (!response.ok) {
    const error = new Error(`${response.status}: ${typeof body === "object" && body ? JSON.stringify(body.detail) : body}`);
    error.status = response.status;
    error.detail = body && body.detail;
    throw error;
  }
  return body;
}

function postJSON(path, data) {
  return api(path, {method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(data)});
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") node.className = v; else if (k.startsWith("data-")) node.setAttribute(k, v); else node[k] = v;
  }
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c === null || c === undefined ? "-" : String(c)));
  return node;
}

// The error box of `field`, or where the form has no input for it (a run's aim point,
// threats[0].to, found unreachable when the run starts) that of its group (threats[0]).
function besideField(root, field) {
  const box = (selector) => root.querySelector(`.error[data-error-for${selector}]`);
  const exact = box(`="${CSS.escape(field)}"`);
  if (exact) return exact;
  const TAIL = /(\.[^.[\]]+|\[\d+\])$/;  // the last step of a path: ".to" or "[0]"
  for (let f = field; TAIL.test(f);) {
    f = f.replace(TAIL, "");
    const inGroup = box(`^="${CSS.escape(f)}."`) || box(`^="${CSS.escape(f)}["`);
    if (inGroup) return inGroup;
  }
  return null;
}

// A 422's items shown beside the input whose data-field names their field; the rest in `fallback`.
function showFieldErrors(root, error, fallback) {
  root.querySelectorAll(".error[data-error-for]").forEach(e => { e.textContent = ""; });
  fallback.textContent = "";
  const items = Array.isArray(error.detail) ? error.detail : [{msg: error.message}];
  for (const item of items) {
    // ours name the field; FastAPI's own (a seed out of range) give it as loc ["body", "seed"]
    const field = item.field || (item.loc || []).slice(1).join(".");
    (field && besideField(root, field) || fallback).textContent = item.msg || item.message || String(item);
  }
}

function fmt(x, digits) {
  if (x === null || x === undefined || (typeof x === "number" && !isFinite(x))) return "-";
  return typeof x === "number" ? x.toLocaleString("en", {maximumFractionDigits: digits === undefined ? 1 : digits}) : String(x);
}

const TOTALS = [["threats", "threats"], ["engaged", "engaged"], ["intercepted", "intercepted"], ["leaked", "leaked"],
  ["leaked_into_defended_assets", "into defended assets"], ["interceptors_fired", "interceptors fired"],
  ["inventory", "inventory"], ["first_intercept_s", "first intercept [s]"]];

function headline(s) {
  return `${s.threats} threat${s.threats === 1 ? "" : "s"}: ${s.intercepted} intercepted, ${s.leaked} leaked ` +
    `(${s.leaked_into_defended_assets} into defended assets); ${s.interceptors_fired} of ${s.inventory || 0} interceptors fired`;
}

function totalsList(s) {
  const dl = el("dl", {class: "totals"});
  for (const [key, label] of TOTALS) dl.append(el("dt", {}, label), el("dd", {"data-total": key}, fmt(s[key])));
  return dl;
}

function outcomeTable(s) {
  const table = el("table", {class: "outcomes"});
  table.append(el("thead", {}, el("tr", {}, ...["id", "missile", "from → to", "outcome", "by", "intercept s",
    "alt km", "why not intercepted"].map(h => el("th", {}, h)))));
  const body = el("tbody");
  for (const p of s.per_threat) {
    body.append(el("tr", {"data-object": p.object_id}, el("td", {}, p.object_id), el("td", {}, p.missile),
      el("td", {}, `${p.from} → ${p.to}`), el("td", {class: `outcome-${p.outcome}`}, p.outcome),
      el("td", {}, p.intercepted_by), el("td", {}, fmt(p.intercept_time_s)), el("td", {}, fmt(p.intercept_altitude_km)),
      el("td", {}, p.reason || "")));
  }
  table.append(body);
  return table;
}

async function waitForRun(id, onProgress) {
  for (;;) {
    const run = await api(`/api/runs/${id}`);
    if (onProgress) onProgress(run);
    if (run.status === "done" || run.status === "failed") return run;
    await new Promise(r => setTimeout(r, 400));
  }
}
