import {
  Contract,
  Interface,
  type ContractRunner,
  type Provider,
  type Signer,
  id as eventTopic,
} from "ethers";
import type { ChannelConfigWire } from "./crypto";
import { serialized } from "../utils/send-queue";
import { escrowRevertReason } from "./claim-revert";

/** What the server mirrors of one channel. */
export interface ChainChannel {
  balance: bigint;
  totalClaimed: bigint;
  withdrawAmount: bigint;
  /** Chain time the pending withdrawal was initiated, 0 if none. */
  withdrawInitiatedAt: bigint;
  refundNonce: bigint;
}

/** One `claimWithSignature` row. */
export interface ClaimRow {
  voucher: { channel: ChannelConfigWire; maxClaimableAmount: bigint };
  signature: string;
  totalClaimed: bigint;
}

export interface PollResult {
  /** Last block included (`fromBlock - 1` when nothing new was read). Every block up to it has been read. */
  toBlock: number;
  /** The head's timestamp when polled (chain time). */
  timestamp: bigint;
  /** Channels touched by escrow events in the polled range. */
  channelIds: string[];
  /**
   * The head when polled. A poll may read one bounded page: when `toBlock < head`, poll again from `toBlock + 1`.
   * Absent means the poll read up to the head.
   */
  head?: number;
}

/** The few chain operations the paywall, the mirror and the settlement worker need. */
export interface EscrowChain {
  readonly chainId: bigint;
  readonly escrow: string;
  readChannel(channelId: string): Promise<ChainChannel>;
  /** Escrow events from `fromBlock` towards the head: up to the head, or one bounded page of it (see `PollResult.head`). */
  poll(fromBlock: number): Promise<PollResult>;
  head(): Promise<{ block: number; timestamp: bigint }>;
  deposit(
    config: ChannelConfigWire,
    amount: bigint,
    collector: string,
    collectorData: string,
  ): Promise<string>;
  transferWithAuthorization(
    token: string,
    auth: { from: string; to: string; value: bigint; validAfter: bigint; validBefore: bigint; nonce: string },
    signature: string,
  ): Promise<string>;
  claimWithSignature(claims: ClaimRow[], authorizerSignature: string): Promise<string>;
  /**
   * Asks the chain (eth_call) whether `claimWithSignature(claims, authorizerSignature)` would go through: resolves
   * undefined if it would, or the reason it would revert (the decoded custom error when possible). Throws only when
   * the chain could not be asked (RPC down), so the caller retries instead of blaming a row.
   */
  simulateClaim?(claims: ClaimRow[], authorizerSignature: string): Promise<string | undefined>;
  settle(receiver: string, token: string): Promise<string>;
  /**
   * Claims `claims` (if any), then refunds up to `amount` to the payer, in one transaction. With `authorization`
   * (the receiverAuthorizer's signatures) through `claimWithSignature`/`refundWithSignature`, which anyone may
   * relay; without it through `claim`/`refund`, which the signer may call only as the receiver or receiverAuthorizer.
   */
  refund(
    config: ChannelConfigWire,
    amount: bigint,
    claims: ClaimRow[],
    authorization?: RefundAuthorization,
  ): Promise<string>;
  /** ERC-1271 `isValidSignature(digest, signature)` of a contract account (false for an account without code). */
  isValidSignature(account: string, digest: string, signature: string): Promise<boolean>;
  /**
   * What an EIP-3009 deposit needs from the token, read together: `authorizer`'s balance and whether its
   * authorization `nonce` is used. Optional: without it the paywall never serves a deposit before it is mined.
   */
  readDepositFunds?(token: string, authorizer: string, nonce: string): Promise<DepositFunds>;
}

/** The token state an EIP-3009 deposit depends on. */
export interface DepositFunds {
  balance: bigint;
  authorizationUsed: boolean;
}

/** The receiverAuthorizer's signatures for a relayed refund: `Refund` at `nonce`, and the claims' `ClaimBatch`. */
export interface RefundAuthorization {
  nonce: bigint;
  refundSignature: string;
  claimSignature: string;
}

const CONFIG = "(address,address,address,address,address,uint40,bytes32)";
export const ESCROW_ABI = [
  `function deposit(${CONFIG} config, uint128 amount, address collector, bytes collectorData)`,
  `function claimWithSignature(((${CONFIG},uint128),bytes,uint128)[] claims, bytes authorizerSignature)`,
  `function claim(((${CONFIG},uint128),bytes,uint128)[] claims)`,
  `function refund(${CONFIG} config, uint128 amount)`,
  `function refundWithSignature(${CONFIG} config, uint128 amount, uint256 nonce, bytes receiverAuthorizerSignature)`,
  "function settle(address receiver, address token)",
  "function channels(bytes32) view returns (uint128 balance, uint128 totalClaimed)",
  "function pendingWithdrawals(bytes32) view returns (uint128 amount, uint40 initiatedAt)",
  "function refundNonce(bytes32) view returns (uint256)",
  "function multicall(bytes[] data) returns (bytes[] results)",
];
const ERC1271_ABI = ["function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)"];
const ERC1271_MAGIC = "0x1626ba7e";
const TOKEN_ABI = [
  "function transferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce,bytes signature)",
];
/** Multicall3's canonical address (the same on most EVM chains). */
export const MULTICALL3 = "0xcA11bde05977b3631167028862bE2a173976CA11";
const MULTICALL3_IFACE = new Interface([
  "function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)",
]);
const TOKEN_READS = new Interface([
  "function balanceOf(address account) view returns (uint256)",
  "function authorizationState(address authorizer, bytes32 nonce) view returns (bool)",
]);
/** Escrow events keyed by channel id (topic 1). */
const CHANNEL_EVENTS = [
  `ChannelCreated(bytes32,${CONFIG})`,
  "Deposited(bytes32,address,uint128,uint128)",
  "Claimed(bytes32,address,uint128,uint128)",
  "Refunded(bytes32,address,uint128,uint256)",
  "WithdrawInitiated(bytes32,uint128,uint40)",
  "WithdrawFinalized(bytes32,uint128)",
  "WithdrawReduced(bytes32,uint128)",
  "ChannelClosed(bytes32)",
].map((e) => eventTopic(e));

function configTuple(c: ChannelConfigWire) {
  return [c.payer, c.payerAuthorizer, c.receiver, c.receiverAuthorizer, c.token, c.withdrawDelay, c.salt];
}

function claimTuples(claims: ClaimRow[]) {
  return claims.map((c) => [
    [configTuple(c.voucher.channel), c.voucher.maxClaimableAmount],
    c.signature,
    c.totalClaimed,
  ]);
}

type SentTransaction = { hash: string; wait(confirmations?: number): Promise<unknown> };

/** How `EthersEscrowChain.poll` reads logs. */
export interface LogPagingOptions {
  /** Most blocks asked for in one `eth_getLogs` (default 2,000). Shrinks by halves when a provider refuses a range. */
  logWindow?: number;
}

export const DEFAULT_LOG_WINDOW = 2_000;

/** A provider's "that range is too wide / returns too much" refusal, as opposed to a rate limit or an outage. */
const RANGE_REFUSAL = [
  /range (is )?too (large|wide|big|long)/,
  /block range (limit|exceed|is limited|maximum|max)/,
  /(exceeds?|exceeded|over|above) (the )?(max|maximum|limit)/,
  /max(imum)? (block )?range/,
  /is limited to/,
  /limit (is )?exceeded|exceeded limit|limit reached/,
  /(more|greater) than [\d,.]+k? ?(blocks?|results|logs|entries)/,
  /returned more than/,
  /too many (blocks|results|logs|entries)/,
  /response (size|is too)|response.*too (large|big)/,
  /ranges? over [\d,.]+/,
];
const RATE_LIMIT = /\brate|too many requests|\b429\b|throttl|compute units|capacity|credits|quota/;

/** The messages of an error and of the errors it wraps (ethers nests the JSON-RPC error in `info`/`error`). */
function errorText(err: unknown, depth = 0): string {
  if (depth > 4 || err === null || err === undefined) return "";
  if (typeof err === "string") return err;
  if (typeof err !== "object") return String(err);
  const e = err as Record<string, unknown>;
  const own = [e.message, e.shortMessage, e.code, e.body].filter(
    (v) => typeof v === "string" || typeof v === "number",
  );
  const nested = [e.error, e.info, e.cause, e.data].map((v) => errorText(v, depth + 1));
  return [...own.map(String), ...nested].join(" | ");
}

/** True when a provider refused a `getLogs` because of its range or result size: asking for fewer blocks may work. */
export function isRangeRefusal(err: unknown): boolean {
  const text = errorText(err).toLowerCase();
  if (RATE_LIMIT.test(text)) return false;
  return RANGE_REFUSAL.some((r) => r.test(text)) || /(^|\D)-32005(\D|$)/.test(text);
}

/** The ethers v6 implementation: `signer` pays gas for deposits, exact settlements, claims and settles. */
export class EthersEscrowChain implements EscrowChain {
  private readonly escrowContract: Contract;
  private readonly provider: Provider;
  /** Whether Multicall3 has code on this chain (asked once). */
  private multicall3?: Promise<boolean>;
  /** Blocks per `eth_getLogs`: the configured window, halved for good each time the provider refuses a range. */
  private logWindow: number;
  /** Waits for each submitted transaction to be mined before resolving. */
  constructor(
    readonly chainId: bigint,
    readonly escrow: string,
    private readonly signer: Signer,
    private readonly confirmations = 1,
    logs: LogPagingOptions = {},
  ) {
    this.escrowContract = new Contract(escrow, ESCROW_ABI, signer as ContractRunner);
    this.provider = signer.provider!;
    const window = logs.logWindow ?? DEFAULT_LOG_WINDOW;
    if (!Number.isSafeInteger(window) || window < 1)
      throw new Error(`logWindow must be a positive integer: ${window}`);
    this.logWindow = window;
  }

  async readChannel(channelId: string): Promise<ChainChannel> {
    // One eth_call for the three views.
    const iface = this.escrowContract.interface;
    const names = ["channels", "pendingWithdrawals", "refundNonce"] as const;
    const results: string[] = await this.escrowContract.multicall.staticCall(
      names.map((n) => iface.encodeFunctionData(n, [channelId])),
    );
    const [ch, pw, nonce] = names.map((n, i) => iface.decodeFunctionResult(n, results[i]));
    return {
      balance: ch[0],
      totalClaimed: ch[1],
      withdrawAmount: pw[0],
      withdrawInitiatedAt: pw[1],
      refundNonce: nonce[0],
    };
  }

  /**
   * One `eth_call` through Multicall3 where it is deployed (looked up once per instance), otherwise two calls sent
   * together (one HTTP request with a batching JSON-RPC provider). Rejects if either read fails.
   */
  async readDepositFunds(token: string, authorizer: string, nonce: string): Promise<DepositFunds> {
    const balanceCall = TOKEN_READS.encodeFunctionData("balanceOf", [authorizer]);
    const stateCall = TOKEN_READS.encodeFunctionData("authorizationState", [authorizer, nonce]);
    this.multicall3 ??= this.provider.getCode(MULTICALL3).then(
      (code) => code !== "0x",
      () => {
        this.multicall3 = undefined;
        return false;
      },
    );
    let results: [string, string];
    if (await this.multicall3) {
      const data = MULTICALL3_IFACE.encodeFunctionData("aggregate3", [
        [
          [token, false, balanceCall],
          [token, false, stateCall],
        ],
      ]);
      const [rows] = MULTICALL3_IFACE.decodeFunctionResult(
        "aggregate3",
        await this.provider.call({ to: MULTICALL3, data }),
      ) as unknown as [[boolean, string][]];
      results = [rows[0][1], rows[1][1]];
    } else {
      results = await Promise.all([
        this.provider.call({ to: token, data: balanceCall }),
        this.provider.call({ to: token, data: stateCall }),
      ]);
    }
    const [balance] = TOKEN_READS.decodeFunctionResult("balanceOf", results[0]);
    const [used] = TOKEN_READS.decodeFunctionResult("authorizationState", results[1]);
    return { balance: balance as bigint, authorizationUsed: used as boolean };
  }

  async head(): Promise<{ block: number; timestamp: bigint }> {
    const block = await this.provider.getBlock("latest");
    return { block: block!.number, timestamp: BigInt(block!.timestamp) };
  }

  /**
   * One page of escrow events: `fromBlock` to at most `fromBlock + logWindow - 1`, capped at the head. A provider that
   * refuses the range makes the window halve (and stay halved) until it answers or one block is refused; any other
   * failure throws, and the caller polls the same `fromBlock` again. Never returns a `toBlock` it has not read.
   */
  async poll(fromBlock: number): Promise<PollResult> {
    const { block, timestamp } = await this.head();
    if (block < fromBlock) return { toBlock: fromBlock - 1, timestamp, channelIds: [], head: block };
    for (;;) {
      const toBlock = Math.min(block, fromBlock + this.logWindow - 1);
      try {
        const logs = await this.provider.getLogs({
          address: this.escrow,
          fromBlock,
          toBlock,
          topics: [CHANNEL_EVENTS],
        });
        const ids = new Set(logs.map((l) => l.topics[1].toLowerCase()));
        return { toBlock, timestamp, channelIds: [...ids], head: block };
      } catch (err) {
        const span = toBlock - fromBlock + 1;
        if (span <= 1 || !isRangeRefusal(err)) throw err;
        this.logWindow = Math.max(1, Math.floor(span / 2));
      }
    }
  }

  /** Sends in this signer's lane (one at a time, nonces counted there), then waits for the receipt. */
  private async mined(build: (overrides: { nonce: number }) => Promise<SentTransaction>): Promise<string> {
    const sent = await serialized(this.signer, build);
    await sent.wait(this.confirmations);
    return sent.hash;
  }

  deposit(config: ChannelConfigWire, amount: bigint, collector: string, data: string): Promise<string> {
    return this.mined((o) => this.escrowContract.deposit(configTuple(config), amount, collector, data, o));
  }

  transferWithAuthorization(
    token: string,
    a: { from: string; to: string; value: bigint; validAfter: bigint; validBefore: bigint; nonce: string },
    signature: string,
  ): Promise<string> {
    const t = new Contract(token, TOKEN_ABI, this.signer as ContractRunner);
    return this.mined((o) =>
      t.transferWithAuthorization(a.from, a.to, a.value, a.validAfter, a.validBefore, a.nonce, signature, o),
    );
  }

  claimWithSignature(claims: ClaimRow[], authorizerSignature: string): Promise<string> {
    return this.mined((o) =>
      this.escrowContract.claimWithSignature(claimTuples(claims), authorizerSignature, o),
    );
  }

  async simulateClaim(claims: ClaimRow[], authorizerSignature: string): Promise<string | undefined> {
    try {
      await this.escrowContract.claimWithSignature.staticCall(claimTuples(claims), authorizerSignature);
      return undefined;
    } catch (err) {
      const reason = escrowRevertReason(err);
      if (reason === undefined) throw err;
      return reason;
    }
  }

  refund(
    config: ChannelConfigWire,
    amount: bigint,
    claims: ClaimRow[],
    authorization?: RefundAuthorization,
  ): Promise<string> {
    const iface = this.escrowContract.interface;
    const calls = authorization
      ? [
          iface.encodeFunctionData("claimWithSignature", [claimTuples(claims), authorization.claimSignature]),
          iface.encodeFunctionData("refundWithSignature", [
            configTuple(config),
            amount,
            authorization.nonce,
            authorization.refundSignature,
          ]),
        ]
      : [
          iface.encodeFunctionData("claim", [claimTuples(claims)]),
          iface.encodeFunctionData("refund", [configTuple(config), amount]),
        ];
    // Nothing outstanding: the refund alone, without the multicall wrapper.
    if (claims.length === 0) {
      return this.mined((o) => this.signer.sendTransaction({ to: this.escrow, data: calls[1], ...o }));
    }
    return this.mined((o) => this.escrowContract.multicall(calls, o));
  }

  async isValidSignature(account: string, digest: string, signature: string): Promise<boolean> {
    if ((await this.provider.getCode(account)) === "0x") return false;
    try {
      const wallet = new Contract(account, ERC1271_ABI, this.provider);
      return (await wallet.isValidSignature(digest, signature)) === ERC1271_MAGIC;
    } catch {
      return false;
    }
  }

  settle(receiver: string, token: string): Promise<string> {
    return this.mined((o) => this.escrowContract.settle(receiver, token, o));
  }
}
