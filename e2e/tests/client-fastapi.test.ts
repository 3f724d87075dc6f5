// The typed client on the documents a FastAPI service of this API publishes
// (internal/fastapi: OpenAPI 3.1, FastAPI's default or explicit
// operationIds): src/client.ts typed from each of them
// (scripts/fastapi-clients.mjs), against a mock started on that document,
// does what it does on openapi.yaml.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { membersClient as defaultIDsClient } from "../src/generated/client-fastapi-default-ids.js";
import { membersClient as explicitIDsClient } from "../src/generated/client-fastapi-explicit-ids.js";
import { repoDir, startMock, type Mock } from "./harness.js";

/** An ApiError of that status: each typed client is its own module, with its own ApiError class. */
const refusedWith = (status: number) => (e: unknown) => e instanceof Error && e.name === "ApiError" && (e as { status?: number }).status === status;

for (const [name, membersClient] of [["default-ids", defaultIDsClient], ["explicit-ids", explicitIDsClient]] as const) {
  describe(`the typed client on FastAPI's document (${name})`, { timeout: 60_000 }, () => {
    let mock: Mock;
    before(async () => {
      mock = await startMock(["--spec", join(repoDir, "internal", "fastapi", `openapi-${name}.json`)]);
    });
    after(async () => {
      await mock?.stop();
    });

    it("lists, creates, updates and deletes a member; refusals are ApiErrors", async () => {
      const org = mock.profile.organization_id;
      const admin = membersClient({ baseUrl: mock.url, token: mock.profile.tokens["org_admin"]! });
      const page = await admin.list(org, { page: 1, page_size: 5 });
      assert.equal(page.length, 5);
      for (const m of page) assert.match(m.user?.email ?? "", /@/);

      const userId = mock.profile.candidate_user_ids[0]!;
      const created = await admin.create(org, { user_id: userId });
      assert.equal(created.role, "ANALYST");
      const id = created.id!;
      const updated = await admin.update(org, id, { role: "ORGANIZATION_ADMIN" });
      assert.equal(updated.role, "ORGANIZATION_ADMIN");
      assert.equal(updated.user?.id, userId);
      assert.equal((await admin.remove(org, id)).id, id);

      await assert.rejects(admin.remove(org, id), refusedWith(404));
      const analyst = membersClient({ baseUrl: mock.url, token: mock.profile.tokens["analyst"]! });
      await assert.rejects(analyst.create(org, { user_id: userId }), refusedWith(403));
      await assert.rejects(admin.list(org, { page: 0 }), refusedWith(422));
    });
  });
}
