// (a) A page served from another origin calls the mock with fetch: a GET
// list and a PUT with a JSON body, both with a bearer token, so the
// browser sends a CORS preflight first. The results show in its DOM.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  api,
  e2eDir,
  launchBrowser,
  screenshot,
  serveDir,
  startMock,
  withFailureShot,
  type Browser,
  type JournalEntry,
  type Mock,
  type StaticSite,
} from "./harness.js";

const TEST_TIMEOUT_MS = 90_000;

describe("a frontend on another origin", { timeout: TEST_TIMEOUT_MS }, () => {
  let site: StaticSite;
  let browser: Browser;
  const mocks: Mock[] = [];

  before(async () => {
    site = await serveDir(join(e2eDir, "frontend"));
    browser = await launchBrowser();
  });
  after(async () => {
    await Promise.all(mocks.map((m) => m.stop()));
    await site?.close();
    await browser?.close();
  });

  function frontendURL(mock: Mock): string {
    const q = new URLSearchParams({ api: mock.url, org: mock.profile.organization_id, token: mock.profile.tokens.org_admin! });
    return `${site.origin}/?${q}`;
  }

  it("lists members and updates one through fetch, after preflights", async () => {
    const mock = await startMock();
    mocks.push(mock);
    const { page } = browser;
    assert.notEqual(new URL(site.origin).origin, new URL(mock.url).origin);
    await withFailureShot(page, "cors-frontend", async () => {
      await page.goto(frontendURL(mock));
      await page.waitForSelector("body[data-done='1']");
      await screenshot(page, "cors-frontend");

      assert.equal(await page.textContent("#error"), "");
      assert.equal(await page.textContent("#list-status"), "200");
      const items = page.locator("#members li");
      assert.equal(await items.count(), 10);
      const first = await items.first().textContent();
      assert.match(first ?? "", /@.* · (SYSTEM_ADMIN|ORGANIZATION_ADMIN|ANALYST)$/);

      assert.equal(await page.textContent("#update-status"), "200");
      assert.equal(await page.textContent("#updated-role"), "ORGANIZATION_ADMIN");
      const memberId = (await page.textContent("#updated-id")) ?? "";
      const wasAnalyst = await page.getAttribute(`#members li[data-id='${memberId}']`, "data-role");
      assert.equal(wasAnalyst, "ANALYST", "the PUT changed a member the list showed as ANALYST");

      // The change is real: the mock answers it to anyone who asks.
      const listed = await api(mock, "GET", `/api/organization/${mock.profile.organization_id}/member?page_size=10`, mock.profile.tokens.analyst!);
      const after = (listed.body as { id: string; role: string }[]).find((m) => m.id === memberId);
      assert.equal(after?.role, "ORGANIZATION_ADMIN");

      // The browser asked first: a preflight before each call, answered 204.
      const journal = await mock.control<JournalEntry[]>("requests");
      const seen = journal.map((e) => `${e.method} ${e.path} ${e.status}`);
      const listPath = `/api/organization/${mock.profile.organization_id}/member`;
      const memberPath = `${listPath}/${memberId}`;
      for (const want of [`OPTIONS ${listPath} 204`, `GET ${listPath} 200`, `OPTIONS ${memberPath} 204`, `PUT ${memberPath} 200`]) {
        assert.ok(seen.includes(want), `journal has ${want}: ${seen.join(", ")}`);
      }
      assert.ok(seen.indexOf(`OPTIONS ${memberPath} 204`) < seen.indexOf(`PUT ${memberPath} 200`), "the preflight came first");
    });
  });

  it("is refused by the browser when the mock does not allow the origin", async () => {
    const mock = await startMock(["--cors-origins", "http://127.0.0.1:1"]);
    mocks.push(mock);
    const { page } = browser;
    await withFailureShot(page, "cors-refused", async () => {
      await page.goto(frontendURL(mock));
      await page.waitForSelector("body[data-done='1']");
      await screenshot(page, "cors-refused");
      assert.match((await page.textContent("#error")) ?? "", /TypeError: Failed to fetch/);
      assert.equal(await page.locator("#members li").count(), 0);
      // The preflight reached the mock; the GET itself was never sent.
      const journal = await mock.control<JournalEntry[]>("requests");
      assert.deepEqual(journal.map((e) => e.method), ["OPTIONS"]);
    });
  });
});
