/**
 * Agents on the page: discovered through the SDK's indexer (registry and factory logs, registration files
 * checked against each AgentAccount's cardHash), with the payment-weighted reputation; and created through
 * the factory from one card description.
 */
import { Contract, hexlify, randomBytes, type Provider, type Signer } from "ethers";
import { AgentCardBuilder } from "z402/agents";
import {
  DiscoveryIndexer,
  MemoryDiscoveryStore,
  paidReputation,
  providerLogSource,
  queryAgents,
  type AgentMatch,
} from "z402/discovery";
import type { DappConfig } from "./config";

const FACTORY_ABI = [
  "function createAgent(bytes32 salt, string agentURI, bytes32 cardHash, (string metadataKey, bytes metadataValue)[] metadata) returns (uint256 agentId, address account)",
  "function agentCount() view returns (uint256)",
  "function predictAgentAccount(address owner, bytes32 salt) view returns (address)",
];

export interface AgentRow {
  id: bigint;
  name: string;
  skills: string[];
  price?: bigint;
  paidClients: number;
  score?: number;
  account?: string;
}

export class AgentDirectory {
  private readonly store = new MemoryDiscoveryStore();
  private readonly indexer: DiscoveryIndexer;
  private readonly factory: Contract;

  constructor(
    private readonly config: DappConfig,
    provider: Provider,
    private readonly signer: Signer,
  ) {
    this.indexer = new DiscoveryIndexer({
      source: providerLogSource(provider),
      store: this.store,
      provider,
      contracts: {
        identity: config.contracts.identityRegistry,
        factory: config.contracts.agentFactory,
        reputation: config.contracts.reputationRegistry,
        escrow: config.contracts.escrow,
      },
    });
    this.factory = new Contract(config.contracts.agentFactory, FACTORY_ABI, signer);
  }

  /** Agents created through the factory, as the chain counts them. */
  async count(): Promise<bigint> {
    return (await this.factory.agentCount()) as bigint;
  }

  /** Catches the index up with the chain and returns every known agent with its paid reputation. */
  async list(): Promise<AgentRow[]> {
    await this.indexer.sync();
    const matches: AgentMatch[] = await queryAgents(this.store, {});
    return Promise.all(matches.map((m) => this.row(m)));
  }

  private async row(m: AgentMatch): Promise<AgentRow> {
    const rep = await paidReputation(this.store, m.agent.agentId);
    const skills = (m.agent.file?.services ?? []).flatMap((s) =>
      Array.isArray(s.skills)
        ? (s.skills as { name?: string; id?: string }[]).map((k) => k.name ?? k.id ?? "")
        : [],
    );
    return {
      id: m.agent.agentId,
      name: m.agent.file?.name ?? "(no registration file)",
      skills,
      price: m.cheapest ? BigInt(m.cheapest.amount) : undefined,
      paidClients: rep.paidClients,
      score: rep.score,
      account: m.agent.account,
    };
  }

  /**
   * Creates an agent through the factory: its account address is predicted first, so the card can name it as
   * the payee, and the registration file (as a data URI) and its hash go on chain in the same transaction.
   */
  async create(input: { name: string; skill: string; price: bigint }): Promise<void> {
    const salt = hexlify(randomBytes(32));
    const account = (await this.factory.predictAgentAccount(await this.signer.getAddress(), salt)) as string;
    const card = new AgentCardBuilder({
      name: input.name,
      description: `${input.name}, created in the z402 dApp`,
      version: "1.0.0",
    })
      // An agent made in the page has no server of its own yet: its A2A endpoint is a placeholder on this site.
      .addInterface(new URL(`agents/${encodeURIComponent(input.name)}`, location.href).href)
      .addSkill({
        id: input.skill,
        name: input.skill,
        description: `${input.skill} on request`,
        tags: [input.skill],
      })
      .withX402([
        {
          scheme: "batch-settlement",
          network: `eip155:${this.config.chainId}`,
          asset: this.config.contracts.usdc as `0x${string}`,
          payTo: account as `0x${string}`,
          amount: input.price.toString(),
        },
      ]);
    const tx = await this.factory.createAgent(salt, card.toDataURI(), card.hash(), []);
    await tx.wait();
  }
}
