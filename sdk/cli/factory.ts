/** Agent creation through the AgentFactory: predict the AgentAccount, then create and register in one transaction. */
import { Contract, type Signer } from "ethers";
import type { AgentCardBuilder } from "../agents";

export const FACTORY_ABI = [
  "function createAgent(bytes32 salt, string agentURI, bytes32 cardHash, (string metadataKey, bytes metadataValue)[] metadata) returns (uint256 agentId, address account)",
  "function predictAgentAccount(address owner, bytes32 salt) view returns (address)",
  "event AgentCreated(uint256 indexed agentId, address indexed account, address indexed owner, bytes32 salt)",
  "error AgentFactoryAccountExists(address account)",
];

export interface CreatedAgent {
  agentId: bigint;
  account: string;
  transaction: string;
}

/** Where `owner`'s AgentAccount for `salt` will be (CREATE2 with the salt bound to the owner). */
export async function predictAgentAccount(factory: string, owner: Signer, salt: string): Promise<string> {
  return (await new Contract(factory, FACTORY_ABI, owner).predictAgentAccount(
    await owner.getAddress(),
    salt,
  )) as string;
}

/** Creates the agent described by `card` (its data URI and its canonical hash), owned by `owner`. */
export async function createAgentWithCard(
  factory: string,
  owner: Signer,
  salt: string,
  card: AgentCardBuilder,
): Promise<CreatedAgent> {
  const contract = new Contract(factory, FACTORY_ABI, owner);
  const tx = await contract.createAgent(salt, card.toDataURI(), card.hash(), []);
  const receipt = await tx.wait();
  for (const log of receipt.logs) {
    const parsed = contract.interface.parseLog(log);
    if (parsed?.name === "AgentCreated") {
      return {
        agentId: parsed.args.agentId as bigint,
        account: parsed.args.account as string,
        transaction: receipt.hash,
      };
    }
  }
  throw new Error("the factory emitted no AgentCreated event");
}
