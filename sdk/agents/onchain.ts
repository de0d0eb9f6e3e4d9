import { Contract, ZeroAddress, hexlify, randomBytes, type ContractRunner, type Signer } from "ethers";
import type { AgentCardBuilder } from "./card-builder";
import { AgentError } from "./errors";
import { ACCOUNT_ABI, FACTORY_ABI, IDENTITY_ABI } from "./onchain-abi";
import { agentWalletTypedData } from "./registry-id";
import type { Address, Hex } from "./types";

export interface AgentContracts {
  identity: string;
  factory: string;
}

/** An agent as the chain knows it. */
export interface OnchainAgent {
  agentId: bigint;
  owner: string;
  uri: string;
  /** The AgentAccount (zero address when the agent was registered without the factory). */
  account: string;
  cardHash?: Hex;
  wallet: string;
  lastHeartbeat?: bigint;
}

export interface CreateAgentOptions {
  /** CREATE2 salt (bound to the caller by the factory); random by default. */
  salt?: Hex;
  metadata?: { key: string; value: Hex }[];
  /** Host the file yourself: its URI (the file must be the builder's canonical JSON). Default: a data: URI. */
  uri?: string;
}

/**
 * On-chain agent operations over the identity registry and the agent factory. With a Signer as runner it
 * writes; with a Provider it only reads.
 */
export class AgentsOnchain {
  readonly identity: Contract;
  readonly factory: Contract;

  constructor(
    readonly runner: ContractRunner,
    readonly contracts: AgentContracts,
  ) {
    this.identity = new Contract(contracts.identity, [...IDENTITY_ABI], runner);
    this.factory = new Contract(contracts.factory, [...FACTORY_ABI], runner);
  }

  private signer(): Signer {
    const s = this.runner as Signer;
    if (typeof s.getAddress !== "function")
      throw new AgentError("agent_not_found", "a Signer is needed to write");
    return s;
  }

  private account(address: string): Contract {
    return new Contract(address, [...ACCOUNT_ABI], this.runner);
  }

  /** Where `owner`'s AgentAccount for `salt` will be (usable as the card's payTo before creation). */
  predictAccount(owner: string, salt: Hex): Promise<string> {
    return this.factory.predictAgentAccount(owner, salt);
  }

  /**
   * Creates the agent through the factory in one transaction: the registration file names the agent id
   * predicted from `totalAgents()`; if another registration took that id first, the card and hash are
   * rewritten with the real id (two more transactions).
   */
  async createAgent(builder: AgentCardBuilder, o: CreateAgentOptions = {}) {
    const signer = this.signer();
    const owner = await signer.getAddress();
    const salt = o.salt ?? (hexlify(randomBytes(32)) as Hex);
    const predicted = await this.predictAccount(owner, salt);
    const { chainId } = await signer.provider!.getNetwork();
    const guess = (await this.identity.totalAgents()) + 1n;
    const at = (agentId: bigint) =>
      builder.withRegistration({ chainId, identityRegistry: this.contracts.identity as Address, agentId });
    at(guess);
    const tx = await this.factory.createAgent(
      salt,
      o.uri ?? builder.toDataURI(),
      builder.hash(),
      (o.metadata ?? []).map((m) => [m.key, m.value]),
    );
    const receipt = await tx.wait();
    const event = receipt.logs
      .map((l: { topics: string[]; data: string }) => this.factory.interface.parseLog(l))
      .find((e: { name: string } | null) => e?.name === "AgentCreated");
    const agentId: bigint = event.args.agentId;
    const account: string = event.args.account;
    if (account.toLowerCase() !== predicted.toLowerCase())
      throw new AgentError("agent_not_found", `account ${account} differs from the prediction ${predicted}`);
    if (agentId !== guess) await this.updateCard(agentId, at(agentId), o.uri ? { uri: o.uri } : {});
    return {
      agentId,
      account,
      salt,
      cardHash: builder.hash(),
      uri: o.uri ?? builder.toDataURI(),
      txHash: tx.hash as string,
    };
  }

  /**
   * Publishes a new card: first the AgentAccount's cardHash, then the agent URI, so an indexer reacting to
   * URIUpdated always reads the new hash.
   */
  async updateCard(agentId: bigint, builder: AgentCardBuilder, o: { uri?: string } = {}) {
    const account = await this.factory.agentAccountOf(agentId);
    if (account === ZeroAddress)
      throw new AgentError("agent_not_found", `agent ${agentId} has no AgentAccount`);
    await (await this.account(account).setCardHash(builder.hash())).wait();
    await (await this.identity.setAgentURI(agentId, o.uri ?? builder.toDataURI())).wait();
    return { cardHash: builder.hash() };
  }

  /**
   * Sets the agent's verified payment wallet. `walletSigner` signs for `wallet` (its own key, or the owner's
   * key when `wallet` is the agent's AgentAccount, which accepts its owner's signature through ERC-1271).
   * The EIP-712 domain is read from the registry (EIP-5267). Checks the result after the transaction.
   */
  async setAgentWallet(
    agentId: bigint,
    wallet: string,
    walletSigner: Signer,
    o: { deadlineSeconds?: number } = {},
  ) {
    const domain = await this.identity.eip712Domain();
    const block = await this.signer().provider!.getBlock("latest");
    const deadline = BigInt(block!.timestamp + (o.deadlineSeconds ?? 240));
    const owner = await this.identity.ownerOf(agentId);
    const td = agentWalletTypedData({
      chainId: Number(domain.chainId),
      registry: domain.verifyingContract,
      agentId,
      newWallet: wallet as Address,
      owner,
      deadline,
      domainName: domain.name,
      domainVersion: domain.version,
    });
    const signature = await walletSigner.signTypedData(td.domain, td.types, td.message);
    await (await this.identity.setAgentWallet(agentId, wallet, deadline, signature)).wait();
    const set: string = await this.identity.getAgentWallet(agentId);
    if (set.toLowerCase() !== wallet.toLowerCase())
      throw new AgentError("agent_wallet_signature", `agentWallet is ${set}, not ${wallet}`);
  }

  /** Records liveness on the AgentAccount. */
  async heartbeat(agentId: bigint): Promise<void> {
    const account = await this.factory.agentAccountOf(agentId);
    if (account === ZeroAddress)
      throw new AgentError("agent_not_found", `agent ${agentId} has no AgentAccount`);
    await (await this.account(account).heartbeat()).wait();
  }

  /** Reads an agent by id. */
  async byId(agentId: bigint): Promise<OnchainAgent> {
    if (!(await this.identity.agentExists(agentId)))
      throw new AgentError("agent_not_found", `no agent ${agentId}`);
    const [owner, uri, wallet, account] = await Promise.all([
      this.identity.ownerOf(agentId),
      this.identity.tokenURI(agentId),
      this.identity.getAgentWallet(agentId),
      this.factory.agentAccountOf(agentId),
    ]);
    const out: OnchainAgent = { agentId, owner, uri, wallet, account };
    if (account !== ZeroAddress) {
      const acct = this.account(account);
      [out.cardHash, out.lastHeartbeat] = await Promise.all([acct.cardHash(), acct.lastHeartbeat()]);
    }
    return out;
  }

  /** Reads the agent whose AgentAccount is `account`. */
  async byAccount(account: string): Promise<OnchainAgent> {
    const agentId: bigint = await this.factory.agentIdOf(account);
    if (agentId === 0n) throw new AgentError("agent_not_found", `${account} is not an AgentAccount`);
    return this.byId(agentId);
  }

  /**
   * Finds the factory agent whose agentWallet is `wallet`, scanning the factory's pages (at most `maxScan`
   * agents; an indexer's `agentByAddress` answers without scanning).
   */
  async byWallet(
    wallet: string,
    o: { maxScan?: number; pageSize?: number } = {},
  ): Promise<OnchainAgent | undefined> {
    const total = Number(await this.factory.agentCount());
    const limit = Math.min(total, o.maxScan ?? 10_000);
    const page = o.pageSize ?? 200;
    for (let offset = 0; offset < limit; offset += page) {
      const [ids] = await this.factory.agentsPage(offset, Math.min(page, limit - offset));
      const wallets: string[] = await Promise.all(ids.map((id: bigint) => this.identity.getAgentWallet(id)));
      const i = wallets.findIndex((w) => w.toLowerCase() === wallet.toLowerCase());
      if (i >= 0) return this.byId(ids[i]);
    }
    return undefined;
  }
}
