// The QA page of humm-mock. Plain script, no framework, no network but the
// mock's own control API (relative URLs: the page lives at /__mock/).
"use strict";

(() => {
  const POLL_MS = 1000;
  const MAX_MEMBER_ROWS = 500;
  const STANDINGS = ["system_admin", "org_admin", "analyst", "suspended", "outsider"];
  const ADMIN_KEY = "humm-mock-admin-token";

  const $ = (sel) => document.querySelector(sel);

  const ui = {
    baseURL: $("#base-url"),
    live: $("#live"),
    notice: $("#notice"),
    admin: $("#admin"),
    adminToken: $("#admin-token"),
    orgID: $("#org-id"),
    otherOrgID: $("#other-org-id"),
    tokens: $("#tokens tbody"),
    org: $("#org"),
    search: $("#search"),
    roleFilter: $("#role-filter"),
    stateFilter: $("#state-filter"),
    memberCount: $("#member-count"),
    members: $("#members tbody"),
    journal: $("#journal tbody"),
    journalCount: $("#journal-count"),
    problemsOnly: $("#problems-only"),
    pause: $("#pause"),
    importFile: $("#import-file"),
  };

  const data = {
    profile: null,
    state: null,
    users: new Map(), // id -> user
    byOrg: new Map(), // organization id -> memberships
    journal: [],
    journalSig: "",
    expanded: new Set(), // journal rows showing their bodies
    paused: false,
  };

  // ---- talking to the control API -------------------------------------

  class ControlError extends Error {
    constructor(status, detail) {
      super(typeof detail === "string" ? detail : JSON.stringify(detail));
      this.status = status;
    }
  }

  async function control(path, init = {}) {
    const headers = new Headers(init.headers || {});
    const admin = sessionStorage.getItem(ADMIN_KEY);
    if (admin) headers.set("X-Mock-Admin-Token", admin);
    const resp = await fetch(path, { ...init, headers, cache: "no-store" });
    const text = await resp.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch { body = text; }
    if (resp.status === 401) {
      ui.admin.hidden = false;
    }
    if (!resp.ok) {
      throw new ControlError(resp.status, body && body.detail !== undefined ? body.detail : text);
    }
    return body;
  }

  let noticeTimer = 0;
  function notify(message, kind = "info") {
    ui.notice.textContent = message;
    ui.notice.className = "notice " + kind;
    ui.notice.hidden = false;
    clearTimeout(noticeTimer);
    if (kind !== "error") noticeTimer = setTimeout(() => { ui.notice.hidden = true; }, 4000);
  }

  // ---- small DOM helpers ----------------------------------------------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else if (k.startsWith("data-")) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function badge(text, kind) {
    return el("span", { class: "badge " + kind, text });
  }

  function initials(user) {
    const from = user.name || [user.given_name, user.family_name].filter(Boolean).join(" ") || user.email || "?";
    const parts = from.replace(/@.*/, "").split(/[\s._-]+/).filter(Boolean);
    return ((parts[0] || "?")[0] + (parts.length > 1 ? parts[parts.length - 1][0] : "")).toUpperCase();
  }

  function hue(s) {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 360;
    return h;
  }

  function avatar(user) {
    const a = el("span", { class: "avatar", text: initials(user) });
    a.style.setProperty("--h", String(hue(user.id || user.email || "")));
    return a;
  }

  function shortTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return iso;
    return d.toLocaleTimeString([], { hour12: false }) + "." + String(d.getMilliseconds()).padStart(3, "0");
  }

  function shortDate(iso) {
    return iso ? iso.slice(0, 10) : "";
  }

  async function copyText(text, button) {
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(text);
      } else {
        const area = el("textarea", { value: text });
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.append(area);
        area.select();
        const ok = document.execCommand("copy");
        area.remove();
        if (!ok) throw new Error("the browser refused to copy");
      }
      if (button) {
        const before = button.textContent;
        button.textContent = "Copied";
        button.classList.add("copied");
        setTimeout(() => { button.textContent = before; button.classList.remove("copied"); }, 1500);
      }
    } catch (err) {
      notify("Copy failed: " + err.message, "error");
    }
  }

  // ---- profile and state ----------------------------------------------

  async function loadAll() {
    const [profile, state, enums] = await Promise.all([control("profile"), control("state"), control("enums")]);
    ui.admin.hidden = true;
    fillFilter(ui.roleFilter, enums.role);
    fillFilter(ui.stateFilter, enums.membership_state);
    data.profile = profile;
    data.state = state;
    data.users = new Map((state.users || []).map((u) => [u.id, u]));
    data.byOrg = new Map();
    for (const m of state.memberships || []) {
      if (!data.byOrg.has(m.organization_id)) data.byOrg.set(m.organization_id, []);
      data.byOrg.get(m.organization_id).push(m);
    }
    for (const list of data.byOrg.values()) {
      list.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1));
    }
    renderProfile();
    renderOrgs();
    renderMembers();
  }

  // fillFilter offers "any" and the spec's values, keeping the choice made.
  function fillFilter(select, values) {
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "", text: "any" }), ...values.map((v) => el("option", { value: v, text: v })));
    select.value = values.includes(chosen) ? chosen : "";
  }

  function renderProfile() {
    const p = data.profile;
    ui.baseURL.textContent = p.base_url;
    ui.orgID.textContent = p.organization_id;
    ui.otherOrgID.textContent = p.other_organization_id;
    const identities = new Map((data.state.identities || []).map((i) => [i.standing, i]));
    const standings = [...STANDINGS, ...Object.keys(p.tokens).filter((s) => !STANDINGS.includes(s))];
    ui.tokens.replaceChildren(...standings.filter((s) => p.tokens[s]).map((standing) => {
      const token = p.tokens[standing];
      const ident = identities.get(standing);
      const user = ident ? data.users.get(ident.user_id) : null;
      return el("tr", { "data-standing": standing },
        el("td", {}, badge(standing, "standing")),
        el("td", {}, el("code", { class: "token", text: token })),
        el("td", { class: "muted", text: user ? user.email : "" }),
        el("td", { class: "right" }, el("button", { type: "button", class: "copy", "data-copy": token, text: "Copy" })));
    }));
  }

  function renderOrgs() {
    const orgs = data.state.organizations || [];
    const current = ui.org.value || data.profile.organization_id;
    ui.org.replaceChildren(...orgs.map((o) => {
      const n = (data.byOrg.get(o.id) || []).length;
      const tag = o.id === data.profile.organization_id ? " (profile)" : o.id === data.profile.other_organization_id ? " (other)" : "";
      return el("option", { value: o.id, text: `${o.name}${tag} · ${n}` });
    }));
    ui.org.value = orgs.some((o) => o.id === current) ? current : data.profile.organization_id;
  }

  // matches is the API's search (email and names, case-insensitive) plus
  // member and user ids.
  function matches(m, user, q) {
    if (!q) return true;
    const fields = [m.id, m.user_id];
    if (user) fields.push(user.email, user.name, user.given_name, user.family_name, user.nickname);
    return fields.some((f) => f && String(f).toLowerCase().includes(q));
  }

  function renderMembers() {
    if (!data.state) return;
    const all = data.byOrg.get(ui.org.value) || [];
    const q = ui.search.value.trim().toLowerCase();
    const role = ui.roleFilter.value;
    const state = ui.stateFilter.value;
    const shown = all.filter((m) => (!role || m.role === role) && (!state || m.membership_state === state) &&
      matches(m, data.users.get(m.user_id), q));
    const rows = shown.slice(0, MAX_MEMBER_ROWS).map((m) => {
      const u = data.users.get(m.user_id) || { id: m.user_id, email: "(unknown user)" };
      const name = u.name || [u.given_name, u.family_name].filter(Boolean).join(" ");
      return el("tr", { "data-member-id": m.id },
        el("td", {}, el("span", { class: "who" }, avatar(u),
          el("span", {}, el("span", { class: "name", text: name || "—" }),
            u.nickname ? el("span", { class: "muted small", text: " @" + u.nickname }) : null,
            u.is_system_admin ? badge("system admin", "sys") : null))),
        el("td", { class: "email", text: u.email }),
        el("td", {}, badge(m.role, "role " + m.role.toLowerCase())),
        el("td", {}, badge(m.membership_state, "state " + m.membership_state)),
        el("td", {}, el("code", { class: "id", title: m.id, text: m.id.slice(0, 8) + "…" }),
          el("button", { type: "button", class: "copy mini", "data-copy": m.id, title: "Copy member id", text: "Copy" })),
        el("td", { class: "muted", title: m.created_at, text: shortDate(m.created_at) }));
    });
    if (rows.length === 0) {
      rows.push(el("tr", { class: "empty" }, el("td", { colSpan: 6, text: q || role || state ? "No member matches." : "No members." })));
    }
    ui.members.replaceChildren(...rows);
    const more = shown.length > MAX_MEMBER_ROWS ? ` (first ${MAX_MEMBER_ROWS} shown)` : "";
    ui.memberCount.textContent = shown.length === all.length
      ? `${all.length} members${more}`
      : `${shown.length} of ${all.length} members${more}`;
  }

  // ---- the journal ----------------------------------------------------

  function statusKind(status) {
    if (!status) return "fault";
    if (status < 300) return "ok";
    if (status < 400) return "redirect";
    if (status < 500) return "client";
    return "server";
  }

  function entryKey(e) {
    return `${e.time}|${e.method}|${e.path}|${e.status}`;
  }

  function renderJournal() {
    const onlyProblems = ui.problemsOnly.checked;
    const entries = data.journal.filter((e) => !onlyProblems || (e.validation_problems || []).length > 0).reverse();
    const rows = [];
    for (const e of entries) {
      const key = entryKey(e);
      const problems = e.validation_problems || [];
      const hasBodies = e.request_body !== undefined || e.response_body !== undefined;
      const path = el("td", { class: "path" }, el("span", { text: e.path }),
        e.query ? el("span", { class: "muted", text: "?" + e.query }) : null,
        e.operation ? el("span", { class: "op", text: e.operation }) : null);
      const row = el("tr", {
        class: "entry" + (problems.length ? " has-problems" : "") + (hasBodies ? " expandable" : ""),
        "data-key": key, title: hasBodies ? "Show the bodies" : "",
      },
      el("td", { class: "muted mono", title: e.time, text: shortTime(e.time) }),
      el("td", {}, el("span", { class: "method " + e.method.toLowerCase(), text: e.method })),
      path,
      el("td", { class: "muted", text: e.as || "" }),
      el("td", {}, el("span", { class: "status " + statusKind(e.status), text: e.status ? String(e.status) : "fault" })),
      el("td", { class: "num mono", text: Number(e.duration_ms || 0).toFixed(1) }));
      rows.push(row);
      if (problems.length) {
        rows.push(el("tr", { class: "problems", "data-key": key },
          el("td", { colSpan: 6 }, el("ul", {}, ...problems.map((p) => el("li", { text: p }))))));
      }
      if (hasBodies && data.expanded.has(key)) {
        const pre = (label, body) => body === undefined ? null
          : el("div", {}, el("div", { class: "muted small", text: label }), el("pre", { text: JSON.stringify(body, null, 2) }));
        rows.push(el("tr", { class: "bodies" }, el("td", { colSpan: 6 },
          el("div", { class: "body-pair" }, pre("request body", e.request_body), pre("response body", e.response_body)))));
      }
    }
    if (rows.length === 0) {
      rows.push(el("tr", { class: "empty" }, el("td", { colSpan: 6,
        text: onlyProblems ? "No request with problems." : "No requests yet: call the API and they show up here." })));
    }
    ui.journal.replaceChildren(...rows);
    const nProblems = data.journal.filter((e) => (e.validation_problems || []).length).length;
    ui.journalCount.textContent = `${data.journal.length} requests` + (nProblems ? ` · ${nProblems} with problems` : "");
  }

  async function pollJournal() {
    try {
      const entries = (await control("requests")) || [];
      ui.live.textContent = data.paused ? "paused" : "live";
      ui.live.className = "live " + (data.paused ? "paused" : "on");
      const newest = entries.length ? entries[entries.length - 1].time : "";
      const sig = `${entries.length}|${newest}`;
      if (sig !== data.journalSig) {
        // A successful change through the API: the members shown are stale.
        const seen = new Set(data.journal.map(entryKey));
        const fresh = data.journalSig ? entries.filter((e) => !seen.has(entryKey(e))) : [];
        const changed = fresh.some((e) => e.method !== "GET" && e.method !== "OPTIONS" && e.status >= 200 && e.status < 300);
        data.journal = entries;
        data.journalSig = sig;
        renderJournal();
        if (changed) loadAll().catch(() => {});
      }
    } catch (err) {
      ui.live.textContent = "offline";
      ui.live.className = "live off";
    }
  }

  async function pollLoop() {
    if (!data.paused) await pollJournal();
    setTimeout(pollLoop, POLL_MS);
  }

  // ---- actions --------------------------------------------------------

  async function reset() {
    if (!confirm("Reset the mock to its seed? Every change, the journal and the scenarios are dropped.")) return;
    try {
      await control("reset", { method: "POST" });
      data.expanded.clear();
      await loadAll();
      await pollJournal();
      notify("Reset to the seed.", "ok");
    } catch (err) {
      notify("Reset failed: " + err.message, "error");
    }
  }

  async function exportState() {
    try {
      const state = await control("state");
      const blob = new Blob([JSON.stringify(state, null, 2) + "\n"], { type: "application/json" });
      const url = URL.createObjectURL(blob);
      const stamp = new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19);
      const a = el("a", { href: url, download: `humm-mock-state-${stamp}.json` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      notify("State exported.", "ok");
    } catch (err) {
      notify("Export failed: " + err.message, "error");
    }
  }

  async function importState(file) {
    try {
      const text = await file.text();
      await control("state", { method: "PUT", headers: { "Content-Type": "application/json" }, body: text });
      await loadAll();
      notify(`Imported ${file.name}.`, "ok");
    } catch (err) {
      notify("Import refused: " + err.message, "error");
    } finally {
      ui.importFile.value = "";
    }
  }

  async function clearJournal() {
    try {
      await control("requests", { method: "DELETE" });
      data.expanded.clear();
      await pollJournal();
    } catch (err) {
      notify("Clearing the journal failed: " + err.message, "error");
    }
  }

  // ---- wiring ---------------------------------------------------------

  document.addEventListener("click", (ev) => {
    const btn = ev.target.closest("button.copy");
    if (btn) {
      const from = btn.getAttribute("data-copy-from");
      copyText(from ? document.getElementById(from).textContent : btn.getAttribute("data-copy"), btn);
    }
  });
  ui.journal.addEventListener("click", (ev) => {
    const row = ev.target.closest("tr.expandable");
    if (!row) return;
    const key = row.getAttribute("data-key");
    if (data.expanded.has(key)) data.expanded.delete(key); else data.expanded.add(key);
    renderJournal();
  });
  $("#reset").addEventListener("click", reset);
  $("#export").addEventListener("click", exportState);
  $("#import").addEventListener("click", () => ui.importFile.click());
  ui.importFile.addEventListener("change", () => { if (ui.importFile.files[0]) importState(ui.importFile.files[0]); });
  $("#refresh").addEventListener("click", () => loadAll().then(() => notify("State loaded.", "ok"), (err) => notify(err.message, "error")));
  $("#clear-journal").addEventListener("click", clearJournal);
  ui.pause.addEventListener("click", () => {
    data.paused = !data.paused;
    ui.pause.textContent = data.paused ? "Resume" : "Pause";
    ui.live.textContent = data.paused ? "paused" : "live";
    ui.live.className = "live " + (data.paused ? "paused" : "on");
  });
  ui.problemsOnly.addEventListener("change", renderJournal);
  for (const input of [ui.org, ui.roleFilter, ui.stateFilter]) input.addEventListener("change", renderMembers);
  ui.search.addEventListener("input", renderMembers);
  ui.admin.addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(ADMIN_KEY, ui.adminToken.value.trim());
    ui.adminToken.value = "";
    loadAll().then(() => notify("Admin token accepted.", "ok"), (err) => notify(err.message, "error"));
  });

  loadAll().catch((err) => notify("Could not load the mock's state: " + err.message, "error"));
  pollLoop();
})();
