// Shared pieces of the end-to-end tests: the mock as a child process on a
// free loopback port, headless Chromium with a fresh profile, a static
// server for a page on another origin, and screenshots under artifacts/.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";

/** e2e/, whether running from tests/ or dist/tests/. */
export const e2eDir = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
})();
export const repoDir = resolve(e2eDir, "..");
export const artifactsDir = join(e2eDir, "artifacts");

/** Bounds every wait, so that a broken run fails instead of hanging. */
export const STEP_TIMEOUT_MS = 15_000;

// ---- the mock ------------------------------------------------------------

export interface Profile {
  base_url: string;
  tokens: Record<string, string>;
  organization_id: string;
  other_organization_id: string;
  candidate_user_ids: string[];
}

export interface MockState {
  organization_id: string;
  organizations: { id: string; name: string }[];
  users: { id: string; email: string; name?: string | null; given_name?: string | null; family_name?: string | null; nickname?: string | null }[];
  memberships: { id: string; organization_id: string; user_id: string; role: string; membership_state: string }[];
  identities: { standing: string; token: string; user_id: string }[];
}

export interface JournalEntry {
  time: string;
  method: string;
  path: string;
  query?: string;
  operation?: string;
  as?: string;
  status: number;
  duration_ms: number;
  validation_problems?: string[];
}

export interface Mock {
  url: string;
  profile: Profile;
  control<T>(path: string, init?: RequestInit): Promise<T>;
  stop(): Promise<void>;
}

/** The mock binary: $HUMM_MOCK_BIN, else e2e/.bin/humm-mock, built with go when missing. */
function mockBinary(): string {
  const fromEnv = process.env.HUMM_MOCK_BIN;
  if (fromEnv) return fromEnv;
  const bin = join(e2eDir, ".bin", "humm-mock");
  if (!existsSync(bin)) {
    execFileSync("go", ["build", "-o", bin, "./cmd/humm-mock"], { cwd: repoDir, stdio: "inherit" });
  }
  return bin;
}

/** Starts humm-mock on 127.0.0.1 with a port the kernel picks, and waits for its banner (startTimeoutMs at most: a 100,000-member world takes seconds, more on a busy machine). */
export async function startMock(args: string[] = [], startTimeoutMs = STEP_TIMEOUT_MS): Promise<Mock> {
  const child = spawn(mockBinary(), ["--addr", "127.0.0.1:0", "--seed", "1", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`humm-mock did not start within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /humm-mock listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        ok(m[1]);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (chunk: Buffer) => { output += chunk.toString(); });
    child.once("exit", (code) => { clearTimeout(timer); fail(new Error(`humm-mock exited with ${code}:\n${output}`)); });
  });
  child.stdout!.resume();
  child.stderr!.resume();
  const control = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const resp = await fetch(`${url}/__mock/${path}`, { ...init, signal: AbortSignal.timeout(STEP_TIMEOUT_MS) });
    const text = await resp.text();
    if (!resp.ok) throw new Error(`/__mock/${path}: ${resp.status} ${text}`);
    return JSON.parse(text) as T;
  };
  const profile = await control<Profile>("profile");
  return { url, profile, control, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Calls the API with a development token from Node. */
export async function api(mock: Mock, method: string, path: string, token: string, body?: unknown) {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const resp = await fetch(mock.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const text = await resp.text();
  return { status: resp.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

// ---- the browser ---------------------------------------------------------

/** The flags this machine's closed network needs, as the brief of the tests says. */
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Debian's Chromium ($CHROMIUM, else /usr/bin/chromium), headless, with a new empty --user-data-dir. */
export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} is missing: run \`make e2e\` (it installs Debian's chromium) or set CHROMIUM`);
  }
  const userDataDir = mkdtempSync(join(tmpdir(), "humm-e2e-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1440, height: 900 },
    timeout: 30_000,
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
      if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join("\n")}`);
    },
  };
}

/** Saves a full-page screenshot as artifacts/NAME.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.evaluate(() => window.scrollTo(0, 0)); // sticky headers stay on top
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Runs body; on failure saves a screenshot named FAILED-name first. */
export async function withFailureShot(page: Page, name: string, body: () => Promise<void>) {
  try {
    await body();
  } catch (err) {
    await screenshot(page, `FAILED-${name}`).catch(() => undefined);
    throw err;
  }
}

// ---- a page on another origin --------------------------------------------

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
};

export interface StaticSite {
  origin: string;
  close(): Promise<void>;
}

/** Serves the files of dir on 127.0.0.1 with a port of its own: an origin other than the mock's. */
export async function serveDir(dir: string): Promise<StaticSite> {
  const server: Server = createServer((req, res) => {
    const name = new URL(req.url ?? "/", "http://x").pathname.replace(/^\/$/, "/index.html").slice(1);
    const type = CONTENT_TYPES[extname(name)];
    if (!type || name.includes("/") || !existsSync(join(dir, name))) {
      res.writeHead(404).end("not found");
      return;
    }
    res.writeHead(200, { "Content-Type": type, "Cache-Control": "no-store" }).end(readFileSync(join(dir, name)));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
