/**
 * The dApp imports `z402` the way an app does: through the package's exports, browser condition first, i.e. the
 * SDK's built browser bundle in dist/ (run `npm run build` first). Nothing here polyfills Node built-ins.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vite";

const root = path.resolve(__dirname, "../..");
type Conditions = { browser?: string; import?: string };
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  exports: Record<string, Conditions | string>;
};

const alias = Object.entries(pkg.exports)
  .filter(([subpath, target]) => subpath !== "./package.json" && typeof target === "object")
  .map(([subpath, target]) => {
    const conditions = target as Conditions;
    const file = conditions.browser ?? conditions.import;
    if (!file) throw new Error(`package.json exports ${subpath} has no browser or import target`);
    return { find: new RegExp(`^${path.posix.join("z402", subpath)}$`), replacement: path.join(root, file) };
  });

export default defineConfig({
  root: __dirname,
  resolve: { alias },
  build: {
    outDir: process.env.Z402_DAPP_OUT ?? path.join(__dirname, "dist"),
    emptyOutDir: true,
    target: "es2022",
  },
  server: { host: "127.0.0.1" },
});
