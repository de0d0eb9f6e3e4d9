import { expect } from "chai";
import { builtinModules } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(__dirname, "../../../sdk");

/** Relative imports reachable from `entry`, and every bare module name they import. */
function graph(entry: string): { files: Set<string>; modules: Set<string> } {
  const files = new Set<string>();
  const modules = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const src = readFileSync(file, "utf8");
    for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+["']([^"']+)["']/g)) {
      const spec = m[1];
      if (!spec.startsWith(".")) modules.add(spec);
      else {
        const base = path.resolve(path.dirname(file), spec);
        visit([`${base}.ts`, path.join(base, "index.ts")].find((f) => { try { return readFileSync(f), true; } catch { return false; } })!); // prettier-ignore
      }
    }
  };
  visit(entry);
  return { files, modules };
}

describe("agents: browser-safe entry", function () {
  const { files, modules } = graph(path.join(root, "agents/index.ts"));

  it("imports no Node built-in module", function () {
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    expect([...modules].filter((m) => builtins.has(m))).to.deep.equal([]);
  });

  it("uses no Node global (Buffer, process, require)", function () {
    for (const f of files)
      expect(readFileSync(f, "utf8"), f).not.to.match(/\bBuffer\.|\bprocess\.|\brequire\(/);
  });

  it("reaches neither the server, the client nor the A2A adapters", function () {
    const rel = [...files].map((f) => path.relative(root, f));
    expect(rel).to.include.members(["agents/card-builder.ts", "agents/onchain.ts", "errors/base.ts"]);
    expect(rel.filter((f) => /^(server|client|agents\/a2a|store)\//.test(f))).to.deep.equal([]);
  });
});
