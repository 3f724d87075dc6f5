// Typed clients: src/client.ts, typed from openapi.yaml by
// openapi-typescript and calling through openapi-fetch, against the mock.
// `tsc` type-checks this file too: the @ts-expect-error lines fail the
// build if the generated types stop following the spec.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ApiError, membersClient, type ListQuery, type Member, type MemberCreate, type Role, type Schemas } from "../src/client.js";
import { startMock, type Mock } from "./harness.js";

/** The value, asserted present: openapi.yaml leaves some response fields optional. */
function present<T>(v: T | null | undefined, what: string): T {
  assert.ok(v !== null && v !== undefined, `${what} is present`);
  return v;
}

describe("the typed client (openapi-typescript + openapi-fetch)", { timeout: 60_000 }, () => {
  let mock: Mock;
  before(async () => {
    mock = await startMock();
  });
  after(async () => {
    await mock?.stop();
  });

    const as = (standing: string) => membersClient({ baseUrl: mock.url, token: mock.profile.tokens[standing]! });

  it("lists, creates, updates and deletes a member", async () => {
    const org = mock.profile.organization_id;
    const admin = as("org_admin");

    const page1 = await admin.list(org, { page: 1, page_size: 5 });
    assert.equal(page1.length, 5);
    for (const m of page1) {
      assert.equal(m.organization_id, org);
      assert.match(present(m.user, "user").email, /@/);
    }

    const userId = mock.profile.candidate_user_ids[0]!;
    const create: MemberCreate = { user_id: userId }; // role defaults to ANALYST
    const created = await admin.create(org, create);
    assert.equal(created.user_id, userId);
    assert.equal(created.role, "ANALYST");
    assert.equal(created.membership_state, "active");
    assert.equal(created.created_at, created.updated_at);
    const createdId = present(created.id, "the new member's id");

    const role: Role = "ORGANIZATION_ADMIN";
    const updated: Member = await admin.update(org, createdId, { role });
    assert.equal(updated.id, createdId);
    assert.equal(updated.role, "ORGANIZATION_ADMIN");
    assert.equal(present(updated.user, "user").id, userId);
    assert.ok(updated.updated_at > present(created.updated_at, "updated_at"), "updated_at moves on");

    // The organization spans pages: the new member is found by its email.
    const email = present(present(updated.user, "user").email, "email");
    const found = await admin.list(org, { query: email, page_size: 100 });
    assert.equal(found.find((m) => m.id === createdId)?.role, "ORGANIZATION_ADMIN");

    const removed = await admin.remove(org, createdId);
    assert.equal(removed.id, createdId);
    const rest = await admin.list(org, { query: email, page_size: 100 });
    assert.ok(!rest.some((m) => m.id === createdId));
    await assert.rejects(admin.remove(org, createdId), (err: unknown) =>
      err instanceof ApiError && err.status === 404 && err.detail === "Member not found");
  });

  it("searches, and reports the spec's errors with their status and detail", async () => {
    const org = mock.profile.organization_id;
    const analyst = as("analyst");
    const some = (await analyst.list(org, { page_size: 1 }))[0]!;
    const hits = await analyst.list(org, { query: present(some.user, "user").email.toUpperCase() });
    assert.deepEqual(hits.map((m) => m.id), [some.id]);

    await assert.rejects(analyst.create(org, { user_id: mock.profile.candidate_user_ids[1]! }), (err: unknown) =>
      err instanceof ApiError && err.status === 403 && typeof err.detail === "string");
    await assert.rejects(analyst.list(org, { page_size: 500 }), (err: unknown) =>
      err instanceof ApiError && err.status === 422 &&
      JSON.stringify((err.detail as { loc: unknown[] }[])[0]?.loc) === JSON.stringify(["query", "page_size"]));
    await assert.rejects(membersClient({ baseUrl: mock.url, token: "nope" }).list(org), (err: unknown) =>
      err instanceof ApiError && err.status === 401 && err.detail === "Invalid authentication credentials");
  });

  it("follows the spec's types (checked by tsc, not at run time)", () => {
    const wrongRole = () => {
      // @ts-expect-error "OWNER" is not a Role of openapi.yaml
      const r: Role = "OWNER";
      return r;
    };
    const noUser = () => {
      // @ts-expect-error user_id is required by OrganizationMemberCreate
      const c: MemberCreate = { role: "ANALYST" };
      return c;
    };
    const unknownPath = () => {
      const client = as("analyst");
      // @ts-expect-error page_size is a number
      return client.list("x", { page_size: "5" });
    };
    // openapi.yaml is OpenAPI 3.1: anyOf with {type: 'null'} must come out
    // as `| null`, and only `required` fields as non-optional.
    const userMayBeAbsentOrNull = (m: Member) => {
      // @ts-expect-error user is optional and anyOf UserResponse or null
      const u: Schemas["UserResponse"] = m.user;
      return u;
    };
    const givenNameMayBeNull = (u: Schemas["UserResponse"]) => {
      const email: string = u.email; // required, a plain string
      // @ts-expect-error given_name is optional and anyOf string or null
      const given: string = u.given_name;
      return [email, given];
    };
    const nullInABody = () => {
      const c: MemberCreate = { user_id: "x", organization_id: null }; // anyOf uuid or null
      const q: ListQuery = { page: null, query: null }; // the list's Optional parameters
      return [c, q];
    };
    const nullNotEverywhere = () => {
      // @ts-expect-error user_id is a required uuid, not null
      const c: MemberCreate = { user_id: null };
      return c;
    };
    assert.equal(typeof wrongRole, "function");
    assert.equal(typeof noUser, "function");
    assert.equal(typeof unknownPath, "function");
    assert.equal(typeof userMayBeAbsentOrNull, "function");
    assert.equal(typeof givenNameMayBeNull, "function");
    assert.equal(typeof nullInABody, "function");
    assert.equal(typeof nullNotEverywhere, "function");
  });
});
