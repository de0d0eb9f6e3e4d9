import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import SystemModule from "../../ignition/modules/System";
import { deploySystem } from "../../scripts/deploy/deploy-system";
import { DeployError } from "../../scripts/deploy/errors";
import { checkJournal, foreignJournalReason } from "../../scripts/deploy/instance";
import { resolveOptions, type DeployOptions } from "../../scripts/deploy/options";

const HASH = "0x" + "ab".repeat(32);

function scratchOptions(): DeployOptions {
  return {
    ...resolveOptions(hre, 31337, {}),
    deploymentDir: mkdtempSync(path.join(os.tmpdir(), "z402-ignition-")),
    outDir: mkdtempSync(path.join(os.tmpdir(), "z402-deployments-")),
  };
}

/** A journal of one completed deployment of `address` in `block`, sent as `hash`. */
function journalOf(address: string, block: number, hash = HASH): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "z402-journal-"));
  const lines = [
    { type: "TRANSACTION_SEND", futureId: "M#a", transaction: { hash } },
    {
      type: "TRANSACTION_CONFIRM",
      futureId: "M#a",
      hash,
      receipt: { blockNumber: block, status: "SUCCESS" },
    },
    { type: "DEPLOYMENT_EXECUTION_STATE_COMPLETE", futureId: "M#a", result: { type: "SUCCESS", address } },
  ];
  writeFileSync(path.join(dir, "journal.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return dir;
}

/**
 * A node restarted: the System deployed with `options`, then the chain taken back to before it (as a new node run
 * would be), so the journal and the record describe contracts that are not there.
 */
async function restartedChain(options: DeployOptions) {
  const snapshot = (await hre.network.provider.request({ method: "evm_snapshot" })) as string;
  const first = await deploySystem(hre, options, SystemModule, false, () => {});
  await hre.network.provider.request({ method: "evm_revert", params: [snapshot] });
  return first;
}

describe("scripts/deploy: a journal or record left by another instance of the chain", function () {
  it("finds a journal whose blocks the chain has not reached", async function () {
    const head = await hre.ethers.provider.getBlockNumber();
    const dir = journalOf(hre.ethers.Wallet.createRandom().address, head + 1000);
    expect(await foreignJournalReason(hre.ethers.provider, dir)).to.match(/block \d+, the chain is at block/);
  });

  it("finds a journal whose contracts have no code", async function () {
    const dir = journalOf(hre.ethers.Wallet.createRandom().address, 0);
    expect(await foreignJournalReason(hre.ethers.provider, dir)).to.match(/has no code on the chain/);
  });

  it("finds a journal whose contracts have code but whose transaction is not on the chain", async function () {
    const token = await hre.ethers.deployContract("MockEIP3009Token");
    const dir = journalOf(await token.getAddress(), 0);
    expect(await foreignJournalReason(hre.ethers.provider, dir)).to.match(
      /transaction 0xabab\w+ is not on the chain/,
    );
  });

  it("accepts the journal of a deployment on this chain", async function () {
    const options = scratchOptions();
    await deploySystem(hre, options, SystemModule, false, () => {});
    expect(await foreignJournalReason(hre.ethers.provider, options.deploymentDir)).to.equal(undefined);
  });

  it("accepts a folder without a journal", async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), "z402-ignition-"));
    expect(await foreignJournalReason(hre.ethers.provider, dir)).to.equal(undefined);
  });

  it("refuses another chain instance's journal on a public chain in one sentence naming Z402_IGNITION_DIR", async function () {
    const dir = journalOf(hre.ethers.Wallet.createRandom().address, 0);
    const err = await checkJournal(hre.ethers.provider, 84532, dir).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(DeployError);
    expect((err as DeployError).shortMessage).to.match(/^The Ignition journal .* Z402_IGNITION_DIR .*\.$/);
  });

  it("leaves another chain instance's journal in place on a public chain", async function () {
    const dir = journalOf(hre.ethers.Wallet.createRandom().address, 0);
    await checkJournal(hre.ethers.provider, 84532, dir).catch(() => undefined);
    expect(existsSync(path.join(dir, "journal.jsonl"))).to.equal(true);
  });

  it("deploys afresh on the local chain after a restart, where Ignition alone would deploy nothing", async function () {
    const options = scratchOptions();
    await restartedChain(options);
    const { record } = await deploySystem(hre, options, SystemModule, false, () => {});
    expect(await hre.ethers.provider.getCode(record.contracts.escrow.address)).to.not.equal("0x");
  });

  it("says in one line that it removed the local chain's stale journal", async function () {
    const options = scratchOptions();
    await restartedChain(options);
    const lines: string[] = [];
    await deploySystem(hre, options, SystemModule, false, (line) => lines.push(line));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(
      /^The Ignition journal .* earlier run of the local chain .*removed it and deploying afresh\.$/,
    );
  });

  it("replaces the local chain's record of an earlier run, saying so in one line", async function () {
    const options = scratchOptions();
    const file = path.join(options.outDir, "31337.json");
    const stale = {
      chainId: 31337,
      genesisHash: HASH,
      contracts: { usdc: { address: hre.ethers.ZeroAddress } },
    };
    writeFileSync(file, JSON.stringify(stale));
    const lines: string[] = [];
    await deploySystem(hre, options, SystemModule, false, (line) => lines.push(line));
    const written = JSON.parse(readFileSync(file, "utf8")) as { contracts: object };
    expect([lines.length, /earlier run of the local chain; replaced it/.test(lines[0])]).to.deep.equal([
      1,
      true,
    ]);
    expect(written.contracts).to.not.have.property("usdc");
  });
});
