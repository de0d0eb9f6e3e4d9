import type { Erc8004RegistrationFile } from "../agents/types";

/** Whether an agent's registration file was fetched and matched its `cardHash`. */
export type FileStatus =
  | "pending" // URI or hash changed; not fetched yet
  | "verified" // fetched, hash matches the AgentAccount's cardHash
  | "unverified" // fetched, but the agent has no cardHash to check against
  | "mismatch" // fetched, hash differs: never served by queries
  | "error"; // fetch or parse failed

/** What the indexer knows about one agent. */
export interface AgentRecord {
  agentId: bigint;
  owner: string;
  uri: string;
  /** The AgentAccount clone, when the agent was created through the factory. */
  account?: string;
  /** The verified `agentWallet`, when set. */
  wallet?: string;
  /**
   * Every address that has been this agent's owner or agentWallet since the indexer saw it registered, current
   * ones included (lowercase). Payments from these are self-payments; absent in records written before it existed.
   */
  ownersAndWallets?: string[];
  /** Raw on-chain metadata (hex), by key. */
  metadata: Record<string, string>;
  cardHash?: string;
  file?: Erc8004RegistrationFile;
  status: FileStatus;
  error?: string;
  registeredBlock: number;
  updatedBlock: number;
}

/** A channel opened with the escrow (from `ChannelCreated`). */
export interface ChannelRecord {
  channelId: string;
  payer: string;
  receiver: string;
  token: string;
}

/** One feedback entry (from `NewFeedback`), keyed by (agentId, client, index). */
export interface FeedbackRecord {
  agentId: bigint;
  client: string;
  index: bigint;
  value: bigint;
  decimals: number;
  tag1: string;
  tag2: string;
  revoked: boolean;
}

/** Everything one block range changes; a store applies it atomically together with the new cursor. */
export interface ChangeSet {
  toBlock: number;
  agents: Map<string, AgentPatch>;
  channels: ChannelRecord[];
  /** New claimed totals by channel id (the highest seen in the range; totals only grow). */
  claims: Map<string, bigint>;
  feedback: FeedbackRecord[];
  revocations: { agentId: bigint; client: string; index: bigint }[];
}

/** A partial update of an agent; `created` means the Registered event is in this change set. */
export interface AgentPatch {
  agentId: bigint;
  created?: { owner: string; uri: string; block: number };
  owner?: string;
  uri?: string;
  account?: string;
  wallet?: string | null;
  /** Every owner and agentWallet address the range set, in order (intermediate ones included). */
  seen?: string[];
  metadata?: Record<string, string>;
  block: number;
}

export const emptyChangeSet = (toBlock: number): ChangeSet => ({
  toBlock,
  agents: new Map(),
  channels: [],
  claims: new Map(),
  feedback: [],
  revocations: [],
});
