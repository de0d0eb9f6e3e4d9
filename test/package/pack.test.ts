/**
 * The SDK as a user gets it: `npm run build`, `npm pack`, then the tarball installed in a scratch project with no
 * dev dependency (only z402 and ethers, from the npm cache or the registry; install scripts skipped, so the native
 * optional modules are not compiled). Every subpath in package.json `exports` is imported from ESM and CJS, every
 * declaration is type-checked (`skipLibCheck` off) under NodeNext, Bundler and CommonJS, and so are the README's
 * "Use it" snippets. TypeScript is the repository's.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);
const root = path.resolve(__dirname, "../..");
const TSC = path.join(root, "node_modules/typescript/bin/tsc");

interface Manifest {
  exports: Record<string, unknown>;
  typesVersions?: unknown;
  types?: string;
  files: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const manifest = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as Manifest;
/** `z402`, `z402/server`, ...: every subpath the package exports. */
const SUBPATHS = Object.keys(manifest.exports)
  .filter((k) => k !== "./package.json")
  .map((k) => "z402" + k.slice(1));
/** Subpaths that import an optional peer at run time, and the peer. */
const NEEDS_PEER: Record<string, string> = { "z402/a2a": "express" };
/** Subpaths whose declarations name an optional peer's types. */
const TYPES_NEED_PEER: Record<string, string> = { "z402/a2a": "@types/express", "z402/axios": "axios" };

/** The version of a package in the repository's node_modules: the scratch installs it from the npm cache. */
const repoVersion = (name: string) =>
  (
    JSON.parse(readFileSync(path.join(root, "node_modules", name, "package.json"), "utf8")) as {
      version: string;
    }
  ).version;

async function sh(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await exec(cmd, args, {
      cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: "" },
    });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${e.stdout ?? ""}\n${e.stderr ?? e.message}`,
    );
  }
}

const npmInstall = (cwd: string, specs: string[]) =>
  sh(
    "npm",
    [
      "install",
      "--ignore-scripts",
      "--prefer-offline",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...specs,
    ],
    cwd,
  );

/**
 * `tsc -p dir`, failing on every error in the project's own files or in z402's declarations. Errors that other
 * packages' declarations carry on their own (ioredis names the untyped `redis-errors`) are theirs, not ours.
 */
async function typeCheck(dir: string): Promise<void> {
  let out = "";
  try {
    await exec(process.execPath, [TSC, "-p", dir], { cwd: dir, maxBuffer: 64 * 1024 * 1024 });
    return;
  } catch (err) {
    out = (err as { stdout?: string }).stdout ?? String(err);
  }
  const errors = out
    .split("\n")
    .filter((line) => /error TS\d+/.test(line))
    .filter((line) => !/^(\.\.\/)*node_modules\//.test(line) || /node_modules\/z402\//.test(line));
  expect(errors, `tsc -p ${dir}:\n${out}`).to.deep.equal([]);
}

function writeJson(file: string, value: unknown) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + "\n");
}

/**
 * The ways a consumer's TypeScript resolves `z402`: each a folder of the scratch project with its tsconfig. Node10
 * (the legacy `"moduleResolution": "node"`) finds the subpaths through `typesVersions`; the declarations of
 * `@x402/core` (a dependency) resolve only through `exports`, so there it needs `skipLibCheck` (tsc --init's default).
 */
const RESOLUTIONS = {
  "esm-nodenext": { type: "module", compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } },
  "esm-bundler": { type: "module", compilerOptions: { module: "ESNext", moduleResolution: "Bundler" } },
  "cjs-nodenext": { type: "commonjs", compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } },
  "cjs-node10": {
    type: "commonjs",
    compilerOptions: {
      module: "CommonJS",
      moduleResolution: "Node10",
      esModuleInterop: true,
      skipLibCheck: true,
    },
  },
} as const;

/** Writes `<project>/<resolution>/` with a tsconfig over `files` (name → source). */
function tsProject(
  project: string,
  resolution: keyof typeof RESOLUTIONS,
  files: Record<string, string>,
): string {
  const dir = path.join(project, resolution);
  rmSync(dir, { recursive: true, force: true });
  const { type, compilerOptions } = RESOLUTIONS[resolution];
  writeJson(path.join(dir, "package.json"), { type });
  writeJson(path.join(dir, "tsconfig.json"), {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2022", "DOM"],
      types: ["node"],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      ...compilerOptions,
    },
    include: ["*.ts"],
  });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** A module that imports every listed subpath (types and values). */
const importAll = (subpaths: string[]) =>
  subpaths.map((s, i) => `import * as m${i} from "${s}";`).join("\n") +
  `\nexport const all: unknown[] = [${subpaths.map((_, i) => `m${i}`).join(", ")}];\n`;

/** The free names the README's snippets use, as a reader's own code would define them. */
const PRELUDE = `import { JsonRpcProvider, Wallet } from "ethers";
import { Hono } from "hono";
export const provider = new JsonRpcProvider("http://127.0.0.1:8545");
export const chainId = 84532n;
export const escrow = "0x1111111111111111111111111111111111111111";
export const depositCollector = "0x2222222222222222222222222222222222222222";
export const usdc = "0x036CbD53842c5426634e7929541eC2318f3dCF7e";
export const payTo = "0x3333333333333333333333333333333333333333";
export const sellerWallet = new Wallet("0x" + "11".repeat(32), provider);
export const wallet = new Wallet("0x" + "22".repeat(32), provider);
export const sessionKey = Wallet.createRandom();
export const app = new Hono();
export const body = JSON.stringify({ text: "a long text" });
`;

/**
 * The README's "Use it" TypeScript blocks as one module, read in order as a reader would: their imports at the
 * top, the rest in an async function (top-level `await` is not CommonJS), `export` dropped there.
 */
function readmeSnippets(): string {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  const section = readme.split(/^## /m).find((s) => s.startsWith("Use it"));
  if (!section) throw new Error("README.md has no 'Use it' section");
  const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length, "TypeScript blocks in README 'Use it'").to.be.greaterThan(1);
  const imports: string[] = [];
  const body: string[] = [];
  for (const line of blocks.join("\n").split("\n")) {
    if (/^import /.test(line)) imports.push(line);
    else body.push("  " + line.replace(/^export /, ""));
  }
  const prelude = PRELUDE.match(/^export const (\w+)/gm)!.map((s) => s.replace("export const ", ""));
  return [
    ...imports,
    `import { ${prelude.join(", ")} } from "./prelude.js";`,
    "export async function main() {",
    ...body,
    "}",
    "",
  ].join("\n");
}

/** Bare specifiers `import`ed or `require`d by a built file. */
function bareImports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [
    ...text.matchAll(/(?:^|[\s;])(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g),
    ...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  return specs.filter((s) => !s.startsWith(".") && !s.startsWith("/"));
}

const packageOf = (spec: string) =>
  spec
    .split("/")
    .slice(0, spec.startsWith("@") ? 2 : 1)
    .join("/");

describe("package: the packed SDK in a fresh project", function () {
  this.timeout(15 * 60_000);
  let scratch: string;
  let tarball: string;
  let packed: string[];

  before(async () => {
    await sh("npm", ["run", "--silent", "build"], root);
    scratch = mkdtempSync(path.join(os.tmpdir(), "z402-pack-"));
    const out = JSON.parse(await sh("npm", ["pack", "--json", "--pack-destination", scratch], root)) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = path.join(scratch, out[0].filename);
    packed = out[0].files.map((f) => f.path);
  });
  after(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  describe("the tarball", function () {
    it("holds the builds, the contracts' sources without the test mocks and no local deployment", () => {
      const top = new Set(
        packed.map((p) => (p.startsWith("dist/") ? p.split("/").slice(0, 2).join("/") : p.split("/")[0])),
      );
      expect([...top].sort()).to.deep.equal(
        ["README.md", "contracts", "dist/cjs", "dist/cli.js", "dist/esm", "package.json"]
          .concat(packed.some((p) => p.startsWith("deployments/")) ? ["deployments"] : [])
          .sort(),
      );
      expect(
        packed.filter(
          (p) => p.startsWith("contracts/test/") || (!/\.sol$/.test(p) && p.startsWith("contracts/")),
        ),
      ).to.deep.equal([]);
      expect(packed.filter((p) => p.startsWith("deployments/"))).to.satisfy((d: string[]) =>
        d.every((p) => ["deployments/84532.json", "deployments/8453.json"].includes(p)),
      );
      expect(packed).to.include("contracts/escrow/Z402Escrow.sol");
    });

    it("holds every file `exports`, `typesVersions` and `types` name", () => {
      const targets = JSON.stringify([manifest.exports, manifest.typesVersions, manifest.types])
        .match(/"\.\/dist\/[^"]+"/g)!
        .map((t) => t.slice(3, -1));
      expect(targets).to.include("dist/esm/server/index.d.mts");
      expect(targets.filter((t) => !packed.includes(t))).to.deep.equal([]);
    });

    it("bundles no third-party package: every bare import of dist/ is a dependency, a peer or a Node built-in", () => {
      const declared = new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
        ...Object.keys(manifest.optionalDependencies ?? {}),
      ]);
      const builtins = new Set(builtinModules);
      const undeclared = new Map<string, string>();
      for (const file of packed.filter((p) => /^dist\/.*\.js$/.test(p))) {
        for (const spec of bareImports(path.join(root, file))) {
          const name = packageOf(spec);
          if (builtins.has(spec.replace(/^node:/, "")) || declared.has(name)) continue;
          // `z402 node` / `z402 deploy` require Hardhat lazily, only inside the z402 repository.
          if (file === "dist/cli.js" && name === "hardhat") continue;
          undeclared.set(name, file);
        }
      }
      expect(Object.fromEntries(undeclared)).to.deep.equal({});
      // An ESM file that still calls `require` (esbuild's shim) throws "Dynamic require of ... is not supported".
      const esm = packed.filter((p) => /^dist\/esm\/.*\.js$/.test(p));
      expect(
        esm.filter((p) => readFileSync(path.join(root, p), "utf8").includes("Dynamic require of")),
      ).to.deep.equal([]);
    });
  });

  describe("with only z402 and ethers installed", function () {
    before(async () => {
      writeJson(path.join(scratch, "package.json"), { name: "z402-scratch", private: true, type: "module" });
      await npmInstall(scratch, [
        tarball,
        `ethers@${repoVersion("ethers")}`,
        `@types/node@${repoVersion("@types/node")}`,
      ]);
    });

    const plain = () => SUBPATHS.filter((s) => !NEEDS_PEER[s]);

    it("imports every subpath that needs no optional peer, from ESM and from CJS", async () => {
      writeFileSync(
        path.join(scratch, "import-all.mjs"),
        `for (const s of ${JSON.stringify(plain())}) { const m = await import(s); if (!Object.keys(m).length) throw new Error(s + " is empty"); }\nconsole.log("ok");\n`,
      );
      writeFileSync(
        path.join(scratch, "require-all.cjs"),
        `for (const s of ${JSON.stringify(plain())}) { const m = require(s); if (!Object.keys(m).length) throw new Error(s + " is empty"); }\nconsole.log("ok");\n`,
      );
      expect(await sh(process.execPath, ["import-all.mjs"], scratch)).to.equal("ok\n");
      expect(await sh(process.execPath, ["require-all.cjs"], scratch)).to.equal("ok\n");
    });

    it("type-checks those subpaths' declarations with no framework's types (no express, hono, next)", async () => {
      const typed = SUBPATHS.filter((s) => !TYPES_NEED_PEER[s]);
      expect(typed).to.include.members(["z402/server", "z402/next"]);
      for (const resolution of Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[]) {
        await typeCheck(tsProject(scratch, resolution, { "all.ts": importAll(typed) }));
      }
    });

    it("opens the SQLite discovery store from ESM and CJS (a lazily required optional native module)", async function () {
      // The native binding is not compiled here (install scripts are skipped): the repository's build is the same.
      const binding = "node_modules/better-sqlite3/build/Release/better_sqlite3.node";
      if (
        repoVersion("better-sqlite3") !==
          JSON.parse(readFileSync(path.join(scratch, "node_modules/better-sqlite3/package.json"), "utf8"))
            .version ||
        !existsSync(path.join(root, binding))
      ) {
        this.skip();
      }
      mkdirSync(path.dirname(path.join(scratch, binding)), { recursive: true });
      copyFileSync(path.join(root, binding), path.join(scratch, binding));
      const open = `new SqliteDiscoveryStore(":memory:").cursor().then((c) => console.log(String(c)))`;
      writeFileSync(
        path.join(scratch, "store.mjs"),
        `import { SqliteDiscoveryStore } from "z402/discovery";\n${open};\n`,
      );
      writeFileSync(
        path.join(scratch, "store.cjs"),
        `const { SqliteDiscoveryStore } = require("z402/discovery");\n${open};\n`,
      );
      expect(await sh(process.execPath, ["store.mjs"], scratch)).to.equal("undefined\n");
      expect(await sh(process.execPath, ["store.cjs"], scratch)).to.equal("undefined\n");
    });
  });

  describe("with the optional peers installed (express, hono, axios)", function () {
    before(async () => {
      await npmInstall(
        scratch,
        ["hono", "express", "@types/express", "axios"].map((name) => `${name}@${repoVersion(name)}`),
      );
    });

    it("imports every subpath from ESM and from CJS", async () => {
      writeFileSync(
        path.join(scratch, "import-every.mjs"),
        `for (const s of ${JSON.stringify(SUBPATHS)}) await import(s);\nconsole.log("ok");\n`,
      );
      writeFileSync(
        path.join(scratch, "require-every.cjs"),
        `for (const s of ${JSON.stringify(SUBPATHS)}) require(s);\nconsole.log("ok");\n`,
      );
      expect(await sh(process.execPath, ["import-every.mjs"], scratch)).to.equal("ok\n");
      expect(await sh(process.execPath, ["require-every.cjs"], scratch)).to.equal("ok\n");
    });

    it("type-checks every subpath and the README's snippets under NodeNext, Bundler and CommonJS", async () => {
      const files = { "all.ts": importAll(SUBPATHS), "prelude.ts": PRELUDE, "readme.ts": readmeSnippets() };
      for (const resolution of Object.keys(RESOLUTIONS) as (keyof typeof RESOLUTIONS)[]) {
        await typeCheck(tsProject(scratch, resolution, files));
      }
    });
  });
});
