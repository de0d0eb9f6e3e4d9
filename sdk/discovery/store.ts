import type { AgentRecord, ChangeSet, ChannelRecord, FeedbackRecord, FileStatus } from "./types";
import type { Erc8004RegistrationFile } from "../agents/types";

/**
 * Where the indexer keeps its state. `apply` writes one block range and the cursor atomically, so a crash
 * between two ranges neither loses nor repeats an event.
 */
export interface DiscoveryStore {
  /** The last block fully applied, or undefined before the first run. */
  cursor(): Promise<number | undefined>;
  apply(changes: ChangeSet): Promise<void>;
  /** Records the outcome of fetching an agent's registration file. */
  setFile(
    agentId: bigint,
    result: { status: FileStatus; cardHash?: string; file?: Erc8004RegistrationFile; error?: string },
  ): Promise<void>;
  agent(agentId: bigint): Promise<AgentRecord | undefined>;
  agentByAddress(address: string): Promise<AgentRecord | undefined>;
  agents(): Promise<AgentRecord[]>;
  /** Agents whose file must be (re)fetched. */
  pending(): Promise<AgentRecord[]>;
  /** Total claimed per payer across channels whose receiver is one of `receivers` (lowercase), optionally one token. */
  paidBy(receivers: string[], token?: string): Promise<Map<string, bigint>>;
  /** One escrow channel the indexer follows, with what was claimed on it (for receipt cross-checks). */
  channel?(channelId: string): Promise<(ChannelRecord & { claimed: bigint }) | undefined>;
  /** Feedback for an agent from the given clients (lowercase), revoked entries included with their flag. */
  feedback(agentId: bigint, clients: string[]): Promise<FeedbackRecord[]>;
  close(): Promise<void>;
}

/** Patches an agent record in place (shared by the stores). */
export function patchAgent(
  rec: AgentRecord | undefined,
  p: import("./types").AgentPatch,
): AgentRecord | undefined {
  let r = rec;
  const before = rec ? [rec.owner, ...(rec.wallet ? [rec.wallet] : [])] : [];
  if (p.created) {
    r = {
      agentId: p.agentId,
      owner: p.created.owner,
      uri: p.created.uri,
      metadata: {},
      status: "pending",
      registeredBlock: p.created.block,
      updatedBlock: p.created.block,
      ...(rec?.account ? { account: rec.account } : {}),
    };
  }
  if (!r) return undefined; // an update for an agent registered before the indexer's start block
  if (p.owner !== undefined) r.owner = p.owner;
  if (p.uri !== undefined && p.uri !== r.uri) {
    r.uri = p.uri;
    r.status = "pending";
  }
  if (p.account !== undefined) {
    r.account = p.account;
    r.status = "pending";
  }
  if (p.wallet !== undefined) r.wallet = p.wallet ?? undefined;
  if (p.metadata) r.metadata = { ...r.metadata, ...p.metadata };
  const now = [r.owner, ...(r.wallet ? [r.wallet] : [])];
  r.ownersAndWallets = [...new Set([...(rec?.ownersAndWallets ?? []), ...before, ...(p.seen ?? []), ...now])];
  r.updatedBlock = Math.max(r.updatedBlock, p.block);
  return r;
}
