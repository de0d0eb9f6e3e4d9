import { expect } from "chai";
import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { startLocalChain, type LocalChain } from "../../sdk/cli/local-chain";
import { devAccounts } from "../../sdk/cli/commands/node";
import {
  deploy,
  freshKey,
  startServer,
  type Deployment,
  type TestServer,
} from "../sdk/paid-http/support/fixture";
import type { Z402ReceiptPayload } from "../../sdk/client";
import { isOneSentence, z402 } from "./support/cli";

/** `z402 pay` keeps the signed receipts it gets; `z402 receipts` lists and verifies them (issue 21). */
describe("z402 CLI: receipts", function () {
  let chain: LocalChain;
  let d: Deployment;
  let server: TestServer;
  let dir: string;
  let deploymentFile: string;
  const signer = freshKey();
  const env = () => ({ XDG_CONFIG_HOME: dir });
  const receiptsFile = () => path.join(dir, "z402", "receipts.jsonl");

  before(async function () {
    chain = await startLocalChain(hre, { port: 0 });
    d = await deploy();
    server = await startServer(d, { receiptSigner: signer });
    dir = mkdtempSync(path.join(os.tmpdir(), "z402-receipts-"));
    deploymentFile = path.join(dir, "31337.json");
    writeFileSync(
      deploymentFile,
      JSON.stringify({
        chainId: 31337,
        contracts: {
          escrow: { address: d.escrow },
          usdc: { address: d.tokenAddress },
          collector: { address: d.collector },
        },
      }),
    );
  });
  after(async function () {
    await server.close();
    await chain.close();
  });

  it("z402 pay keeps the receipt in the config folder (0600) and z402 receipts verifies it", async function () {
    const payer = devAccounts(3)[2];
    expect(payer.address).to.equal(await d.payer.getAddress());
    const paid = await z402(
      [
        "pay",
        `${server.url}/paid/item`,
        "--store",
        path.join(dir, "client.json"),
        "--key",
        payer.privateKey,
        "--rpc",
        chain.url,
        "--deployment",
        deploymentFile,
      ],
      env(),
      60_000,
    );
    expect(paid.code, paid.stderr).to.equal(0);
    const lines = readFileSync(receiptsFile(), "utf8").trim().split("\n");
    expect(lines).to.have.length(1);
    expect(statSync(receiptsFile()).mode & 0o777).to.equal(0o600);

    const listed = await z402(["receipts", "--json"], env());
    expect(listed.code, listed.stderr).to.equal(0);
    const out = JSON.parse(listed.stdout) as {
      receipts: Array<
        { payload: Z402ReceiptPayload & { z402: Record<string, string> } } & Record<string, unknown>
      >;
    };
    expect(out.receipts).to.have.length(1);
    expect(out.receipts[0]).to.include({
      valid: true,
      signer: signer.address,
      url: `${server.url}/paid/item`,
    });
    expect(out.receipts[0].payload).to.include({ payer: payer.address });
    expect(out.receipts[0].payload.z402).to.include({ scheme: "batch-settlement", amount: "1000" });

    const human = await z402(["receipts"], env());
    expect(human.stdout)
      .to.match(/verified/)
      .and.to.match(/yes/);
  });

  it("flags a tampered receipt and exits 1 with one sentence", async function () {
    const [line] = readFileSync(receiptsFile(), "utf8").trim().split("\n");
    const kept = JSON.parse(line);
    const [h, p, s] = String(kept.receipt.signature).split(".");
    const payload = JSON.parse(Buffer.from(p, "base64url").toString());
    payload.z402.amount = "999999999";
    kept.receipt.signature = `${h}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${s}`;
    const file = path.join(dir, "tampered.jsonl");
    writeFileSync(file, line + "\n");
    appendFileSync(file, JSON.stringify(kept) + "\n");
    const r = await z402(["receipts", "--file", file], env());
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/NO \(/);
    expect(r.stderr).to.match(/do not verify: 1 of 2 in /);
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
  });

  it("says so when there are no receipts", async function () {
    const r = await z402(["receipts", "--file", path.join(dir, "none.jsonl")], env());
    expect([r.code, r.stdout.trim()]).to.deep.equal([0, `No receipts in ${path.join(dir, "none.jsonl")}.`]);
  });
});
