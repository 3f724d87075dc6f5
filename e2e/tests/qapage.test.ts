// (b) The QA page at /__mock/ in a real browser: it lists members, filters
// them like the API's search, shows a request made a moment before in the
// journal (spec problems highlighted), copies a token, exports and imports
// the state, and resets to the seed.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  api,
  artifactsDir,
  launchBrowser,
  screenshot,
  startMock,
  withFailureShot,
  type Browser,
  type JournalEntry,
  type Mock,
  type MockState,
} from "./harness.js";

const TEST_TIMEOUT_MS = 90_000;

type Member = { id: string; role: string; user: { email: string } };

describe("the QA page", { timeout: TEST_TIMEOUT_MS }, () => {
  let mock: Mock;
  let browser: Browser;

  before(async () => {
    mock = await startMock();
    browser = await launchBrowser();
    await browser.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: mock.url });
  });
  after(async () => {
    await mock?.stop();
    await browser?.close();
  });

  // The QA page's page of members (mock/ui/app.js: PAGE_SIZE).
  const pageSize = 50;
  const membersPath = () => `/api/organization/${mock.profile.organization_id}/member`;
  const memberRows = () => browser.page.locator("#members tbody tr[data-member-id]");
  const rowIds = async () => (await memberRows().evaluateAll((rows) => rows.map((r) => r.getAttribute("data-member-id")))).sort();

  it("lists the members, filters them, journals requests and resets", async () => {
    const { page } = browser;
    const org = mock.profile.organization_id;
    const seed = await mock.control<MockState>("state");
    const seedMembers = seed.memberships.filter((m) => m.organization_id === org);
    // The state lists an organization's members in the list's order.
    const firstPage = seedMembers.slice(0, pageSize).map((m) => m.id).sort();

    await withFailureShot(page, "qa-page", async () => {
      await page.goto(`${mock.url}/__mock/`);

      // Members of the profile's organization, a page of them (the seed's
      // organization spans more than two pages), in a table.
      await page.waitForSelector("#members tbody tr[data-member-id]");
      assert.equal(await page.inputValue("#org"), org);
      assert.deepEqual(await rowIds(), firstPage);
      assert.equal(await page.textContent("#member-count"), `${seedMembers.length} members`);
      // The tokens, one row per standing.
      assert.equal(await page.textContent("#tokens tr[data-standing='org_admin'] .token"), "dev-org-admin");
      await screenshot(page, "qa-page-loaded");

      // A request from another client a moment before: it shows in the
      // journal within a poll, with its status and the token's standing.
      // (A query with a letter past "f", so that it matches no uuid: the
      // page also finds members by id.)
      const names = seedMembers.map((m) => seed.users.find((u) => u.id === m.user_id)!.family_name ?? "");
      const q = names.map((n) => n.slice(0, 4)).find((n) => n.length === 4 && /[g-z]/i.test(n))!.toUpperCase();
      const searched = await api(mock, "GET", `${membersPath()}?query=${encodeURIComponent(q)}&page_size=100`, mock.profile.tokens.analyst!);
      assert.equal(searched.status, 200);
      const apiIds = (searched.body as Member[]).map((m) => m.id).sort();
      assert.ok(apiIds.length >= 1 && apiIds.length < seedMembers.length, `query ${q} narrows the list`);
      const entry = page.locator("#journal tr.entry", { hasText: `query=${q}` });
      await entry.waitFor();
      assert.match((await entry.textContent()) ?? "", /GET.*get_organization_members.*analyst.*200/);

      // The search box filters the table as the API's `query` does.
      await page.fill("#search", q.toLowerCase());
      await page.waitForFunction((n) => document.querySelectorAll("#members tbody tr[data-member-id]").length === n, apiIds.length);
      assert.deepEqual(await rowIds(), apiIds);
      assert.equal(await page.textContent("#member-count"), `${apiIds.length} of ${seedMembers.length} members`);
      // The filters offer the spec's roles and states (GET /__mock/enums).
      const enums = await mock.control<{ role: string[]; membership_state: string[] }>("enums");
      assert.deepEqual(await page.$$eval("#role-filter option", (os) => os.map((o) => (o as HTMLOptionElement).value)), ["", ...enums.role]);
      assert.deepEqual(await page.$$eval("#state-filter option", (os) => os.map((o) => (o as HTMLOptionElement).value)), ["", ...enums.membership_state]);
      assert.deepEqual(enums.role, ["SYSTEM_ADMIN", "ORGANIZATION_ADMIN", "ANALYST"]);
      await page.selectOption("#role-filter", "ANALYST");
      const analysts = (searched.body as Member[]).filter((m) => m.role === "ANALYST").map((m) => m.id).sort();
      await page.waitForFunction((n) => document.querySelectorAll("#members tbody tr[data-member-id]").length === n || (n === 0 && document.querySelector("#members tr.empty")), analysts.length);
      assert.deepEqual(await rowIds(), analysts);
      await screenshot(page, "qa-page-filtered");
      await page.selectOption("#role-filter", "");
      await page.fill("#search", "");

      // A connection fault set up with a scenario: a highlighted problem.
      await mock.control("scenarios", {
        method: "POST",
        body: JSON.stringify({ match: { operation: "get_organization_members" }, effect: { fault: "empty" }, count: 1 }),
      });
      await assert.rejects(api(mock, "GET", membersPath(), mock.profile.tokens.analyst!));
      const faulty = page.locator("#journal tr.entry.has-problems");
      await faulty.waitFor();
      assert.equal(await page.textContent("#journal tr.problems li"), "scenario fault: empty");

      // A member added through the API appears without a reload, on the
      // last page, where a new member sorts.
      // (The table shows the whole organization again, not the search.)
      await page.waitForFunction((t) => document.querySelector("#member-count")?.textContent === t, `${seedMembers.length} members`);
      while (!(await page.isDisabled("#next-page"))) {
        const shown = await page.textContent("#page-info");
        await page.click("#next-page");
        await page.waitForFunction((prev) => document.querySelector("#page-info")?.textContent !== prev, shown);
      }
      const created = await api(mock, "POST", membersPath(), mock.profile.tokens.org_admin!, { user_id: mock.profile.candidate_user_ids[0] });
      assert.equal(created.status, 200);
      const newId = (created.body as { id: string }).id;
      await page.waitForSelector(`#members tr[data-member-id='${newId}']`);
      await page.locator("#journal tr.entry", { hasText: "create_organization_member" }).waitFor();
      await screenshot(page, "qa-page-journal");

      // Reset to the seed: the new member and the journal are gone.
      page.once("dialog", (d) => void d.accept());
      await page.click("#reset");
      await page.waitForSelector(`#members tr[data-member-id='${newId}']`, { state: "detached" });
      await page.waitForSelector("#journal tr.empty");
      await page.waitForFunction((n) => document.querySelectorAll("#members tbody tr[data-member-id]").length === n, firstPage.length);
      assert.deepEqual(await rowIds(), firstPage);
      assert.equal(await page.textContent("#notice"), "Reset to the seed.");
      const now = await mock.control<MockState>("state");
      assert.deepEqual(now.memberships.map((m) => m.id).sort(), seed.memberships.map((m) => m.id).sort());
      assert.deepEqual(await mock.control<JournalEntry[]>("requests"), []);
      await screenshot(page, "qa-page-reset");
    });
  });

  it("copies a token, exports the state and imports an edited one", async () => {
    const { page } = browser;
    const org = mock.profile.organization_id;
    await withFailureShot(page, "qa-page-state", async () => {
      await page.goto(`${mock.url}/__mock/`);
      await page.waitForSelector("#members tbody tr[data-member-id]");

      await page.click("#tokens tr[data-standing='analyst'] button.copy");
      await page.waitForSelector("#tokens tr[data-standing='analyst'] button.copied");
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), mock.profile.tokens.analyst);

      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
      assert.match(download.suggestedFilename(), /^humm-mock-state-.*\.json$/);
      const exportedPath = join(artifactsDir, "exported-state.json");
      await download.saveAs(exportedPath);
      const exported = JSON.parse(readFileSync(exportedPath, "utf8")) as MockState;
      assert.deepEqual(exported, await mock.control<MockState>("state"));

      // Drop one member that no development token stands on, and import.
      const tokenUsers = new Set(exported.identities.map((i) => i.user_id));
      const dropped = exported.memberships.find((m) => m.organization_id === org && !tokenUsers.has(m.user_id))!;
      const edited = { ...exported, memberships: exported.memberships.filter((m) => m.id !== dropped.id) };
      const editedPath = join(artifactsDir, "edited-state.json");
      writeFileSync(editedPath, JSON.stringify(edited));
      // The page shows a page of members: one fewer in the organization
      // leaves it as full as the members left allow.
      const orgMembers = exported.memberships.filter((m) => m.organization_id === org).length;
      const shownAfter = Math.min(pageSize, orgMembers - 1);
      await page.setInputFiles("#import-file", editedPath);
      await page.waitForSelector(`#members tr[data-member-id='${dropped.id}']`, { state: "detached" });
      assert.equal(await memberRows().count(), shownAfter);
      assert.match((await page.textContent("#notice")) ?? "", /^Imported edited-state\.json\.$/);
      const now = await mock.control<MockState>("state");
      assert.ok(!now.memberships.some((m) => m.id === dropped.id));

      // An invalid state is refused, and the page says why.
      const brokenPath = join(artifactsDir, "broken-state.json");
      writeFileSync(brokenPath, "{\"organizations\": 1}");
      await page.setInputFiles("#import-file", brokenPath);
      await page.waitForSelector("#notice.error");
      assert.match((await page.textContent("#notice")) ?? "", /^Import refused: state refused, current state kept/);
      assert.equal(await memberRows().count(), shownAfter);
      await screenshot(page, "qa-page-import-refused");
    });
  });

  it("highlights a response that breaks the spec", async () => {
    // A mock with a backend bug switched on: it answers lower-case roles,
    // and the journal names the violation.
    const broken = await startMock(["--defect", "enum-lowercase"]);
    const { page } = browser;
    try {
      await withFailureShot(page, "qa-page-violation", async () => {
        const res = await api(broken, "GET", `/api/organization/${broken.profile.organization_id}/member?page_size=2`, broken.profile.tokens.analyst!);
        assert.equal(res.status, 200);
        await page.goto(`${broken.url}/__mock/`);
        await page.locator("#journal tr.entry.has-problems").waitFor();
        const problem = (await page.textContent("#journal tr.problems li")) ?? "";
        assert.match(problem, /get_organization_members answered 200: .*role/);
        await page.check("#problems-only");
        assert.equal(await page.locator("#journal tr.entry").count(), 1);
        await screenshot(page, "qa-page-violation");
      });
    } finally {
      await broken.stop();
    }
  });
});
