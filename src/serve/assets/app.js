// fengong review page: all state lives here, in the page; the server only
// parses, looks units up and writes downloads.
"use strict";

const state = {
  docs: [],          // [{original, edited}] one per notice
  filter: "",
  unitKeys: null,    // Set of "doc|item" shown by the unit filter, or null
  selected: null,    // {d, i}
  sort: {},          // doc index -> {col, dir}
};

const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) =>
  ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
const clone = (x) => JSON.parse(JSON.stringify(x));

const COLUMNS = [
  ["path", "编号", "Path"],
  ["heading", "标题", "Heading"],
  ["lead", "牵头单位", "Lead units"],
  ["responsible", "责任单位", "Responsible units"],
  ["targets", "指标", "Targets"],
  ["deadline", "时限", "Deadline"],
  ["warnings", "警告", "Warnings"],
];

function cell(item, col) {
  switch (col) {
    case "path": return item.path.join("/");
    case "heading": return item.heading;
    case "lead": return item.lead_units.map((u) => u.name).join("；");
    case "responsible": return item.responsible_units.map((u) => u.name).join("；");
    case "targets": return item.targets.map((t) => t.raw).join("；");
    case "deadline": return item.deadline || "";
    case "warnings": return item.warnings.join("；");
  }
  return "";
}

// Remember where every unit and target came from (index in the original).
function tagOrigins(notice) {
  for (const it of notice.items) {
    [...it.lead_units, ...it.responsible_units].forEach((u, k) => { u._o = k; });
    it.targets.forEach((t, k) => { t._o = k; });
  }
  return notice;
}

function strip(notice) {
  return JSON.parse(JSON.stringify(notice, (k, v) => (k === "_o" ? undefined : v)));
}

function isEdited(doc, i) {
  const a = doc.original.items[i], b = strip(doc.edited).items[i];
  return JSON.stringify([a.lead_units, a.responsible_units, a.targets]) !==
    JSON.stringify([b.lead_units, b.responsible_units, b.targets]);
}

// ---- convert ---------------------------------------------------------

function showError(msg) {
  const li = document.createElement("li");
  li.textContent = msg;
  $("errors").appendChild(li);
}

function addNotices(list) {
  for (const n of list) {
    state.docs.push({ original: clone(n), edited: tagOrigins(clone(n)) });
  }
}

async function convert(files) {
  for (const f of files) {
    const form = new FormData();
    form.append("file", f, f.name);
    let resp;
    try {
      resp = await fetch("/api/parse", { method: "POST", body: form });
    } catch (e) {
      showError(`fengong: ${f.name}: ${e}`);
      continue;
    }
    if (resp.ok) {
      const body = await resp.json();
      addNotices(Array.isArray(body) ? body : [body]);
    } else if (resp.status === 422) {
      const body = await resp.json();
      addNotices(body.notices || []);
      for (const e of body.errors || []) showError(e.message);
    } else {
      showError((await resp.text()).trim() || `fengong: ${f.name}: HTTP ${resp.status}`);
    }
    render();
  }
}

// ---- tables ----------------------------------------------------------

function visible(d, i) {
  const doc = state.docs[d];
  const item = doc.edited.items[i];
  if (state.unitKeys && !state.unitKeys.has(`${d}|${i}`)) return false;
  if (state.filter) {
    const hay = COLUMNS.map(([c]) => cell(item, c)).join(" ") + " " + item.text;
    if (!hay.includes(state.filter)) return false;
  }
  return true;
}

function render() {
  const root = $("tables");
  root.textContent = "";
  let shown = 0;
  state.docs.forEach((doc, d) => {
    const table = document.createElement("table");
    table.className = "notice";
    table.dataset.doc = d;
    const title = doc.edited.meta?.title || "";
    table.createCaption().textContent = `${doc.edited.source || ""} ${title}`;
    const head = table.createTHead().insertRow();
    const sort = state.sort[d] || {};
    for (const [col, zh, en] of COLUMNS) {
      const th = document.createElement("th");
      th.innerHTML = `${esc(zh)} <small>${esc(en)}</small>`;
      th.dataset.col = col;
      if (sort.col === col) th.className = sort.dir > 0 ? "asc" : "desc";
      th.addEventListener("click", () => {
        const dir = sort.col === col ? -(sort.dir || -1) : 1;
        state.sort[d] = { col, dir };
        render();
      });
      head.appendChild(th);
    }
    const body = table.createTBody();
    let order = doc.edited.items.map((_, i) => i).filter((i) => visible(d, i));
    if (sort.col) {
      order.sort((a, b) => sort.dir * cell(doc.edited.items[a], sort.col)
        .localeCompare(cell(doc.edited.items[b], sort.col), "zh-CN", { numeric: true }));
    }
    for (const i of order) {
      const item = doc.edited.items[i];
      const tr = body.insertRow();
      tr.dataset.doc = d;
      tr.dataset.item = i;
      if (isEdited(doc, i)) tr.classList.add("edited");
      if (state.selected && state.selected.d === d && state.selected.i === i) tr.classList.add("selected");
      for (const [col] of COLUMNS) {
        const td = tr.insertCell();
        td.textContent = cell(item, col);
        td.dataset.col = col;
        if (col === "warnings" && item.warnings.length) td.className = "warn";
      }
      tr.addEventListener("click", () => select(d, i));
      shown++;
    }
    root.appendChild(table);
  });
  const total = state.docs.reduce((s, doc) => s + doc.edited.items.length, 0);
  $("count").textContent = `${shown} / ${total} 项 items`;
  if (state.selected) renderEvidence();
}

// ---- unit filter -----------------------------------------------------

async function unitFilter() {
  const unit = $("unit").value.trim();
  if (!unit) { clearUnit(); return; }
  const notices = state.docs.map((doc) => strip(doc.edited));
  const resp = await fetch("/api/tasks", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ notices, unit }),
  });
  if (!resp.ok) {
    $("unit-status").textContent = (await resp.text()).trim();
    state.unitKeys = new Set();
    render();
    return;
  }
  const ledger = await resp.json();
  const keys = new Set();
  for (const e of ledger.entries) {
    state.docs.forEach((doc, d) => {
      if ((doc.edited.source || "") !== e.source) return;
      doc.edited.items.forEach((it, i) => {
        if (it.path.join("/") === e.path.join("/")) keys.add(`${d}|${i}`);
      });
    });
  }
  state.unitKeys = keys;
  const lead = ledger.entries.filter((e) => e.role === "lead").length;
  $("unit-status").textContent =
    `${ledger.unit}: ${ledger.entries.length} 项 tasks（牵头 lead ${lead}，责任 responsible ${ledger.entries.length - lead}）`;
  render();
}

function clearUnit() {
  state.unitKeys = null;
  $("unit").value = "";
  $("unit-status").textContent = "";
  render();
}

// ---- evidence and correction -----------------------------------------

function select(d, i) {
  state.selected = { d, i };
  $("evidence").hidden = false;
  render();
}

// Character (Unicode scalar) offsets of `raw` in `text`, or null.
function findRaw(text, raw) {
  if (!raw) return null;
  const at = text.indexOf(raw);
  if (at < 0) return null;
  const start = Array.from(text.slice(0, at)).length;
  return [start, start + Array.from(raw).length];
}

function highlight(item) {
  const chars = Array.from(item.text);
  const marks = [];
  const add = (x, cls) => {
    const span = Array.isArray(x.span) ? x.span : findRaw(item.text, x.raw);
    if (span && span[0] < span[1] && span[1] <= chars.length) marks.push([span[0], span[1], cls]);
  };
  item.lead_units.forEach((u) => add(u, "lead"));
  item.responsible_units.forEach((u) => add(u, "responsible"));
  item.targets.forEach((t) => add(t, "target"));
  marks.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let html = "", at = 0;
  for (const [s, e, cls] of marks) {
    if (s < at) continue; // overlapping: keep the first
    html += esc(chars.slice(at, s).join(""));
    html += `<mark class="${cls}">${esc(chars.slice(s, e).join(""))}</mark>`;
    at = e;
  }
  return html + esc(chars.slice(at).join(""));
}

function renderEvidence() {
  const { d, i } = state.selected;
  const doc = state.docs[d];
  if (!doc) return;
  const item = doc.edited.items[i];
  $("ev-path").textContent = item.path.join("/");
  $("ev-heading").textContent = item.heading;
  $("ev-text").innerHTML = highlight(item);
  const warnings = $("ev-warnings");
  warnings.textContent = "";
  for (const w of item.warnings) {
    const li = document.createElement("li");
    li.textContent = `⚠ ${w}`;
    warnings.appendChild(li);
  }
  renderEditor(item);
}

function button(label, onClick, cls) {
  const b = document.createElement("button");
  b.type = "button";
  b.innerHTML = label;
  if (cls) b.className = cls;
  b.addEventListener("click", onClick);
  return b;
}

function roleSelect(lead) {
  const s = document.createElement("select");
  s.innerHTML = `<option value="lead">牵头 lead</option><option value="responsible">责任 responsible</option>`;
  s.value = lead ? "lead" : "responsible";
  return s;
}

function input(value, placeholder, cls) {
  const x = document.createElement("input");
  x.value = value ?? "";
  x.placeholder = placeholder;
  if (cls) x.className = cls;
  return x;
}

function renderEditor(item) {
  const root = $("ev-edit");
  root.textContent = "";
  const units = document.createElement("div");
  units.innerHTML = "<h4>单位 <small>Units</small></h4>";
  for (const role of ["lead", "responsible"]) {
    const list = role === "lead" ? item.lead_units : item.responsible_units;
    list.forEach((u) => {
      const row = document.createElement("div");
      row.className = "edit-row unit-row";
      const sel = roleSelect(role === "lead");
      const name = input(u.name, "单位名称 unit name", "unit-name");
      const apply = () => {
        const v = name.value.trim();
        if (!v) return;
        if (v !== u.name) { u.name = v; u.canonical = ""; delete u.span; }
        const want = sel.value;
        if (want !== role) {
          list.splice(list.indexOf(u), 1);
          (want === "lead" ? item.lead_units : item.responsible_units).push(u);
        }
        render();
      };
      name.addEventListener("change", apply);
      sel.addEventListener("change", apply);
      row.append(sel, name, button("删除 <small>Remove</small>", () => {
        list.splice(list.indexOf(u), 1);
        render();
      }, "remove-unit"));
      units.appendChild(row);
    });
  }
  const addRow = document.createElement("div");
  addRow.className = "edit-row";
  const addSel = roleSelect(false);
  const addName = input("", "新单位 new unit", "add-unit-name");
  addRow.append(addSel, addName, button("添加 <small>Add</small>", () => {
    const v = addName.value.trim();
    if (!v) return;
    const u = { raw: v, name: v, canonical: "", kind: "department", known: false };
    (addSel.value === "lead" ? item.lead_units : item.responsible_units).push(u);
    render();
  }, "add-unit"));
  units.appendChild(addRow);
  root.appendChild(units);

  const targets = document.createElement("div");
  targets.innerHTML = "<h4>指标 <small>Targets</small></h4>";
  item.targets.forEach((t, k) => {
    const row = document.createElement("div");
    row.className = "edit-row target-row";
    const raw = input(t.raw, "原文 as written");
    const value = input(t.value, "数值 value");
    const unit = input(t.unit, "单位 unit");
    const apply = () => {
      const v = Number(value.value);
      if (!raw.value.trim() || !Number.isFinite(v)) return;
      if (raw.value !== t.raw) { t.raw = raw.value; delete t.span; }
      t.value = v;
      t.unit = unit.value;
      render();
    };
    for (const x of [raw, value, unit]) x.addEventListener("change", apply);
    row.append(raw, value, unit, button("删除 <small>Remove</small>", () => {
      item.targets.splice(k, 1);
      render();
    }));
    targets.appendChild(row);
  });
  const addT = document.createElement("div");
  addT.className = "edit-row";
  const raw = input("", "原文 as written"), value = input("", "数值 value"), unit = input("", "单位 unit");
  addT.append(raw, value, unit, button("添加 <small>Add</small>", () => {
    const v = Number(value.value);
    if (!raw.value.trim() || value.value === "" || !Number.isFinite(v)) return;
    item.targets.push({ raw: raw.value.trim(), value: v, unit: unit.value.trim(), comparator: "", confidence: 1 });
    render();
  }));
  targets.appendChild(addT);
  root.appendChild(targets);
}

// ---- downloads -------------------------------------------------------

function payload() {
  return {
    original: state.docs.map((doc) => doc.original),
    edited: state.docs.map((doc) => strip(doc.edited)),
    origin: state.docs.map((doc) => doc.edited.items.map((it) => ({
      units: [...it.lead_units, ...it.responsible_units].map((u) => (u._o ?? null)),
      targets: it.targets.map((t) => (t._o ?? null)),
    }))),
  };
}

async function download(format) {
  if (!state.docs.length) return;
  const resp = await fetch(`/api/export?format=${format}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(payload()),
  });
  if (!resp.ok) { showError((await resp.text()).trim()); return; }
  const blob = await resp.blob();
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = `fengong.${format}`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 60000);
}

// ---- compare ---------------------------------------------------------

async function compare() {
  const [oldF, newF] = [$("old").files[0], $("new").files[0]];
  if (!oldF || !newF) { $("compare-status").textContent = "请选择两个文件 choose two files"; return; }
  const form = new FormData();
  form.append("old", oldF, oldF.name);
  form.append("new", newF, newF.name);
  $("compare-status").textContent = "…";
  const resp = await fetch("/api/diff?format=html", { method: "POST", body: form });
  const text = await resp.text();
  if (!resp.ok) { $("compare-status").textContent = text.trim(); return; }
  $("compare-status").textContent = "";
  const frame = $("report");
  frame.srcdoc = text;
  frame.hidden = false;
}

// ---- wiring ----------------------------------------------------------

const drop = $("drop");
drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (e) => {
  e.preventDefault();
  drop.classList.remove("over");
  convert([...e.dataTransfer.files]);
});
$("files").addEventListener("change", (e) => { convert([...e.target.files]); e.target.value = ""; });
$("filter").addEventListener("input", (e) => { state.filter = e.target.value.trim(); render(); });
$("unit-go").addEventListener("click", unitFilter);
$("unit").addEventListener("keydown", (e) => { if (e.key === "Enter") unitFilter(); });
$("unit-clear").addEventListener("click", clearUnit);
$("evidence-close").addEventListener("click", () => { state.selected = null; $("evidence").hidden = true; render(); });
for (const b of document.querySelectorAll(".download")) b.addEventListener("click", () => download(b.dataset.format));
$("compare-go").addEventListener("click", compare);
