/**
 * SDK build: ESM (dist/esm, `.js` under a `"type": "module"` marker), CJS (dist/cjs) and declarations (dist/types).
 * Entries are the package's export subpaths; subpaths whose source does not exist yet are skipped.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { defineConfig, type Options } from "tsup";

const candidates: Record<string, string> = {
  index: "sdk/index.ts",
  browser: "sdk/browser.ts",
  "contracts/index": "sdk/contracts/index.ts",
  "server/index": "sdk/server/index.ts",
  "client/index": "sdk/client/index.ts",
  "agents/index": "sdk/agents/index.ts",
  "agents/a2a/index": "sdk/agents/a2a/index.ts",
  "discovery/index": "sdk/discovery/index.ts",
  "discovery/browser": "sdk/discovery/browser.ts",
  "facilitator/index": "sdk/facilitator/index.ts",
  "settlement/index": "sdk/settlement/index.ts",
  "store/index": "sdk/store/index.ts",
};
const entry = Object.fromEntries(Object.entries(candidates).filter(([, file]) => existsSync(file)));

const common: Options = {
  entry,
  target: "es2022",
  sourcemap: true,
  splitting: false,
  treeshake: true,
  tsconfig: "tsconfig.sdk.json",
  // The native binding is optional and loaded lazily; never bundle it.
  external: ["secp256k1", "better-sqlite3", "ioredis"],
};

export default defineConfig([
  {
    ...common,
    format: ["esm"],
    outDir: "dist/esm",
    clean: true,
    outExtension: () => ({ js: ".js" }),
    onSuccess: async () => {
      mkdirSync("dist/esm", { recursive: true });
      writeFileSync("dist/esm/package.json", JSON.stringify({ type: "module" }) + "\n");
    },
  },
  {
    ...common,
    format: ["cjs"],
    outDir: "dist/cjs",
    clean: true,
    outExtension: () => ({ js: ".js" }),
    // @noble/* v2 ship ESM only: bundle them into the CommonJS build so `require("z402")` works on every Node 20.
    noExternal: [/^@noble\//],
  },
  {
    ...common,
    outDir: "dist/types",
    dts: { only: true },
    clean: true,
  },
  {
    // The `z402` command (package "bin"): one CommonJS file with its shebang. Hardhat is required at run time
    // only by `z402 node` and `z402 deploy`, from the z402 repository, so it is never bundled.
    ...common,
    entry: { cli: "sdk/cli/bin.ts" },
    format: ["cjs"],
    outDir: "dist",
    platform: "node",
    target: "node20",
    sourcemap: false,
    clean: false,
    outExtension: () => ({ js: ".js" }),
    external: [...(common.external ?? []), "hardhat"],
    noExternal: [/^@noble\//],
  },
]);
