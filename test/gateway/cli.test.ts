import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { startLocalChain, type LocalChain } from "../../sdk/cli/local-chain";
import { devAccounts } from "../../sdk/cli/commands/node";
import { spawn } from "node:child_process";
import { cliBundle, z402, z402Service } from "../cli/support/cli";
import { deploy, payingFetch, type Deployment } from "../sdk/paid-http/support/fixture";
import { startUpstream, type Upstream } from "./support";

describe("z402 gateway (CLI)", function () {
  let chain: LocalChain;
  let up: Upstream;
  let d: Deployment;
  let dir: string;
  let deploymentFile: string;
  const key = devAccounts(7)[6];

  before(async function () {
    d = await deploy();
    chain = await startLocalChain(hre, { port: 0 });
    up = await startUpstream();
    dir = mkdtempSync(path.join(os.tmpdir(), "z402-gateway-cli-"));
    deploymentFile = path.join(dir, "31337.json");
    const contracts = { escrow: { address: d.escrow }, depositCollector: { address: d.collector }, usdc: { address: d.tokenAddress } }; // prettier-ignore
    writeFileSync(deploymentFile, JSON.stringify({ chainId: 31337, contracts }));
  });
  after(async function () {
    await up?.close();
    await chain?.close();
  });

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const globals = () => ["--rpc", chain.url, "--deployment", deploymentFile, "--key", key.privateKey];

  it("starts from a YAML file and serves paid and free routes in front of the upstream", async function () {
    const file = write(
      "gateway.yaml",
      [
        `upstream: ${up.url}`,
        "network: local",
        `receiver: "${d.receiver}"`,
        "withdrawDelay: 900",
        "listen: { port: 0 }",
        "store: vouchers.sqlite",
        "routes:",
        "  - path: /paid/*",
        "    price: 1000",
      ].join("\n"),
    );
    const svc = await z402Service(["gateway", "--config", file, ...globals()]);
    try {
      const url = svc.banner.url as string;
      expect(svc.banner.store).to.equal(`sqlite ${path.join(dir, "vouchers.sqlite")}`);
      const free = await fetch(`${url}/free/x`);
      expect(free.status).to.equal(200);
      expect(((await free.json()) as { url: string }).url).to.equal("/free/x");
      expect((await fetch(`${url}/paid/hello`)).status).to.equal(402);
      const paid = await payingFetch(d)(`${url}/paid/hello`);
      expect(paid.status).to.equal(200);
      expect(await paid.text()).to.equal("hello from upstream");
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).to.match(/z402_charged_total\{route="\/paid\/\*"\} 1000/);
      expect((await fetch(`${url}/readyz`)).status).to.equal(200);
    } finally {
      expect(await svc.stop()).to.equal(0);
    }
  });

  it("stops gracefully on SIGTERM and exits 0", async function () {
    const file = write("term.yaml", `upstream: ${up.url}\nlisten: { port: 0 }\nstore: term.sqlite\nroutes: [{ path: /paid/*, price: 1 }]\n`); // prettier-ignore
    const child = spawn(process.execPath, [cliBundle(), "gateway", "--config", file, "--json", ...globals()]);
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.once("data", () => child.kill("SIGTERM")); // the banner: it is serving
      child.once("exit", (c) => resolve(c));
    });
    expect(code).to.equal(0);
  });

  it("checks a config with --check and exits 0", async function () {
    const file = write("ok.json", JSON.stringify({ upstream: up.url, routes: [{ path: "/a", price: 1 }] }));
    const r = await z402(["gateway", "--config", file, "--check"]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/ok\.json is valid \(1 route\(s\)\)/);
  });

  it("shows route prices in token units", async function () {
    const file = write(
      "units.json",
      JSON.stringify({ upstream: up.url, routes: [{ path: "/a", price: 1000 }] }),
    );
    const r = await z402(["--json", "gateway", "--config", file, "--check"]);
    expect(JSON.parse(r.stdout).routes[0].price).to.equal("0.001 USDC per request");
  });

  it("prints one sentence per config problem, with its path, and exits 1", async function () {
    const file = write(
      "bad.yaml",
      ["store: mysql://db", "routes:", "  - path: /a", "    price: 1", "  - path: /b", "    price: -5"].join(
        "\n",
      ),
    );
    const r = await z402(["gateway", "--config", file, ...globals()]);
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split("\n")).to.deep.equal([
      "z402: In bad.yaml, upstream: required.",
      'z402: In bad.yaml, store: unknown store "mysql": use a SQLite file path, a redis:// URL or a postgres:// URL.',
      "z402: In bad.yaml, routes[1].price: expected a positive integer.",
    ]);
  });

  it("says so in one sentence when the Postgres store cannot be opened", async function () {
    const file = write(
      "pg.yaml",
      [`upstream: ${up.url}`, "listen: { port: 0 }", "store: postgres://z402@127.0.0.1:1/z402", "routes:", "  - { path: /a, price: 1 }"].join("\n"), // prettier-ignore
    );
    const r = await z402(["gateway", "--config", file, ...globals()]);
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stderr).to.match(
      /^z402: Cannot open the postgres store postgres:\/\/\*\*\*@127\.0\.0\.1:1\/z402: .*ECONNREFUSED/,
    );
  });
});
