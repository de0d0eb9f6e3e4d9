#!/usr/bin/env node
/**
 * The `z402` command inside the z402 repository: `npm ci` / `npm install` link node_modules/.bin/z402 here
 * (link-bin.cjs, the `prepare` script), so `npx z402 …` works in a fresh clone before any build. It runs the CLI
 * from this checkout's sources, bundled with esbuild into cache/z402-cli/cli.js the way tsup bundles dist/cli.js
 * (packages stay imports, except the ESM-only @noble/*), and bundles again whenever a file under sdk/ or
 * package.json is newer than the bundle (about 0.3 s).
 */
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "../..");
const bundle = path.join(root, "cache", "z402-cli", "cli.js");

/** The newest modification time of the TypeScript and JSON files under `dir`. */
function newest(dir) {
  let t = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) t = Math.max(t, newest(file));
    else if (/\.(ts|json)$/.test(entry.name)) t = Math.max(t, fs.statSync(file).mtimeMs);
  }
  return t;
}

function stale() {
  try {
    const built = fs.statSync(bundle).mtimeMs;
    return (
      newest(path.join(root, "sdk")) > built || fs.statSync(path.join(root, "package.json")).mtimeMs > built
    );
  } catch {
    return true;
  }
}

function build() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const names = Object.keys({
    ...pkg.dependencies,
    ...pkg.devDependencies,
    ...pkg.peerDependencies,
    ...pkg.optionalDependencies,
  });
  const external = names.filter((n) => !n.startsWith("@noble/")).flatMap((n) => [n, `${n}/*`]);
  const { buildSync } = require(require.resolve("esbuild", { paths: [root] }));
  const result = buildSync({
    entryPoints: [path.join(root, "sdk", "cli", "bin.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external,
    write: false,
    logLevel: "error",
  });
  fs.mkdirSync(path.dirname(bundle), { recursive: true });
  // Written aside and renamed, so a z402 started meanwhile never loads half a file.
  const tmp = `${bundle}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, result.outputFiles[0].contents);
  fs.renameSync(tmp, bundle);
}

if (stale()) {
  try {
    build();
  } catch (err) {
    process.stderr.write(
      `z402: cannot build the CLI from sdk/ (${String(err.message).split("\n")[0]}): run \`npm ci\` in the repository first.\n`,
    );
    process.exit(1);
  }
}
require(bundle);
