import { ethers } from "hardhat";
import type { Signer } from "ethers";
import type { IdentityRegistry } from "../../../../typechain-types";

/** Registries wired together, plus named actors. */
export async function deployRegistries() {
  const [deployer, owner, operator, approved, client, client2, wallet, validator, stranger] =
    await ethers.getSigners();
  const identity = await ethers.deployContract("IdentityRegistry");
  const reputation = await ethers.deployContract("ReputationRegistry", [await identity.getAddress()]);
  const validation = await ethers.deployContract("ValidationRegistry", [await identity.getAddress()]);
  return {
    identity,
    reputation,
    validation,
    deployer,
    owner,
    operator,
    approved,
    client,
    client2,
    wallet,
    validator,
    stranger,
  };
}

/** Registers an agent for `who` with `uri` and returns its id. */
export async function registerAgent(
  identity: IdentityRegistry,
  who: Signer,
  uri = "ipfs://agent",
): Promise<bigint> {
  const id = (await identity.totalAgents()) + 1n;
  await identity.connect(who)["register(string)"](uri);
  return id;
}

/** Registries plus agent 1 owned by `owner`, with an operator (approved for all) and an approved address. */
export async function deployWithAgent() {
  const f = await deployRegistries();
  const agentId = await registerAgent(f.identity, f.owner);
  await f.identity.connect(f.owner).setApprovalForAll(f.operator.address, true);
  await f.identity.connect(f.owner).approve(f.approved.address, agentId);
  return { ...f, agentId };
}

export const AGENT_WALLET_TYPES = {
  AgentWalletSet: [
    { name: "agentId", type: "uint256" },
    { name: "newWallet", type: "address" },
    { name: "owner", type: "address" },
    { name: "deadline", type: "uint256" },
  ],
};

export interface WalletProof {
  agentId: bigint;
  newWallet: string;
  owner: string;
  deadline: bigint;
}

/** Signs an `AgentWalletSet` proof with `signer` under the registry's domain (overridable for replay tests). */
export async function signWalletProof(
  identity: IdentityRegistry,
  signer: Signer,
  proof: WalletProof,
  domainOverride: Partial<{ chainId: bigint; verifyingContract: string; name: string }> = {},
): Promise<string> {
  const d = await identity.eip712Domain();
  const domain = {
    name: d.name,
    version: d.version,
    chainId: d.chainId,
    verifyingContract: d.verifyingContract,
    ...domainOverride,
  };
  return signer.signTypedData(domain, AGENT_WALLET_TYPES, proof);
}
