import { Contract, type Provider } from "ethers";
import { verifyRegistrationText, parseRegistrationFile } from "../agents/card-parse";
import { CardHashMismatchError } from "../agents/errors";
import { ACCOUNT_VIEWS } from "./abi";
import { decodeLogs, logFilter, type DiscoveryContracts } from "./decode";
import { fetchAgentUri, type FetchFileOptions } from "./fetch-file";
import type { LogSource } from "./log-source";
import type { DiscoveryStore } from "./store";
import type { AgentRecord } from "./types";

export interface IndexerOptions {
  source: LogSource;
  store: DiscoveryStore;
  contracts: DiscoveryContracts;
  /** First block to read when the store has no cursor (the registries' deployment block). */
  startBlock?: number;
  /** Blocks per getLogs call (default 5000). */
  chunkSize?: number;
  /** Stay this many blocks behind the head (default 0). */
  confirmations?: number;
  /** Reads an AgentAccount's cardHash; by default through `provider` when given. */
  cardHashOf?: (account: string) => Promise<string | undefined>;
  provider?: Provider;
  fetch?: FetchFileOptions;
  /** Parallel file fetches (default 8). */
  concurrency?: number;
}

export interface SyncResult {
  fromBlock: number;
  toBlock: number;
  ranges: number;
  verified: number;
  rejected: number;
}

/**
 * Follows the identity registry (Registered, URIUpdated, MetadataSet, Transfer), the factory (AgentCreated),
 * the reputation registry (NewFeedback, FeedbackRevoked) and the escrow (ChannelCreated, Claimed), resuming
 * from the store's cursor; then fetches each new or changed registration file and checks it against the
 * agent's cardHash.
 */
export class DiscoveryIndexer {
  private readonly o: IndexerOptions;
  private readonly cardHashOf?: (account: string) => Promise<string | undefined>;

  constructor(o: IndexerOptions) {
    this.o = o;
    this.cardHashOf =
      o.cardHashOf ??
      (o.provider
        ? async (account) =>
            (await new Contract(account, [...ACCOUNT_VIEWS], o.provider).cardHash()) as string
        : undefined);
  }

  /** Catches up to the head (minus confirmations) and refreshes pending files. */
  async sync(): Promise<SyncResult> {
    const head = (await this.o.source.blockNumber()) - (this.o.confirmations ?? 0);
    const cursor = await this.o.store.cursor();
    const fromBlock = cursor === undefined ? (this.o.startBlock ?? 0) : cursor + 1;
    const filter = logFilter(this.o.contracts);
    const chunk = this.o.chunkSize ?? 5000;
    let ranges = 0;
    for (let start = fromBlock; start <= head; start += chunk) {
      const end = Math.min(head, start + chunk - 1);
      const logs = await this.o.source.logs({ ...filter, fromBlock: start, toBlock: end });
      await this.o.store.apply(decodeLogs(logs, this.o.contracts, end));
      ranges++;
    }
    const { verified, rejected } = await this.refreshFiles();
    return { fromBlock, toBlock: Math.max(head, fromBlock - 1), ranges, verified, rejected };
  }

  /** Fetches and verifies every pending registration file. */
  async refreshFiles(): Promise<{ verified: number; rejected: number }> {
    const queue = await this.o.store.pending();
    let verified = 0;
    let rejected = 0;
    const worker = async () => {
      for (let rec = queue.shift(); rec; rec = queue.shift()) {
        const status = await this.refresh(rec);
        if (status === "verified" || status === "unverified") verified++;
        else rejected++;
      }
    };
    await Promise.all(Array.from({ length: this.o.concurrency ?? 8 }, worker));
    return { verified, rejected };
  }

  private async expectedHash(rec: AgentRecord): Promise<string | undefined> {
    if (rec.account && this.cardHashOf) return this.cardHashOf(rec.account);
    const m = rec.metadata.cardHash;
    return m && /^0x[0-9a-fA-F]{64}$/.test(m) ? m : undefined;
  }

  private async refresh(rec: AgentRecord): Promise<string> {
    try {
      const cardHash = await this.expectedHash(rec);
      const text = await fetchAgentUri(rec.uri, this.o.fetch);
      if (cardHash === undefined) {
        await this.o.store.setFile(rec.agentId, {
          status: "unverified",
          file: parseRegistrationFile(JSON.parse(text)),
        });
        return "unverified";
      }
      const file = verifyRegistrationText(text, cardHash as `0x${string}`, rec.agentId);
      await this.o.store.setFile(rec.agentId, { status: "verified", cardHash, file });
      return "verified";
    } catch (e) {
      const status = e instanceof CardHashMismatchError ? "mismatch" : "error";
      await this.o.store.setFile(rec.agentId, { status, error: (e as Error).message });
      return status;
    }
  }
}
