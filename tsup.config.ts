/**
 * SDK build: ESM (dist/esm, `.js` under a `"type": "module"` marker, declarations `.d.mts`) and CJS (dist/cjs, `.js`
 * and `.d.ts` under a `"type": "commonjs"` marker). Each format ships its own declarations, so the `ethers` types an
 * ESM consumer's code gets and the ones the SDK's declarations name are the same (ethers' ESM ones, not its CJS
 * ones), and likewise for CommonJS.
 * Entries are the package's export subpaths; subpaths whose source does not exist yet are skipped.
 *
 * No third-party package is bundled (`skipNodeModulesBundle`): each stays an import, resolved from the consumer's
 * node_modules, and package.json lists it as a dependency or an (optional) peer dependency.
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
  "client/axios": "sdk/client/axios.ts",
  "server/next": "sdk/server/adapters/next.ts",
  "observability/index": "sdk/observability/index.ts",
};
const entry = Object.fromEntries(Object.entries(candidates).filter(([, file]) => existsSync(file)));

const common: Options = {
  entry,
  target: "es2022",
  sourcemap: true,
  splitting: false,
  treeshake: true,
  tsconfig: "tsconfig.sdk.json",
  skipNodeModulesBundle: true,
};

/** Writes `dist/<format>/package.json`, the marker that makes Node and TypeScript read the folder's files as `type`. */
const marker = (dir: string, type: "module" | "commonjs") => async () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, JSON.stringify({ type }) + "\n");
};

export default defineConfig([
  {
    ...common,
    format: ["esm"],
    outDir: "dist/esm",
    clean: true,
    // `__filename` (a lazy `createRequire` of an optional native module) from `import.meta.url`.
    shims: true,
    dts: true,
    outExtension: () => ({ js: ".js" }),
    onSuccess: marker("dist/esm", "module"),
  },
  {
    ...common,
    format: ["cjs"],
    outDir: "dist/cjs",
    clean: true,
    dts: true,
    outExtension: () => ({ js: ".js" }),
    onSuccess: marker("dist/cjs", "commonjs"),
    // The one exception: @noble/* v2 ship ESM only, so they are bundled into the CommonJS build and
    // `require("z402")` works on every Node 20 (require of ESM needs 20.19).
    noExternal: [/^@noble\//],
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
    noExternal: [/^@noble\//],
  },
]);
