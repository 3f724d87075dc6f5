// The QA page of humm-mock. Plain script, no framework, no network but the
// mock's own control API (relative URLs: the page lives at /__mock/).
//
// It asks only for what it shows, so that it stays instant at 100,000
// members: one page of members, searched and filtered by the mock
// (/__mock/members), a small counter polled for news (/__mock/changes),
// the journal since the last entry it has, without bodies until a row is
// opened, and the scenarios when they change.
"use strict";

(() => {
  const POLL_MS = 500;
  const SEARCH_DEBOUNCE_MS = 200;
  const PAGE_SIZE = 50;
  const JOURNAL_KEEP = 200;
  const STANDINGS = ["system_admin", "org_admin", "analyst", "suspended", "outsider"];
  const ADMIN_KEY = "humm-mock-admin-token";
  const FIRST_MEMBERS_MARK = "humm-mock:first-members";

  const $ = (sel) => document.querySelector(sel);

  const ui = {
    baseURL: $("#base-url"),
    loading: $("#loading"),
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
    pageInfo: $("#page-info"),
    prevPage: $("#prev-page"),
    nextPage: $("#next-page"),
    membersTable: $("#members"),
    members: $("#members tbody"),
    scenarios: $("#scenarios tbody"),
    scenarioCount: $("#scenario-count"),
    endScenarios: $("#end-scenarios"),
    scenarioForm: $("#scenario-form"),
    scenarioError: $("#scenario-error"),
    scOperation: $("#sc-operation"),
    scRole: $("#sc-role"),
    scPath: $("#sc-path"),
    scBeforeIdentity: $("#sc-before-identity"),
    scStatus: $("#sc-status"),
    scExample: $("#sc-example"),
    scExampleNames: $("#sc-example-names"),
    scDynamic: $("#sc-dynamic"),
    scDelay: $("#sc-delay"),
    scFault: $("#sc-fault"),
    scCount: $("#sc-count"),
    scDuration: $("#sc-duration"),
    journal: $("#journal tbody"),
    journalCount: $("#journal-count"),
    problemsOnly: $("#problems-only"),
    pause: $("#pause"),
    importFile: $("#import-file"),
    editDialog: $("#edit-dialog"),
    editForm: $("#edit-form"),
    editMemberID: $("#edit-member-id"),
    editRole: $("#edit-role"),
    editState: $("#edit-state"),
    editMemberJSON: $("#edit-member-json"),
    editUserJSON: $("#edit-user-json"),
    editError: $("#edit-error"),
  };

  const data = {
    overview: null,
    page: 1,
    members: null, // the last MembersPage shown
    changes: null, // the last /__mock/changes seen
    journal: [], // summaries, oldest first
    bodies: new Map(), // seq -> entry with bodies, for opened rows
    expanded: new Set(), // seqs of opened rows
    scenarios: [],
    options: null, // /__mock/scenarios/options
    paused: false,
    enums: { role: [], membership_state: [] }, // the spec's values
    editing: null, // the member being edited, as the page read it
  };

  // ---- talking to the control API -------------------------------------

  class ControlError extends Error {
    constructor(status, detail) {
      super(typeof detail === "string" ? detail : JSON.stringify(detail));
      this.status = status;
    }
  }

  // pending counts the reads and actions in flight (not the background
  // poll): the loading indicator shows while it is above zero.
  let pending = 0;
  function setPending(delta) {
    pending += delta;
    ui.loading.hidden = pending === 0;
    document.body.dataset.pending = String(pending);
  }

  async function control(path, init = {}, { background = false } = {}) {
    const headers = new Headers(init.headers || {});
    const admin = sessionStorage.getItem(ADMIN_KEY);
    if (admin) headers.set("X-Mock-Admin-Token", admin);
    if (!background) setPending(+1);
    try {
      const resp = await fetch(path, { ...init, headers, cache: "no-store" });
      const text = await resp.text();
      let body = null;
      try { body = text ? JSON.parse(text) : null; } catch { body = text; }
      if (resp.status === 401) ui.admin.hidden = false;
      if (!resp.ok) throw new ControlError(resp.status, body && body.detail !== undefined ? body.detail : text);
      return body;
    } finally {
      if (!background) setPending(-1);
    }
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

  const count = (n) => Number(n).toLocaleString("en-US");

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

  // ---- tokens, ids and organizations ----------------------------------

  // loadOverview reads the tokens, ids and organizations in one small
  // answer, the page's first paint.
  async function loadOverview() {
    data.overview = await control("overview");
    ui.admin.hidden = true;
    renderTokens();
    renderOrgs();
  }

  async function loadEnums() {
    const enums = await control("enums");
    data.enums = enums;
    fillFilter(ui.roleFilter, enums.role);
    fillFilter(ui.stateFilter, enums.membership_state);
  }

  // fillFilter offers "any" and the spec's values, keeping the choice made.
  function fillFilter(select, values) {
    const chosen = select.value;
    select.replaceChildren(el("option", { value: "", text: "any" }), ...values.map((v) => el("option", { value: v, text: v })));
    select.value = values.includes(chosen) ? chosen : "";
  }

  function renderTokens() {
    const o = data.overview;
    ui.baseURL.textContent = location.origin;
    document.getElementById("credential").textContent = o.credential;
    ui.orgID.textContent = o.organization_id;
    ui.otherOrgID.textContent = o.other_organization_id;
    const byStanding = new Map(o.identities.map((i) => [i.standing, i]));
    const standings = [...STANDINGS.filter((s) => byStanding.has(s)), ...o.identities.map((i) => i.standing).filter((s) => !STANDINGS.includes(s))];
    ui.tokens.replaceChildren(...standings.map((standing) => {
      const { token, user } = byStanding.get(standing);
      return el("tr", { "data-standing": standing },
        el("td", {}, badge(standing, "standing")),
        el("td", {}, el("code", { class: "token", text: token })),
        el("td", { class: "muted user", text: user ? user.email : "" }),
        el("td", { class: "right" }, el("button", { type: "button", class: "copy", "data-copy": token, text: "Copy" })));
    }));
  }

  function renderOrgs() {
    const { organizations: orgs, organization_id: profileOrg, other_organization_id: otherOrg } = data.overview;
    const current = ui.org.value || profileOrg;
    ui.org.replaceChildren(...orgs.map((o) => {
      const tag = o.id === profileOrg ? " (profile)" : o.id === otherOrg ? " (other)" : "";
      return el("option", { value: o.id, text: `${o.name}${tag} · ${count(o.members)}` });
    }));
    ui.org.value = orgs.some((o) => o.id === current) ? current : profileOrg;
  }

  // currentOrg is the organization shown.
  function currentOrg() {
    return ui.org.value;
  }

  // ---- members: one page, searched by the mock -------------------------

  let membersAbort = null;

  async function loadMembers() {
    if (membersAbort) membersAbort.abort();
    const abort = new AbortController();
    membersAbort = abort;
    // Before the organizations are known, the mock lists the profile's.
    const params = new URLSearchParams(currentOrg() ? { organization_id: currentOrg() } : {});
    params.set("page", String(data.page));
    params.set("page_size", String(PAGE_SIZE));
    const q = ui.search.value.trim();
    if (q) params.set("query", q);
    if (ui.roleFilter.value) params.set("role", ui.roleFilter.value);
    if (ui.stateFilter.value) params.set("membership_state", ui.stateFilter.value);
    ui.membersTable.setAttribute("aria-busy", "true");
    try {
      const page = await control("members?" + params, { signal: abort.signal });
      if (membersAbort !== abort) return; // a newer request is on its way
      data.members = page;
      renderMembers();
    } catch (err) {
      if (err.name === "AbortError") return;
      throw err;
    } finally {
      if (membersAbort === abort) {
        membersAbort = null;
        ui.membersTable.setAttribute("aria-busy", "false");
      }
    }
  }

  function renderMembers() {
    const p = data.members;
    const rows = p.members.map((m) => {
      const u = m.user || { id: m.user_id, email: "(unknown user)" };
      const name = u.name || [u.given_name, u.family_name].filter(Boolean).join(" ");
      return el("tr", { "data-member-id": m.id },
        el("td", {}, el("span", { class: "who" }, avatar(u),
          el("span", {}, el("span", { class: "name", text: name || "—" }),
            u.nickname ? el("span", { class: "muted small", text: " @" + u.nickname }) : null,
            u.is_system_admin ? badge("system admin", "sys") : null))),
        el("td", { class: "email", text: u.email }),
        el("td", {}, badge(m.role, "role " + String(m.role).toLowerCase())),
        el("td", {}, badge(m.membership_state, "state " + m.membership_state)),
        el("td", {}, el("code", { class: "id", title: m.id, text: m.id.slice(0, 8) + "…" }),
          el("button", { type: "button", class: "copy mini", "data-copy": m.id, title: "Copy member id", text: "Copy" })),
        el("td", { class: "muted", title: m.created_at, text: shortDate(m.created_at) }),
        el("td", {}, el("button", { type: "button", class: "mini", "data-edit-member": m.id, title: "Edit this member and its user by hand", text: "Edit" })));
    });
    const filtered = ui.search.value.trim() || ui.roleFilter.value || ui.stateFilter.value;
    if (rows.length === 0) {
      rows.push(el("tr", { class: "empty" }, el("td", { colSpan: 7, text: filtered ? "No member matches." : p.matched ? "No member on this page." : "No members." })));
    }
    ui.members.replaceChildren(...rows);
    // For measuring the first paint from outside (make e2e), on the page's own clock.
    if (!performance.getEntriesByName(FIRST_MEMBERS_MARK).length) performance.mark(FIRST_MEMBERS_MARK);
    ui.memberCount.textContent = p.matched === p.total ? `${count(p.total)} members` : `${count(p.matched)} of ${count(p.total)} members`;
    const first = (p.page - 1) * p.page_size;
    ui.pageInfo.textContent = p.members.length ? `${count(first + 1)}–${count(first + p.members.length)}` : "";
    ui.prevPage.disabled = p.page <= 1;
    ui.nextPage.disabled = first + p.members.length >= p.matched;
  }

  function showMembersFromFirstPage() {
    data.page = 1;
    loadMembers().catch(reportLoadError);
  }

  // ---- the journal ----------------------------------------------------

  function statusKind(status) {
    if (!status) return "fault";
    if (status < 300) return "ok";
    if (status < 400) return "redirect";
    if (status < 500) return "client";
    return "server";
  }

  const lastSeq = () => (data.journal.length ? data.journal[data.journal.length - 1].seq : 0);

  // loadJournal reads the entries newer than those shown, or all of them
  // again after a clear.
  async function loadJournal(again) {
    const after = again ? 0 : lastSeq();
    const fresh = (await control(`requests?bodies=false&after=${after}`)) || [];
    if (again) {
      data.journal = fresh;
      data.bodies.clear();
      data.expanded.clear();
    } else {
      data.journal = data.journal.concat(fresh.filter((e) => e.seq > lastSeq())).slice(-JOURNAL_KEEP);
    }
    renderJournal();
  }

  async function toggleBodies(seq) {
    if (data.expanded.has(seq)) {
      data.expanded.delete(seq);
      renderJournal();
      return;
    }
    data.expanded.add(seq);
    if (!data.bodies.has(seq)) {
      try {
        data.bodies.set(seq, await control(`requests/${seq}`));
      } catch (err) {
        data.expanded.delete(seq);
        notify("Could not read the bodies: " + err.message, "error");
      }
    }
    renderJournal();
  }

  function renderJournal() {
    const onlyProblems = ui.problemsOnly.checked;
    const entries = data.journal.filter((e) => !onlyProblems || (e.validation_problems || []).length > 0).reverse();
    const rows = [];
    for (const e of entries) {
      const problems = e.validation_problems || [];
      const path = el("td", { class: "path" }, el("span", { text: e.path }),
        e.query ? el("span", { class: "muted", text: "?" + e.query }) : null,
        e.operation ? el("span", { class: "op", text: e.operation }) : null);
      rows.push(el("tr", {
        class: "entry" + (problems.length ? " has-problems" : "") + (e.has_bodies ? " expandable" : ""),
        "data-seq": String(e.seq), title: e.has_bodies ? "Show the bodies" : "",
      },
      el("td", { class: "muted mono", title: e.time, text: shortTime(e.time) }),
      el("td", {}, el("span", { class: "method " + e.method.toLowerCase(), text: e.method })),
      path,
      el("td", { class: "muted", text: e.as || "" }),
      el("td", {}, el("span", { class: "status " + statusKind(e.status), text: e.status ? String(e.status) : "fault" })),
      el("td", { class: "num mono", text: Number(e.duration_ms || 0).toFixed(1) })));
      if (problems.length) {
        rows.push(el("tr", { class: "problems", "data-seq": String(e.seq) },
          el("td", { colSpan: 6 }, el("ul", {}, ...problems.map((p) => el("li", { text: p }))))));
      }
      const full = data.bodies.get(e.seq);
      if (data.expanded.has(e.seq) && full) {
        const pre = (label, body) => body === undefined ? null
          : el("div", {}, el("div", { class: "muted small", text: label }), el("pre", { text: JSON.stringify(body, null, 2) }));
        rows.push(el("tr", { class: "bodies", "data-seq": String(e.seq) }, el("td", { colSpan: 6 },
          el("div", { class: "body-pair" }, pre("request body", full.request_body), pre("response body", full.response_body)))));
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

  // ---- scenarios ------------------------------------------------------

  async function loadScenarios() {
    data.scenarios = (await control("scenarios")) || [];
    renderScenarios();
  }

  function describeMatch(sc) {
    const m = sc.match;
    const parts = [el("span", { class: "op-name", text: m.operation })];
    parts.push(el("span", { class: "muted small", text: " as " + (m.role || "any caller") }));
    for (const [k, v] of Object.entries(m.path || {})) parts.push(el("div", { class: "small mono", text: `${k} = ${v}` }));
    if (m.before_identity) parts.push(el("div", {}, badge("before identity", "warn")));
    return parts;
  }

  function describeEffect(e) {
    const parts = [];
    if (e.status) parts.push(`status ${e.status}`);
    if (e.example) parts.push(`example ${e.example}`);
    if (e.dynamic) parts.push("generated body");
    if (e.delay_ms) parts.push(`delay ${count(e.delay_ms)} ms`);
    if (e.fault) parts.push(`fault: ${e.fault}`);
    return parts.join(", ");
  }

  function describeLeft(sc) {
    const parts = [];
    if (sc.count) parts.push(`${sc.remaining} of ${sc.count} requests`);
    if (sc.expires_at) {
      const secs = Math.max(0, Math.ceil((new Date(sc.expires_at).getTime() - Date.now()) / 1000));
      parts.push(`${secs} s`);
    }
    return parts.join(" · ");
  }

  function renderScenarios() {
    const rows = data.scenarios.map((sc) => el("tr", { "data-scenario-id": sc.id },
      el("td", { class: "muted mono", text: sc.id }),
      el("td", {}, ...describeMatch(sc)),
      el("td", { class: "effect", text: describeEffect(sc.effect) }),
      el("td", { class: "left mono", text: describeLeft(sc) }),
      el("td", { class: "right" }, el("button", { type: "button", class: "end", "data-end-scenario": sc.id, text: "End" }))));
    if (rows.length === 0) {
      rows.push(el("tr", { class: "empty" }, el("td", { colSpan: 5, text: "No active scenario: every request gets its normal answer." })));
    }
    ui.scenarios.replaceChildren(...rows);
    ui.scenarioCount.textContent = data.scenarios.length ? `${data.scenarios.length} active` : "";
    ui.endScenarios.disabled = data.scenarios.length === 0;
  }

  // The time left of a timed scenario counts down on the page; the mock
  // drops it when it runs out, and the poll then reads the list again.
  setInterval(() => {
    if (data.scenarios.some((sc) => sc.expires_at)) {
      for (const sc of data.scenarios) {
        const cell = ui.scenarios.querySelector(`tr[data-scenario-id="${CSS.escape(sc.id)}"] td.left`);
        if (cell) cell.textContent = describeLeft(sc);
      }
    }
  }, 1000);

  async function loadScenarioOptions() {
    data.options = await control("scenarios/options");
    const o = data.options;
    const chosen = ui.scOperation.value;
    ui.scOperation.replaceChildren(...o.operations.map((op) =>
      el("option", { value: op.operation_id, text: `${op.method} ${op.path} · ${op.operation_id}` })));
    const list = o.operations.find((op) => op.member === "list");
    ui.scOperation.value = o.operations.some((op) => op.operation_id === chosen) ? chosen : (list ? list.operation_id : "");
    if (!ui.scOperation.value && o.operations.length) ui.scOperation.value = o.operations[0].operation_id;
    ui.scRole.replaceChildren(el("option", { value: "", text: "any caller" }), ...o.standings.map((s) => el("option", { value: s, text: s })));
    ui.scFault.replaceChildren(el("option", { value: "", text: "none" }), ...o.faults.map((f) => el("option", { value: f, text: f })));
    ui.scDelay.max = String(o.max_delay_ms);
    renderScenarioOperation();
  }

  function chosenOperation() {
    return data.options && data.options.operations.find((op) => op.operation_id === ui.scOperation.value);
  }

  // renderScenarioOperation offers the chosen operation's path parameters
  // and documented statuses.
  function renderScenarioOperation() {
    const op = chosenOperation();
    if (!op) return;
    ui.scPath.replaceChildren(...op.path_params.map((name) => el("label", {},
      name, el("input", { type: "text", "data-path-param": name, placeholder: "any", autocomplete: "off", spellcheck: false }))));
    ui.scStatus.replaceChildren(el("option", { value: "", text: "normal answer" }),
      ...op.responses.map((r) => el("option", { value: String(r.status), text: String(r.status) + (r.examples.length ? ` · ${r.examples.join(", ")}` : "") })));
    renderScenarioExamples();
  }

  function renderScenarioExamples() {
    const op = chosenOperation();
    if (!op) return;
    const status = Number(ui.scStatus.value);
    const names = new Set(op.responses.filter((r) => !status || r.status === status).flatMap((r) => r.examples));
    ui.scExampleNames.replaceChildren(...[...names].map((n) => el("option", { value: n })));
  }

  function scenarioFromForm() {
    const number = (input) => (input.value.trim() === "" ? 0 : Number(input.value));
    const match = { operation: ui.scOperation.value };
    if (ui.scRole.value) match.role = ui.scRole.value;
    const path = {};
    for (const input of ui.scPath.querySelectorAll("input[data-path-param]")) {
      if (input.value.trim()) path[input.getAttribute("data-path-param")] = input.value.trim();
    }
    if (Object.keys(path).length) match.path = path;
    if (ui.scBeforeIdentity.checked) match.before_identity = true;
    const effect = {};
    if (ui.scStatus.value) effect.status = Number(ui.scStatus.value);
    if (ui.scExample.value.trim()) effect.example = ui.scExample.value.trim();
    if (ui.scDynamic.checked) effect.dynamic = true;
    if (number(ui.scDelay)) effect.delay_ms = number(ui.scDelay);
    if (ui.scFault.value) effect.fault = ui.scFault.value;
    const sc = { match, effect };
    if (number(ui.scCount)) sc.count = number(ui.scCount);
    if (number(ui.scDuration)) sc.duration_ms = Math.round(number(ui.scDuration) * 1000);
    return sc;
  }

  async function addScenario() {
    ui.scenarioError.hidden = true;
    try {
      const added = await control("scenarios", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(scenarioFromForm()) });
      await loadScenarios();
      notify(`Scenario ${added.id} added.`, "ok");
    } catch (err) {
      // The mock says why it cannot be met; the form keeps what was typed.
      ui.scenarioError.textContent = "Refused: " + err.message;
      ui.scenarioError.hidden = false;
    }
  }

  async function endScenario(id) {
    try {
      await control(`scenarios/${encodeURIComponent(id)}`, { method: "DELETE" });
    } catch (err) {
      notify(`Ending scenario ${id} failed: ${err.message}`, "error");
    }
    await loadScenarios().catch(reportLoadError);
  }

  async function endAllScenarios() {
    try {
      await control("scenarios", { method: "DELETE" });
      notify("Every scenario ended.", "ok");
    } catch (err) {
      notify("Ending the scenarios failed: " + err.message, "error");
    }
    await loadScenarios().catch(reportLoadError);
  }

  // ---- polling for news -----------------------------------------------

  // poll reads /__mock/changes, a few bytes, and then only what moved.
  async function poll() {
    let c;
    try {
      c = await control("changes", {}, { background: true });
    } catch {
      ui.live.textContent = "offline";
      ui.live.className = "live off";
      return;
    }
    showLive();
    const before = data.changes;
    data.changes = c;
    if (!before) return; // the first reads are on their way already
    const work = [];
    if (c.state !== before.state) work.push(loadMembers(), loadOverview());
    if (c.journal_clears !== before.journal_clears) work.push(loadJournal(true));
    else if (c.journal !== before.journal) work.push(loadJournal(false));
    if (c.scenarios !== before.scenarios) work.push(loadScenarios());
    await Promise.all(work).catch(reportLoadError);
  }

  function showLive() {
    ui.live.textContent = data.paused ? "paused" : "live";
    ui.live.className = "live " + (data.paused ? "paused" : "on");
  }

  async function pollLoop() {
    if (!data.paused) await poll();
    setTimeout(pollLoop, POLL_MS);
  }

  function reportLoadError(err) {
    notify("Could not read from the mock: " + err.message, "error");
  }

  // loadEverything reads what the page shows, all at once; the tokens and
  // ids render as soon as the overview answers, the members when their
  // page does.
  async function loadEverything() {
    data.changes = await control("changes", {}, { background: true }).catch(() => null);
    if (data.changes) showLive();
    await Promise.all([
      loadOverview(),
      loadMembers(),
      loadEnums(),
      loadJournal(true),
      loadScenarios(),
      loadScenarioOptions(),
    ].map((p) => p.catch((err) => { reportLoadError(err); })));
  }

  // ---- actions --------------------------------------------------------

  async function reset() {
    if (!confirm("Reset the mock to its seed? Every change, the journal and the scenarios are dropped.")) return;
    try {
      await control("reset", { method: "POST" });
      data.page = 1;
      await loadEverything();
      notify("Reset to the seed.", "ok");
    } catch (err) {
      notify("Reset failed: " + err.message, "error");
    }
  }

  // exportState downloads the whole state: the one place the page reads
  // it, because it was asked to.
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
      data.page = 1;
      await Promise.all([loadMembers(), loadOverview()]);
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
      await loadJournal(true);
    } catch (err) {
      notify("Clearing the journal failed: " + err.message, "error");
    }
  }

  // ---- hand edits -------------------------------------------------------

  // The member's properties an edit may not set (the mock's), and those the
  // dialog shows apart.
  const MEMBER_FIXED = ["id", "organization_id", "user_id", "created_at", "updated_at", "user"];
  const MEMBER_SHOWN = ["role", "membership_state"];

  function openEdit(id) {
    const m = data.members && data.members.members.find((x) => x.id === id);
    if (!m) return;
    data.editing = m;
    ui.editMemberID.textContent = m.id;
    const choices = (select, values, value) => {
      select.replaceChildren(...[...new Set([...values, value])].map((v) => el("option", { value: v, text: v })));
      select.value = value;
    };
    choices(ui.editRole, data.enums.role, m.role);
    choices(ui.editState, data.enums.membership_state, m.membership_state);
    const others = Object.fromEntries(Object.entries(m).filter(([k]) => !MEMBER_FIXED.includes(k) && !MEMBER_SHOWN.includes(k)));
    ui.editMemberJSON.value = JSON.stringify(others, null, 2);
    const user = Object.fromEntries(Object.entries(m.user || {}).filter(([k]) => k !== "id"));
    ui.editUserJSON.value = JSON.stringify(user, null, 2);
    ui.editError.hidden = true;
    ui.editDialog.showModal();
  }

  // changed keeps the properties of next that differ from before.
  function changed(before, next) {
    return Object.fromEntries(Object.entries(next).filter(([k, v]) => JSON.stringify(before[k]) !== JSON.stringify(v)));
  }

  function parseObject(text, what) {
    let v;
    try { v = JSON.parse(text || "{}"); } catch (err) { throw new Error(`${what}: not JSON (${err.message})`); }
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new Error(`${what}: want a JSON object`);
    return v;
  }

  async function saveEdit() {
    const m = data.editing;
    try {
      const memberPatch = changed(m, { ...parseObject(ui.editMemberJSON.value, "the member's other properties"),
        role: ui.editRole.value, membership_state: ui.editState.value });
      const userPatch = changed(m.user || {}, parseObject(ui.editUserJSON.value, "the user"));
      if (Object.keys(memberPatch).length) {
        await control("members/" + m.id, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(memberPatch) });
      }
      if (Object.keys(userPatch).length) {
        await control("users/" + m.user_id, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: JSON.stringify(userPatch) });
      }
      ui.editDialog.close();
      data.editing = null;
      await loadMembers();
      notify(Object.keys(memberPatch).length || Object.keys(userPatch).length ? "Edited." : "Nothing changed.", "ok");
    } catch (err) {
      ui.editError.textContent = err.message;
      ui.editError.hidden = false;
    }
  }

  // downloadFixture saves the journal as a flow fixture (humm-contract run
  // replays it); hand edits are left out of it, and it says so.
  async function downloadFixture() {
    const headers = new Headers();
    const admin = sessionStorage.getItem(ADMIN_KEY);
    if (admin) headers.set("X-Mock-Admin-Token", admin);
    setPending(+1);
    try {
      const resp = await fetch("requests?format=fixture", { headers, cache: "no-store" });
      const text = await resp.text();
      if (!resp.ok) {
        let detail = text;
        try { detail = JSON.parse(text).detail; } catch { /* not JSON */ }
        throw new Error(detail);
      }
      const url = URL.createObjectURL(new Blob([text], { type: "application/yaml" }));
      const a = el("a", { href: url, download: "journal.yaml" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      notify("Journal downloaded as a fixture.", "ok");
    } catch (err) {
      notify("Download failed: " + err.message, "error");
    } finally {
      setPending(-1);
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
  ui.members.addEventListener("click", (ev) => {
    const btn = ev.target.closest("button[data-edit-member]");
    if (btn) openEdit(btn.getAttribute("data-edit-member"));
  });
  ui.editForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    saveEdit();
  });
  $("#edit-cancel").addEventListener("click", () => { ui.editDialog.close(); data.editing = null; });
  $("#journal-fixture").addEventListener("click", downloadFixture);
  ui.journal.addEventListener("click", (ev) => {
    const row = ev.target.closest("tr.expandable");
    if (row) toggleBodies(Number(row.getAttribute("data-seq")));
  });
  ui.scenarios.addEventListener("click", (ev) => {
    const btn = ev.target.closest("button[data-end-scenario]");
    if (btn) endScenario(btn.getAttribute("data-end-scenario"));
  });
  $("#reset").addEventListener("click", reset);
  $("#export").addEventListener("click", exportState);
  $("#import").addEventListener("click", () => ui.importFile.click());
  ui.importFile.addEventListener("change", () => { if (ui.importFile.files[0]) importState(ui.importFile.files[0]); });
  $("#refresh").addEventListener("click", () => loadEverything().then(() => notify("Read again.", "ok"), reportLoadError));
  $("#clear-journal").addEventListener("click", clearJournal);
  ui.endScenarios.addEventListener("click", endAllScenarios);
  ui.scenarioForm.addEventListener("submit", (ev) => {
    ev.preventDefault();
    addScenario();
  });
  ui.scOperation.addEventListener("change", renderScenarioOperation);
  ui.scStatus.addEventListener("change", renderScenarioExamples);
  ui.pause.addEventListener("click", () => {
    data.paused = !data.paused;
    ui.pause.textContent = data.paused ? "Resume" : "Pause";
    ui.live.textContent = data.paused ? "paused" : "live";
    ui.live.className = "live " + (data.paused ? "paused" : "on");
  });
  ui.problemsOnly.addEventListener("change", renderJournal);
  ui.prevPage.addEventListener("click", () => { data.page = Math.max(1, data.page - 1); loadMembers().catch(reportLoadError); });
  ui.nextPage.addEventListener("click", () => { data.page += 1; loadMembers().catch(reportLoadError); });
  for (const input of [ui.org, ui.roleFilter, ui.stateFilter]) input.addEventListener("change", showMembersFromFirstPage);
  let searchTimer = 0;
  ui.search.addEventListener("input", () => {
    // One request once typing pauses, not one per key.
    clearTimeout(searchTimer);
    searchTimer = setTimeout(showMembersFromFirstPage, SEARCH_DEBOUNCE_MS);
  });
  ui.admin.addEventListener("submit", (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(ADMIN_KEY, ui.adminToken.value.trim());
    ui.adminToken.value = "";
    loadEverything().then(() => notify("Admin token accepted.", "ok"), reportLoadError);
  });

  loadEverything().catch(reportLoadError).finally(pollLoop);
})();
