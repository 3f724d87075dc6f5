// A stand-in for a real frontend: plain fetch from another origin, with a
// bearer token (and, for the PUT, a JSON body), so that the browser sends a
// CORS preflight before each call. Parameters come from the query string:
// ?api=http://127.0.0.1:4010&org=ORG_ID&token=dev-org-admin
"use strict";

(async () => {
  const params = new URLSearchParams(location.search);
  const api = params.get("api");
  const org = params.get("org");
  const token = params.get("token");
  const show = (id, text) => { document.getElementById(id).textContent = text; };
  show("api", api);
  show("origin", location.origin);
  const headers = { Authorization: `Bearer ${token}` };
  try {
    const list = await fetch(`${api}/api/organization/${org}/member?page_size=10`, { headers });
    show("list-status", String(list.status));
    const members = await list.json();
    document.getElementById("members").replaceChildren(...members.map((m) => {
      const li = document.createElement("li");
      li.dataset.id = m.id;
      li.dataset.role = m.role;
      li.textContent = `${m.user.email} · ${m.role}`;
      return li;
    }));

    const target = members.find((m) => m.role === "ANALYST");
    if (!target) throw new Error("no ANALYST among the first ten");
    const put = await fetch(`${api}/api/organization/${org}/member/${target.id}`, {
      method: "PUT",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ role: "ORGANIZATION_ADMIN" }),
    });
    show("update-status", String(put.status));
    const updated = await put.json();
    show("updated-id", updated.id);
    show("updated-role", updated.role);
    show("updated-at", updated.updated_at);
  } catch (err) {
    show("error", `${err.name}: ${err.message}`);
  } finally {
    document.body.dataset.done = "1";
  }
})();
