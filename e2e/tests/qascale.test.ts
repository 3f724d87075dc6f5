// (c) The QA page at 100,000 members (`humm-mock --members 100000`): it
// asks the mock only for what it shows. Each test asserts on what the page
// shows and on the bytes it fetched (Chromium's own count, headers
// included), and that it never reads the whole state.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import type { CDPSession, Page } from "playwright-core";
import {
  api,
  launchBrowser,
  screenshot,
  startMock,
  withFailureShot,
  type Browser,
  type Mock,
} from "./harness.js";

const MEMBERS = 100_000;
const TEST_TIMEOUT_MS = 120_000;
// The bounds: the first members within 2 s, under 2 MB in all,
// a change through the API on the page within 2 s.
const FIRST_MEMBERS_MS = 2_000;
const FIRST_LOAD_BYTES = 2 * 1024 * 1024;
const CHANGE_SHOWN_MS = 2_000;
// What one change or one search may fetch: a page of 50 members is about
// 30 kB; the whole state at 100,000 members is about 58 MB.
const ONE_READ_BYTES = 200 * 1024;

type Member = { id: string; role: string; membership_state: string; user: { email: string; family_name?: string | null } };

/** Every response the page received, with its size on the wire (headers included), from Chromium's network events. */
class Traffic {
  private urls = new Map<string, string>();
  readonly done: { url: string; bytes: number }[] = [];

  static async record(page: Page): Promise<Traffic> {
    const t = new Traffic();
    const cdp: CDPSession = await page.context().newCDPSession(page);
    cdp.on("Network.requestWillBeSent", (e) => { t.urls.set(e.requestId, e.request.url); });
    cdp.on("Network.loadingFinished", (e) => { t.done.push({ url: t.urls.get(e.requestId) ?? "?", bytes: e.encodedDataLength }); });
    await cdp.send("Network.enable");
    return t;
  }

  mark(): number { return this.done.length; }
  since(mark: number) { return this.done.slice(mark); }
  bytesSince(mark: number): number { return this.since(mark).reduce((n, r) => n + r.bytes, 0); }
  /** Paths (with query) under /__mock/ fetched since mark, polls of /__mock/changes left out. */
  readsSince(mark: number): string[] {
    return this.since(mark).map((r) => new URL(r.url)).filter((u) => u.pathname !== "/__mock/changes").map((u) => u.pathname + u.search);
  }
}

describe(`the QA page at ${MEMBERS.toLocaleString("en-US")} members`, { timeout: TEST_TIMEOUT_MS }, () => {
  let mock: Mock;
  let browser: Browser;
  let traffic: Traffic;

  before(async () => {
    // One big mock for every test: starting it takes a few seconds.
    mock = await startMock(["--members", String(MEMBERS)], 90_000);
    browser = await launchBrowser();
    traffic = await Traffic.record(browser.page);
  });
  after(async () => {
    await mock?.stop();
    await browser?.close();
  });
  beforeEach(async () => {
    await mock.control("scenarios", { method: "DELETE" });
  });

  const org = () => mock.profile.organization_id;
  const membersPath = () => `/api/organization/${org()}/member`;
  const rowIds = (page: Page) => page.locator("#members tbody tr[data-member-id]")
    .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-member-id")));
  const firstPage = async (query = "") => {
    // As the system admin: the scenarios below match the analyst.
    const res = await api(mock, "GET", `${membersPath()}?page_size=50${query ? "&query=" + encodeURIComponent(query) : ""}`, mock.profile.tokens.system_admin!);
    assert.equal(res.status, 200);
    return res.body as Member[];
  };

  it("shows the first members within 2 s, fetching under 2 MB and never the whole state", async () => {
    const { page } = browser;
    await withFailureShot(page, "qa-scale-first", async () => {
      const start = traffic.mark();
      await page.goto(`${mock.url}/__mock/`);
      await page.waitForSelector("#members tbody tr[data-member-id]");
      // The page's own clock: from the start of the navigation to the
      // moment it put the rows in the table (a performance mark it sets).
      const shownAfterMs = await page.evaluate(() => performance.getEntriesByName("humm-mock:first-members")[0]?.startTime ?? Infinity);
      const timings = await page.evaluate(() => performance.getEntriesByType("resource").map((r) =>
        `${new URL(r.name).pathname}${new URL(r.name).search.slice(0, 30)} ${Math.round(r.startTime)}+${Math.round(r.duration)} ms`));
      console.log(`# first members after ${Math.round(shownAfterMs)} ms:\n#   ${timings.join("\n#   ")}`);
      assert.ok(shownAfterMs < FIRST_MEMBERS_MS, `the first members showed after ${Math.round(shownAfterMs)} ms`);

      const want = await firstPage();
      assert.deepEqual(await rowIds(page), want.map((m) => m.id), "the list's first page, in its order");
      assert.equal(await page.textContent("#member-count"), `${MEMBERS.toLocaleString("en-US")} members`);
      assert.equal(await page.textContent("#page-info"), "1–50");
      assert.equal(await page.textContent("#tokens tr[data-standing='org_admin'] .token"), "dev-org-admin");
      assert.equal(await page.textContent("#org-id"), org());
      await page.waitForSelector("#loading", { state: "hidden" });

      const bytes = traffic.bytesSince(start);
      console.log(`# first load: ${bytes} bytes`);
      assert.ok(bytes < FIRST_LOAD_BYTES, `the page fetched ${bytes} bytes`);
      const reads = traffic.readsSince(start);
      assert.ok(!reads.some((r) => r.startsWith("/__mock/state")), `never the whole state: ${reads.join(", ")}`);
      assert.deepEqual(reads.filter((r) => r.startsWith("/__mock/members")), ["/__mock/members?page=1&page_size=50"], "one page of members");
      await screenshot(page, "qa-scale-first-page");

      // The next page is the list's second page, another small read.
      const mark = traffic.mark();
      await page.click("#next-page");
      await page.waitForFunction(() => document.querySelector("#page-info")?.textContent === "51–100");
      const second = await api(mock, "GET", `${membersPath()}?page_size=50&page=2`, mock.profile.tokens.analyst!);
      assert.deepEqual(await rowIds(page), (second.body as Member[]).map((m) => m.id));
      assert.ok(traffic.bytesSince(mark) < ONE_READ_BYTES, `the next page fetched ${traffic.bytesSince(mark)} bytes`);
      await page.click("#prev-page");
      await page.waitForFunction(() => document.querySelector("#page-info")?.textContent === "1–50");
    });
  });

  it("shows the tokens and ids at once and a loading indicator while the members are on their way", async () => {
    const { page } = browser;
    await withFailureShot(page, "qa-scale-loading", async () => {
      // Hold the members' page until the tokens have been checked.
      let release!: () => void;
      const released = new Promise<void>((ok) => { release = ok; });
      await page.route("**/__mock/members?*", async (route) => { await released; await route.continue(); });
      try {
        await page.goto(`${mock.url}/__mock/`);
        await page.waitForSelector("#tokens tr[data-standing='analyst']");
        assert.equal(await page.textContent("#tokens tr[data-standing='analyst'] .token"), "dev-analyst");
        assert.equal(await page.textContent("#org-id"), org());
        assert.equal(await page.textContent("#other-org-id"), mock.profile.other_organization_id);
        assert.ok(await page.isVisible("#loading"), "the loading indicator shows while the members are pending");
        assert.equal(await page.getAttribute("#members", "aria-busy"), "true");
        assert.equal(await page.textContent("#members tbody"), "Loading members…");
        await screenshot(page, "qa-scale-loading");
        release();
        await page.waitForSelector("#members tbody tr[data-member-id]");
        await page.waitForSelector("#loading", { state: "hidden" });
        assert.equal(await page.getAttribute("#members", "aria-busy"), "false");
      } finally {
        release();
        await page.unroute("**/__mock/members?*");
      }
    });
  });

  it("searches and filters on the server, one small read per search", async () => {
    const { page } = browser;
    await withFailureShot(page, "qa-scale-search", async () => {
      await page.goto(`${mock.url}/__mock/`);
      await page.waitForSelector("#members tbody tr[data-member-id]");
      await page.waitForSelector("#loading", { state: "hidden" });
      // A family name from the first page, with a letter past "f" so that
      // it is no id.
      const names = (await firstPage()).map((m) => m.user.family_name ?? "");
      const q = names.find((n) => /^[A-Za-z]{5,}$/.test(n) && /[g-z]/i.test(n))!.slice(0, 5);
      const want = await firstPage(q);
      const mark = traffic.mark();
      await page.fill("#search", q);
      await page.waitForFunction((text) => document.querySelector("#member-count")?.textContent?.endsWith(text) &&
        document.querySelector("#members")?.getAttribute("aria-busy") === "false", ` of ${MEMBERS.toLocaleString("en-US")} members`);
      assert.deepEqual(await rowIds(page), want.map((m) => m.id), "the API's search, first page");
      // (The journal is read too: the test's own API calls above are news.)
      const reads = traffic.readsSince(mark).filter((r) => r.startsWith("/__mock/members"));
      assert.deepEqual(reads, [`/__mock/members?organization_id=${org()}&page=1&page_size=50&query=${q}`], "one read for the search");
      assert.ok(traffic.bytesSince(mark) < ONE_READ_BYTES, `the search fetched ${traffic.bytesSince(mark)} bytes`);

      // A role filter on top: every row shown has that role.
      await page.selectOption("#role-filter", "ORGANIZATION_ADMIN");
      await page.waitForFunction(() => document.querySelector("#members")?.getAttribute("aria-busy") === "false" &&
        [...document.querySelectorAll("#members tbody tr[data-member-id] .role")].every((b) => b.textContent === "ORGANIZATION_ADMIN"));
      await screenshot(page, "qa-scale-search");
      await page.selectOption("#role-filter", "");
      await page.fill("#search", "");
      await page.waitForFunction((text) => document.querySelector("#member-count")?.textContent === text, `${MEMBERS.toLocaleString("en-US")} members`);
    });
  });

  it("shows a change made through the API within 2 s, reading one page again", async () => {
    const { page } = browser;
    await withFailureShot(page, "qa-scale-change", async () => {
      await page.goto(`${mock.url}/__mock/`);
      await page.waitForSelector("#members tbody tr[data-member-id]");
      await page.waitForSelector("#loading", { state: "hidden" });
      const shown = await firstPage();
      const target = shown.find((m) => m.role === "ANALYST" && m.membership_state === "active")!;
      const badge = page.locator(`#members tr[data-member-id='${target.id}'] .role`);
      assert.equal(await badge.textContent(), "ANALYST");

      const mark = traffic.mark();
      const updated = await api(mock, "PUT", `${membersPath()}/${target.id}`, mock.profile.tokens.org_admin!, { role: "ORGANIZATION_ADMIN" });
      assert.equal(updated.status, 200);
      const changedAt = Date.now();
      await badge.filter({ hasText: "ORGANIZATION_ADMIN" }).waitFor({ timeout: CHANGE_SHOWN_MS });
      const tookMs = Date.now() - changedAt;
      await page.locator("#journal tr.entry", { hasText: "update_organization_member" }).waitFor();
      await page.waitForSelector("#loading", { state: "hidden" });

      const reads = traffic.readsSince(mark);
      assert.equal(reads.filter((r) => r.startsWith("/__mock/members")).length, 1, `one page read again: ${reads.join(", ")}`);
      assert.ok(!reads.some((r) => r.startsWith("/__mock/state")), "never the whole state");
      assert.ok(reads.some((r) => /^\/__mock\/requests\?bodies=false&after=[1-9]/.test(r)), `the journal since its last entry: ${reads.join(", ")}`);
      const bytes = traffic.bytesSince(mark);
      assert.ok(bytes < ONE_READ_BYTES, `the change cost ${bytes} bytes`);
      await screenshot(page, "qa-scale-change");
      console.log(`# change shown after ${tookMs} ms, ${bytes} bytes`);

      const back = await api(mock, "PUT", `${membersPath()}/${target.id}`, mock.profile.tokens.org_admin!, { role: "ANALYST" });
      assert.equal(back.status, 200);
      await badge.filter({ hasText: /^ANALYST$/ }).waitFor();
    });
  });

  it("lists, adds, refuses and ends scenarios", async () => {
    const { page } = browser;
    await withFailureShot(page, "qa-scale-scenarios", async () => {
      await page.goto(`${mock.url}/__mock/`);
      await page.waitForSelector("#members tbody tr[data-member-id]");
      await page.waitForSelector("#scenarios tbody tr.empty");
      await page.waitForSelector("#sc-operation option[value='get_organization_members']", { state: "attached" });
      const mark = traffic.mark();

      // A 404 for the next two lists by the analyst.
      await page.selectOption("#sc-operation", "get_organization_members");
      await page.selectOption("#sc-role", "analyst");
      await page.selectOption("#sc-status", "404");
      await page.fill("#sc-example", "organization");
      await page.fill("#sc-count", "2");
      await page.click("#sc-add");
      const row = page.locator("#scenarios tbody tr[data-scenario-id]");
      await row.first().waitFor();
      assert.match((await row.first().textContent()) ?? "", /get_organization_members as analyst.*status 404, example organization.*2 of 2 requests/);

      // A request without a token is still a 401 and uses nothing up; the
      // analyst's list gets the scenario's answer, and the page shows what
      // is left.
      assert.equal((await api(mock, "GET", membersPath(), "")).status, 401);
      const hit = await api(mock, "GET", membersPath(), mock.profile.tokens.analyst!);
      assert.equal(hit.status, 404);
      assert.deepEqual(hit.body, { detail: "Organization not found" });
      await page.locator("#scenarios td.left", { hasText: "1 of 2 requests" }).waitFor();

      // One that can't be met is refused, and the page says why.
      await page.selectOption("#sc-role", "");
      await page.fill("#sc-example", "no-such-example");
      await page.click("#sc-add");
      await page.waitForSelector("#scenario-error:not([hidden])");
      assert.match((await page.textContent("#scenario-error")) ?? "",
        /^Refused: effect\.example "no-such-example": response 404 of get_organization_members has no such example; its examples are .*organization/);
      assert.equal(await row.count(), 1);

      // A slow delete of one member, for a minute, also before identity,
      // with a path parameter.
      const target = (await firstPage())[3]!;
      await page.selectOption("#sc-operation", "delete_organization_member");
      await page.fill("#sc-example", "");
      await page.fill("#sc-path input[data-path-param='member_id']", target.id);
      await page.check("#sc-before-identity");
      await page.fill("#sc-delay", "1500");
      await page.fill("#sc-count", "");
      await page.fill("#sc-duration", "60");
      await page.click("#sc-add");
      await row.nth(1).waitFor();
      assert.equal(await page.isHidden("#scenario-error"), true);
      assert.match((await row.nth(1).textContent()) ?? "", new RegExp(`delete_organization_member as any caller.*member_id = ${target.id}.*before identity.*delay 1,500 ms.*\\d+ s`));
      const listed = await mock.control<{ match: { path?: Record<string, string>; before_identity?: boolean }; effect: { delay_ms?: number }; duration_ms?: number }[]>("scenarios");
      assert.deepEqual(listed[1]!.match.path, { member_id: target.id });
      assert.equal(listed[1]!.match.before_identity, true);
      assert.equal(listed[1]!.effect.delay_ms, 1500);
      assert.equal(listed[1]!.duration_ms, 60_000);
      await screenshot(page, "qa-scale-scenarios");

      // End the first one, then all.
      const firstID = await row.first().getAttribute("data-scenario-id");
      await page.click(`#scenarios button[data-end-scenario='${firstID}']`);
      await page.waitForSelector(`#scenarios tr[data-scenario-id='${firstID}']`, { state: "detached" });
      assert.equal((await api(mock, "GET", membersPath(), mock.profile.tokens.analyst!)).status, 200, "ended");
      assert.equal(await row.count(), 1);
      await page.click("#end-scenarios");
      await page.waitForSelector("#scenarios tbody tr.empty");
      assert.deepEqual(await mock.control("scenarios"), []);

      const reads = traffic.readsSince(mark);
      assert.ok(!reads.some((r) => r.startsWith("/__mock/state")), "never the whole state");
      assert.ok(traffic.bytesSince(mark) < 4 * ONE_READ_BYTES, `the scenarios cost ${traffic.bytesSince(mark)} bytes`);
    });
  });

  it("sets a member and its user by hand where the API cannot, and downloads the journal as a fixture", async () => {
    const { page } = browser;
    await withFailureShot(page, "qa-scale-edit", async () => {
      await page.goto(`${mock.url}/__mock/`);
      await page.waitForSelector("#members tbody tr[data-member-id]");
      await page.waitForSelector("#loading", { state: "hidden" });
      type Full = Member & { user: Member["user"] & { id: string; nickname?: string | null } };
      const target = (await firstPage() as Full[]).find((m) => m.membership_state === "active" && m.user.nickname)!;
      const row = page.locator(`#members tr[data-member-id='${target.id}']`);
      assert.match((await row.textContent()) ?? "", new RegExp(`@${target.user.nickname}`));

      const mark = traffic.mark();
      await row.locator("button[data-edit-member]").click();
      await page.waitForSelector("#edit-dialog[open]");
      assert.equal(await page.textContent("#edit-member-id"), target.id);
      // The dialog offers the spec's states, the API's unreachable ones too.
      assert.deepEqual(await page.locator("#edit-state option").allTextContents(), ["active", "pending", "suspended"]);
      await page.selectOption("#edit-state", "suspended");
      const user = JSON.parse(await page.inputValue("#edit-user-json"));
      assert.equal(user.email, target.user.email, "the user's properties, from the spec");
      assert.equal(user.id, undefined, "but its id");
      await page.fill("#edit-user-json", JSON.stringify({ ...user, nickname: null }));
      await page.click("#edit-save");
      await page.waitForSelector("#edit-dialog[open]", { state: "detached" }).catch(() => undefined);
      await page.waitForFunction((id) => document.querySelector(`#members tr[data-member-id='${id}'] .state`)?.textContent === "suspended", target.id);
      assert.doesNotMatch((await row.textContent()) ?? "", new RegExp(`@${target.user.nickname}`), "the nickname is gone from the row");
      await screenshot(page, "qa-scale-edited");

      // The API sees it: the suspended member's own rights are gone, the user has no nickname.
      const listed = await api(mock, "GET", `${membersPath()}?query=${encodeURIComponent(target.user.email)}`, mock.profile.tokens.system_admin!);
      const after = (listed.body as Full[]).find((m) => m.id === target.id)!;
      assert.equal(after.membership_state, "suspended");
      assert.equal(after.user.nickname, null);
      // Journaled as control changes, shown in the page's journal.
      const journal = await mock.control<{ path: string; control?: boolean; status: number }[]>("requests");
      const edits = journal.filter((e) => e.control);
      assert.deepEqual(edits.map((e) => [e.path, e.status]), [[`/__mock/members/${target.id}`, 200], [`/__mock/users/${target.user.id}`, 200]]);
      await page.waitForFunction((path) => document.querySelector("#journal tbody")?.textContent?.includes(path), `/__mock/users/${target.user.id}`);

      // What the schema refuses, the dialog says, and nothing changes.
      await row.locator("button[data-edit-member]").click();
      await page.waitForSelector("#edit-dialog[open]");
      await page.fill("#edit-user-json", JSON.stringify({ email: null }));
      await page.click("#edit-save");
      await page.waitForSelector("#edit-error:not([hidden])");
      assert.match((await page.textContent("#edit-error")) ?? "", /email null/);
      await page.click("#edit-cancel");
      assert.ok(traffic.bytesSince(mark) < 4 * ONE_READ_BYTES, `the edits cost ${traffic.bytesSince(mark)} bytes`);
      assert.ok(!traffic.readsSince(mark).some((r) => r.startsWith("/__mock/state")), "never the whole state");

      // The journal as a fixture, from the page: hand edits are left out, and it says so.
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#journal-fixture")]);
      assert.equal(download.suggestedFilename(), "journal.yaml");
      const { readFile } = await import("node:fs/promises");
      const fixture = await readFile((await download.path())!, "utf8");
      assert.match(fixture, /^cases:/m);
      assert.doesNotMatch(fixture, /__mock\/members/);
      assert.match(fixture, /hand edits through the control API/);
    });
  });
});
