/** The browser entry bundles for the browser with no Node built-in and without the native binding. */
import { expect } from "chai";
import { builtinModules } from "node:module";
import path from "node:path";
import { build, type Plugin } from "esbuild";

const ROOT = path.resolve(__dirname, "../../..");
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

describe("sdk browser entry", function () {
  this.timeout(60_000);

  it("bundles for the browser without any Node built-in", async function () {
    const reached: string[] = [];
    const spy: Plugin = {
      name: "node-builtins",
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (BUILTINS.has(args.path) || args.path.startsWith("node:"))
            reached.push(`${args.path} (from ${args.importer})`);
          return undefined;
        });
      },
    };
    const result = await build({
      entryPoints: [path.join(ROOT, "sdk/browser.ts")],
      bundle: true,
      write: false,
      platform: "browser",
      format: "esm",
      metafile: true,
      logLevel: "silent",
      plugins: [spy],
    });
    expect(reached, "Node built-ins reached from sdk/browser.ts").to.deep.equal([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((f) => f.includes("node_modules/secp256k1/"))).to.equal(false);
    expect(inputs.some((f) => f.includes("deployments-node"))).to.equal(false);
    expect(inputs.some((f) => f.includes("typechain-types"))).to.equal(false);
  });
});
