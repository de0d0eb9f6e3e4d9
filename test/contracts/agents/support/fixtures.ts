import { ethers } from "hardhat";
import type { Signer } from "ethers";
import type { AgentAccount, AgentFactory } from "../../../../typechain-types";

export const SALT = ethers.id("salt-1");
export const CARD = ethers.id("registration file");
/** A 100-byte agent URI, the size the gas goal is stated for. */
export const URI_100 = "ipfs://" + "b".repeat(93);

/** Identity registry plus a factory it trusts. */
export async function deployAgents() {
  const [deployer, owner, operator, other, stranger, recipient] = await ethers.getSigners();
  const identity = await ethers.deployContract("IdentityRegistry");
  const factory = await ethers.deployContract("AgentFactory", [await identity.getAddress()]);
  await identity.setFactory(await factory.getAddress());
  return { identity, factory, deployer, owner, operator, other, stranger, recipient };
}

/** Creates an agent for `who` and returns its id and account contract. */
export async function createAgent(
  factory: AgentFactory,
  who: Signer,
  salt = SALT,
  uri = URI_100,
): Promise<{ agentId: bigint; account: AgentAccount }> {
  const [agentId, address] = await factory.connect(who).createAgent.staticCall(salt, uri, CARD, []);
  await factory.connect(who).createAgent(salt, uri, CARD, []);
  return { agentId, account: await ethers.getContractAt("AgentAccount", address) };
}

/** One agent owned by `owner`, with `operator` approved for all of owner's agents. */
export async function deployWithAgent() {
  const f = await deployAgents();
  const { agentId, account } = await createAgent(f.factory, f.owner);
  await f.identity.connect(f.owner).setApprovalForAll(f.operator.address, true);
  return { ...f, agentId, account };
}
