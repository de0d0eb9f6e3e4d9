// Gas of the ERC-8004 registries: one fresh deployment, every state-changing call measured once in a realistic
// order (so "first" and "later" writes are told apart). The reference column is the ERC-8004 reference
// implementation measured in Foundry (execution gas, behind proxies, ±15%; shared/reference §1.6).
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { measure, type GasFigures } from "../measure";
import { table, type GasSection } from "../section";

const IPFS_66 = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi/0000";

export default async function identitySection(hre: HardhatRuntimeEnvironment): Promise<GasSection> {
  const { ethers } = hre;
  const [, owner, client, client2, wallet, validator, responder] = await ethers.getSigners();
  const identity = await ethers.deployContract("IdentityRegistry");
  const reputation = await ethers.deployContract("ReputationRegistry", [await identity.getAddress()]);
  const validation = await ethers.deployContract("ValidationRegistry", [await identity.getAddress()]);
  const rows: [string, GasFigures, string][] = [];
  const add = async (name: string, tx: Promise<import("ethers").ContractTransactionResponse>, ref = "") =>
    rows.push([name, await measure(tx), ref]);

  await add("`register()` (first agent ever)", identity.connect(owner)["register()"](), "108k");
  await add(
    "`register(uri)` (66-char ipfs URI)",
    identity.connect(owner)["register(string)"](IPFS_66),
    "148k",
  );
  await add(
    "`register(uri, metadata)` (66-char URI, 1 entry of 32 bytes)",
    identity
      .connect(owner)
      ["register(string,(string,bytes)[])"](IPFS_66, [
        { metadataKey: "skills", metadataValue: ethers.id("x") },
      ]),
    "177k",
  );
  const agentId = 2n;
  await add(
    "`setAgentURI` (same length)",
    identity.connect(owner).setAgentURI(agentId, IPFS_66.replace("0000", "0001")),
    "8k",
  );
  await add(
    "`setMetadata` (new key, 32 bytes)",
    identity.connect(owner).setMetadata(agentId, "price", ethers.id("p")),
    "29k",
  );
  const block = await ethers.provider.getBlock("latest");
  const deadline = BigInt(block!.timestamp) + 120n;
  const d = await identity.eip712Domain();
  const sig = await wallet.signTypedData(
    { name: d.name, version: d.version, chainId: d.chainId, verifyingContract: d.verifyingContract },
    {
      AgentWalletSet: [
        { name: "agentId", type: "uint256" },
        { name: "newWallet", type: "address" },
        { name: "owner", type: "address" },
        { name: "deadline", type: "uint256" },
      ],
    },
    { agentId, newWallet: wallet.address, owner: owner.address, deadline },
  );
  await add(
    "`setAgentWallet` (EOA signature)",
    identity.connect(owner).setAgentWallet(agentId, wallet.address, deadline, sig),
  );

  const hash = ethers.id("feedback");
  const feedback = (who: typeof client, value: bigint) =>
    reputation
      .connect(who)
      .giveFeedback(agentId, value, 0, "starred", "", "https://agent.example/a2a", "ipfs://f", hash);
  await add("`giveFeedback`, new client (first for the agent)", feedback(client, 87n), "165k");
  await add("`giveFeedback`, new client (later)", feedback(client2, 90n), "130k");
  await add("`giveFeedback`, repeat client", feedback(client, 95n), "81k");
  await add("`revokeFeedback`", reputation.connect(client).revokeFeedback(agentId, 2n), "4k");
  await add(
    "`appendResponse` (first responder)",
    reputation.connect(owner).appendResponse(agentId, client.address, 1n, "ipfs://r", hash),
    "97k",
  );
  await add(
    "`appendResponse` (same responder, other feedback)",
    reputation.connect(owner).appendResponse(agentId, client2.address, 1n, "ipfs://r", hash),
  );
  await add(
    "`appendResponse` (new responder)",
    reputation.connect(responder).appendResponse(agentId, client.address, 1n, "ipfs://r", hash),
  );
  const req = ethers.id("request");
  await add(
    "`validationRequest`",
    validation.connect(owner).validationRequest(validator.address, agentId, "ipfs://req", req),
    "184k",
  );
  await add(
    "`validationResponse` (first)",
    validation.connect(validator).validationResponse(req, 90, "ipfs://resp", hash, "soft"),
    "68k",
  );
  await add(
    "`validationResponse` (repeat, new tag)",
    validation.connect(validator).validationResponse(req, 100, "ipfs://resp", hash, "hard"),
  );

  const markdown = [
    table(
      ["call", "total", "execution", "ERC-8004 reference (execution)"],
      rows.map(([name, g, ref]) => [name, g.total, g.execution, ref || "-"]),
    ),
    "",
    "Notes: a registration does not write `agentWallet` (it defaults to the minter until the first transfer,",
    "which writes an explicit zero), so it costs one storage slot less than the reference. Response counters",
    "replace the reference's responder lists, so `getResponseCount` never loops; the first response by a new",
    "responder writes three counters.",
    "",
  ].join("\n");
  return { order: 20, title: "ERC-8004 registries", markdown };
}
