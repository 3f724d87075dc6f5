// A small typed client for the organization-members API: the types come
// from openapi.yaml through openapi-typescript (src/generated/schema.d.ts,
// made by `npm run generate`), the calls go through openapi-fetch. Works in
// a browser and in Node (global fetch).
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/schema.js";

export type Schemas = components["schemas"];
export type Member = Schemas["OrganizationMemberResponse"];
export type StoredMember = Schemas["OrganizationMember"];
export type MemberCreate = Schemas["OrganizationMemberCreate"];
export type MemberUpdate = Schemas["OrganizationMemberUpdate"];
export type Role = Schemas["Role"];
export type ListQuery = NonNullable<paths["/api/organization/{organization_id}/member"]["get"]["parameters"]["query"]>;

/** The error bodies the spec documents: `{"detail": "..."}`, or FastAPI's list for a 422. */
export type ErrorBody = { detail?: unknown };

/** A documented error answer, with its status and `detail`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
  ) {
    super(`${status}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
    this.name = "ApiError";
  }
}

function unwrap<T>(r: { data?: T; error?: ErrorBody; response: Response }): T {
  if (r.error !== undefined || r.data === undefined) {
    throw new ApiError(r.response.status, r.error?.detail);
  }
  return r.data;
}

export interface MembersClientOptions {
  /** Where the API is, e.g. http://127.0.0.1:4010 (no trailing /api). */
  baseUrl: string;
  /** A bearer token, e.g. a development token of the mock (dev-org-admin). */
  token: string;
  /** Sent as `Prefer` on every request (the mock's per-request overrides). */
  prefer?: string;
  fetch?: typeof globalThis.fetch;
}

/** The four operations, typed from the spec; each throws ApiError on an error answer. */
export function membersClient(opts: MembersClientOptions) {
  const headers: Record<string, string> = { Authorization: `Bearer ${opts.token}` };
  if (opts.prefer) headers["Prefer"] = opts.prefer;
  const api = createClient<paths>({ baseUrl: opts.baseUrl, headers, fetch: opts.fetch });

  return {
    async list(organizationId: string, query: ListQuery = {}): Promise<Member[]> {
      return unwrap(
        await api.GET("/api/organization/{organization_id}/member", {
          params: { path: { organization_id: organizationId }, query },
        }),
      );
    },
    async create(organizationId: string, body: MemberCreate): Promise<StoredMember> {
      return unwrap(
        await api.POST("/api/organization/{organization_id}/member", {
          params: { path: { organization_id: organizationId } },
          body,
        }),
      );
    },
    async update(organizationId: string, memberId: string, body: MemberUpdate): Promise<Member> {
      return unwrap(
        await api.PUT("/api/organization/{organization_id}/member/{member_id}", {
          params: { path: { organization_id: organizationId, member_id: memberId } },
          body,
        }),
      );
    },
    async remove(organizationId: string, memberId: string): Promise<StoredMember> {
      return unwrap(
        await api.DELETE("/api/organization/{organization_id}/member/{member_id}", {
          params: { path: { organization_id: organizationId, member_id: memberId } },
        }),
      );
    },
  };
}

export type MembersClient = ReturnType<typeof membersClient>;
