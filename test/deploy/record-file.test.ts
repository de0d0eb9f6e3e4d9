import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DeploymentRecord } from "../../scripts/deploy/types";
import { loadDeployment } from "../../sdk/cli/deployment";
import { ConfigError } from "../../sdk/errors/classes";
import { parseDeployments } from "../../sdk/networks/deployments";
import { loadDeployments, writeDeployments } from "../../sdk/networks/deployments-node";

const HASH_A = "0x" + "aa".repeat(32);
const GENESIS = "0x" + "01".repeat(32);
const OTHER_GENESIS = "0x" + "02".repeat(32);
const ESCROW = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const NEW_ESCROW = "0x" + "12".repeat(20);
const USDC = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

/** What `npm run deploy` writes (one contract is enough here). */
const deployRecord = (commit: string, escrow = ESCROW, genesisHash = GENESIS): DeploymentRecord => ({
  schema: 1,
  chainId: 31337,
  network: "eip155:31337",
  genesisHash,
  deploymentId: "chain-31337",
  module: "System",
  startBlock: 7,
  deployedAt: "2026-01-01T00:00:00.000Z",
  git: { commit, dirty: false },
  compiler: { solc: "0.8.28", optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", viaIR: false },
  contracts: {
    escrow: {
      contractName: "Z402Escrow",
      sourceName: "x.sol",
      address: escrow,
      futureId: "E#escrow",
      transactionHash: HASH_A,
      blockNumber: 7,
    },
  },
  calls: [],
});

/** What `z402 node` writes: the deploy record plus its local USDC. */
const nodeRecord = (genesisHash = GENESIS) => {
  const record = deployRecord("1111", ESCROW, genesisHash);
  return {
    ...record,
    contracts: { ...record.contracts, usdc: { contractName: "MockEIP3009Token", address: USDC } },
  };
};

const scratch = () => mkdtempSync(path.join(os.tmpdir(), "z402-out-"));
const read = (file: string) =>
  JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown> & DeploymentRecord;
const codeless = { getCode: async () => "0x" };
const withCode = { getCode: async () => "0x6080" };

describe("deployments/<chainId>.json: one format, merged on write", function () {
  it("keeps the first run's git state when nothing new was deployed", async function () {
    const dir = scratch();
    await writeDeployments(dir, deployRecord("1111"));
    const { file } = await writeDeployments(dir, deployRecord("2222"));
    expect(read(file).git.commit).to.equal("1111");
  });

  it("takes the new git state when the contracts changed", async function () {
    const dir = scratch();
    await writeDeployments(dir, deployRecord("1111"));
    const { file } = await writeDeployments(dir, deployRecord("2222", NEW_ESCROW));
    expect(read(file).git.commit).to.equal("2222");
  });

  it("rewrites the same bytes when the same record is written again", async function () {
    const dir = scratch();
    const { file } = await writeDeployments(dir, nodeRecord());
    const before = readFileSync(file, "utf8");
    await writeDeployments(dir, deployRecord("1111"));
    expect(readFileSync(file, "utf8")).to.equal(before);
  });

  it("keeps z402 node's usdc when the deploy script writes after it", async function () {
    const dir = scratch();
    await writeDeployments(dir, nodeRecord());
    const { file } = await writeDeployments(dir, deployRecord("2222", NEW_ESCROW));
    expect([read(file).contracts.escrow.address, read(file).contracts.usdc.address]).to.deep.equal([
      NEW_ESCROW,
      USDC,
    ]);
  });

  it("keeps top-level fields the writer does not know", async function () {
    const dir = scratch();
    writeFileSync(path.join(dir, "31337.json"), JSON.stringify({ ...nodeRecord(), rpcUrl: "http://x" }));
    const { file } = await writeDeployments(dir, deployRecord("2222"));
    expect(read(file).rpcUrl).to.equal("http://x");
  });

  it("refuses, and leaves alone, a record of another instance of the chain", async function () {
    const dir = scratch();
    const { file } = await writeDeployments(dir, nodeRecord(OTHER_GENESIS));
    const before = readFileSync(file, "utf8");
    const err = await writeDeployments(dir, deployRecord("2222")).catch((e: unknown) => e);
    expect(err)
      .to.be.instanceOf(ConfigError)
      .with.property("shortMessage")
      .match(/another instance of chain/);
    expect(readFileSync(file, "utf8")).to.equal(before);
  });

  it("replaces a record of another instance of the chain when told to", async function () {
    const dir = scratch();
    await writeDeployments(dir, nodeRecord(OTHER_GENESIS));
    const out = await writeDeployments(dir, deployRecord("2222"), { otherInstance: "replace" });
    expect([out.replaced, Object.keys(read(out.file).contracts)]).to.deep.equal([true, ["escrow"]]);
  });

  it("tells a record without a genesis hash whose contracts have no code for another instance", async function () {
    const dir = scratch();
    writeFileSync(
      path.join(dir, "31337.json"),
      JSON.stringify({ chainId: 31337, contracts: { usdc: USDC } }),
    );
    const err = await writeDeployments(dir, deployRecord("2222"), { chain: codeless }).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(ConfigError);
  });

  it("merges into a record without a genesis hash whose contracts have code", async function () {
    const dir = scratch();
    writeFileSync(
      path.join(dir, "31337.json"),
      JSON.stringify({ chainId: 31337, contracts: { usdc: USDC } }),
    );
    const { file } = await writeDeployments(dir, deployRecord("2222"), { chain: withCode });
    expect(Object.keys(read(file).contracts)).to.deep.equal(["usdc", "escrow"]);
  });

  it("writes a bare-address contract of the previous record as an object", async function () {
    const dir = scratch();
    writeFileSync(
      path.join(dir, "31337.json"),
      JSON.stringify({ chainId: 31337, contracts: { usdc: USDC } }),
    );
    const { file } = await writeDeployments(dir, deployRecord("2222"), { chain: withCode });
    expect(read(file).contracts.usdc).to.deep.equal({ address: USDC });
  });

  it("never overwrites a file that is not a record of the chain", async function () {
    const dir = scratch();
    writeFileSync(path.join(dir, "31337.json"), "{ not json");
    const err = await writeDeployments(dir, deployRecord("2222")).catch((e: unknown) => e);
    expect([err instanceof ConfigError, readFileSync(path.join(dir, "31337.json"), "utf8")]).to.deep.equal([
      true,
      "{ not json",
    ]);
  });

  it("leaves no temporary file behind", async function () {
    const dir = scratch();
    await writeDeployments(dir, deployRecord("1111"));
    expect(existsSync(path.join(dir, `31337.json.${process.pid}.tmp`))).to.equal(false);
  });
});

describe("deployments/<chainId>.json: both shapes read", function () {
  it("reads contracts recorded as objects (the deploy script's shape)", function () {
    expect(parseDeployments(nodeRecord(), 31337).contracts.usdc.address).to.equal(USDC);
  });

  it("reads contracts recorded as bare addresses (early z402 node files)", function () {
    const legacy = { chainId: 31337, rpcUrl: "http://127.0.0.1:8545", contracts: { escrow: ESCROW } };
    expect(parseDeployments(legacy, 31337).contracts.escrow).to.deep.equal({ address: ESCROW });
  });

  it("gives the SDK loader the contracts of a bare-address record", async function () {
    const dir = scratch();
    writeFileSync(
      path.join(dir, "31337.json"),
      JSON.stringify({ chainId: 31337, contracts: { escrow: ESCROW } }),
    );
    expect((await loadDeployments(31337, dir)).contracts.escrow.address).to.equal(ESCROW);
  });

  it("gives the CLI the token of z402 node's record merged with a later deploy", async function () {
    const dir = scratch();
    await writeDeployments(dir, nodeRecord());
    const { file } = await writeDeployments(dir, deployRecord("2222", NEW_ESCROW));
    const deployment = loadDeployment(31337, file);
    expect([deployment.escrow, deployment.token]).to.deep.equal([NEW_ESCROW, USDC]);
  });

  it("gives the CLI the token of a bare-address record", function () {
    const file = path.join(scratch(), "31337.json");
    writeFileSync(file, JSON.stringify({ chainId: 31337, contracts: { escrow: ESCROW, usdc: USDC } }));
    expect(loadDeployment(31337, file).token).to.equal(USDC);
  });
});
