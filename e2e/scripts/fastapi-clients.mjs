// The typed client on the documents a FastAPI service publishes: types from
// each of internal/fastapi's documents (openapi-typescript, as `generate`
// makes them from openapi.yaml), and src/client.ts again, word for word,
// importing those types instead. tsc then checks the same client against
// FastAPI's own document, and tests/client-fastapi.test.ts runs it.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const client = readFileSync("src/client.ts", "utf8");
const from = `from "./generated/schema.js"`;
if (!client.includes(from)) throw new Error(`src/client.ts no longer imports its types ${from}`);
for (const name of ["default-ids", "explicit-ids"]) {
  execFileSync("npx", ["openapi-typescript", `../internal/fastapi/openapi-${name}.json`, "--default-non-nullable=false",
    "--output", `src/generated/fastapi-${name}.d.ts`], { stdio: "inherit" });
  writeFileSync(`src/generated/client-fastapi-${name}.ts`,
    `// Made by scripts/fastapi-clients.mjs: src/client.ts typed from internal/fastapi/openapi-${name}.json.\n` +
      client.replace(from, `from "./fastapi-${name}.js"`));
}
