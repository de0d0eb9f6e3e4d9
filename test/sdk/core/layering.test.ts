/** DESIGN §1 rules for the SDK core: lower layers never import higher ones, no hardhat, small files. */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const SDK = path.resolve(__dirname, "../../../sdk");
/** Bottom to top; a folder may import only from folders at its level or below. */
const LAYERS = [
  "errors",
  "utils",
  "types",
  "schemas",
  "networks",
  "eip712",
  "codec",
  "signing",
  "verify",
  "contracts",
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(path.join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [path.join(dir, e.name)]
        : [],
  );
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [...text.matchAll(/(?:import|export)[^"']*?from\s+["']([^"']+)["']/g)].map((m) => m[1]);
}

describe("sdk core layering", function () {
  const files = LAYERS.flatMap((layer) => sources(path.join(SDK, layer)).map((f) => ({ layer, file: f })));

  it("never imports a higher layer", function () {
    const violations: string[] = [];
    for (const { layer, file } of files) {
      for (const spec of imports(file).filter((s) => s.startsWith("../"))) {
        const target = path.relative(SDK, path.resolve(path.dirname(file), spec)).split(path.sep)[0];
        if (LAYERS.includes(target) && LAYERS.indexOf(target) > LAYERS.indexOf(layer)) {
          violations.push(`${path.relative(SDK, file)} -> ${spec}`);
        }
      }
    }
    expect(violations).to.deep.equal([]);
  });

  it("never imports hardhat", function () {
    const offenders = files.filter(({ file }) =>
      imports(file).some((s) => s === "hardhat" || s.startsWith("hardhat/")),
    );
    expect(offenders.map((o) => o.file)).to.deep.equal([]);
  });

  it("keeps modules at most ~250 lines", function () {
    const long = files.filter(({ file }) => readFileSync(file, "utf8").split("\n").length > 260);
    expect(long.map((o) => path.relative(SDK, o.file))).to.deep.equal([]);
  });
});
