import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readlinkSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = path.resolve(__dirname, "../..");

/** Runs a program in the repository root, resolving with its exit code and output. */
function run(file: string, args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      file,
      args,
      { cwd: root, env: { ...process.env, ...env }, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

describe("z402 CLI: the documented `npx z402` in a clone of the repository", function () {
  this.timeout(180_000);

  it("is linked into node_modules/.bin by the prepare script that npm ci and npm install run", async function () {
    const r = await run("npm", ["run", "-s", "prepare"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(readlinkSync(path.join(root, "node_modules", ".bin", "z402"))).to.equal(
      "../../sdk/cli/dev-bin.cjs",
    );
  });

  it("runs from the sources through that link, with no build", async function () {
    const r = await run(path.join(root, "node_modules", ".bin", "z402"), ["--version"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal("0.1.0");
  });

  it("answers `npx z402 --help` from the repository root (fresh npm cache) with the usage, exit 0", async function () {
    const cache = mkdtempSync(path.join(os.tmpdir(), "z402-npm-cache-"));
    try {
      const r = await run("npx", ["z402", "--help"], { npm_config_cache: cache });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^Usage: z402 \[options\] \[command\]/);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
