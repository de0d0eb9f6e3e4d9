import { AgentCard, Role, Task, TaskState, type Message } from "@a2a-js/sdk";
import {
  ClientFactory,
  ClientFactoryOptions,
  JsonRpcTransportFactory,
  type Client,
} from "@a2a-js/sdk/client";
import { wrapFetch, type WrapFetchOptions } from "../../client/fetch";
import { parseAgentCard, type ParsedAgentCard } from "../card-parse";
import { AGENT_CARD_WELL_KNOWN, X402_META } from "../constants";
import { AgentError } from "../errors";
import { EXTENSIONS_HEADER_VALUE, paymentSubmittedMetadata, receiptsOf } from "./metadata";

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface A2ABuyerOptions {
  /** How to pay: the same options as the paying fetch (wallet, session key, escrow, caps...). */
  pay: WrapFetchOptions;
  fetch?: FetchLike;
}

/** A connection to one seller: its parsed card and an @a2a-js/sdk client. */
export interface A2AConnection {
  cardUrl: string;
  card: ParsedAgentCard;
  client: Client;
}

export interface A2AAnswer {
  task: Task;
  /** Text of the final status message. */
  text: string;
  /** a2a-x402 receipts (empty for a free answer). */
  receipts: unknown[];
}

interface Call {
  conn: A2AConnection;
  text: string;
  skill?: string;
  task?: Task;
}

const CALL_HEADER = "x-z402-a2a-call";
const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");

const textOf = (m: Message | undefined) =>
  (m?.parts ?? []).map((p) => (p.content?.$case === "text" ? p.content.value : "")).join("");

/**
 * An A2A client that pays. Payments reuse the paying fetch (channels, spend caps, corrective 402s): each A2A
 * exchange is presented to it as a virtual HTTP request whose 402 is the task's `x402.payment.required` and
 * whose payment goes back as `x402.payment.payload` on the same task.
 */
export class A2ABuyer {
  /** Plain paid HTTP (for a seller's x402 endpoints outside A2A). */
  readonly fetch: FetchLike;
  private readonly base: FetchLike;
  private readonly a2aFetch: FetchLike;
  private readonly calls = new Map<string, Call>();

  constructor(o: A2ABuyerOptions) {
    this.base = o.fetch ?? fetch;
    this.fetch = wrapFetch(this.base, o.pay);
    this.a2aFetch = wrapFetch((url, init) => this.exchange(url as string, init), o.pay);
  }

  /** Reads and parses a seller's card (A2A v1.0 asked for; v0.3 accepted). */
  async readCard(cardUrl: string): Promise<ParsedAgentCard> {
    const res = await this.base(cardUrl, { headers: { "A2A-Version": "1.0", accept: "application/json" } });
    if (!res.ok) throw new AgentError("agent_fetch_failed", `agent card ${cardUrl} answered ${res.status}`);
    return parseAgentCard(await res.json());
  }

  /** Connects to the agent whose card is at `cardUrl` (or at `<origin>/.well-known/agent-card.json`). */
  async connect(url: string): Promise<A2AConnection> {
    const cardUrl = url.endsWith(".json") ? url : new URL(AGENT_CARD_WELL_KNOWN, url).toString();
    const card = await this.readCard(cardUrl);
    const withExtensions: FetchLike = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("A2A-Extensions", EXTENSIONS_HEADER_VALUE);
      headers.set("X-A2A-Extensions", EXTENSIONS_HEADER_VALUE);
      return this.base(input, { ...init, headers });
    };
    const factory = new ClientFactory(
      ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
        transports: [
          new JsonRpcTransportFactory({
            fetchImpl: withExtensions as typeof fetch,
            legacyCompat: { enabled: true },
          }),
        ],
      }),
    );
    const client = await factory.createFromAgentCard(AgentCard.fromJSON(card.card));
    return { cardUrl, card, client };
  }

  /** Sends `text` to the agent and pays when asked; resolves with the final task. */
  async ask(conn: A2AConnection, text: string, opts: { skill?: string } = {}): Promise<A2AAnswer> {
    const id = crypto.randomUUID();
    const call: Call = { conn, text, skill: opts.skill };
    this.calls.set(id, call);
    try {
      const res = await this.a2aFetch(conn.card.card.supportedInterfaces[0].url, {
        method: "POST",
        headers: { [CALL_HEADER]: id },
      });
      const task = call.task;
      if (!task) throw new AgentError("a2a_transport", "the agent answered without a task");
      if (res.status === 402) {
        const meta = task.status?.message?.metadata ?? {};
        throw new AgentError(
          "a2a_payment",
          `payment not accepted: ${String(meta[X402_META.error] ?? "payment required")}`,
          {
            details: { error: meta[X402_META.error], reason: meta["z402.payment.reason"] },
          },
        );
      }
      return {
        task,
        text: textOf(task.status?.message),
        receipts: receiptsOf(task.status?.message?.metadata),
      };
    } finally {
      this.calls.delete(id);
    }
  }

  /** The virtual HTTP exchange behind `ask`: one A2A message per call of the paying fetch. */
  private async exchange(_url: string, init: RequestInit | undefined): Promise<Response> {
    const headers = new Headers(init?.headers);
    const call = this.calls.get(headers.get(CALL_HEADER) ?? "");
    if (!call) throw new AgentError("a2a_transport", "unknown A2A call");
    const signature = headers.get("payment-signature");
    const payload = signature ? JSON.parse(Buffer.from(signature, "base64").toString("utf8")) : undefined;
    const message: Message = {
      messageId: crypto.randomUUID(),
      contextId: call.task?.contextId ?? "",
      taskId: call.task?.id ?? "",
      role: Role.ROLE_USER,
      parts: payload
        ? []
        : [
            {
              content: { $case: "text", value: call.text },
              metadata: undefined,
              filename: "",
              mediaType: "text/plain",
            },
          ],
      metadata: payload ? paymentSubmittedMetadata(payload) : call.skill ? { skill: call.skill } : undefined,
      extensions: [],
      referenceTaskIds: [],
    };
    const result = await call.conn.client.sendMessage({
      tenant: "",
      message,
      configuration: undefined,
      metadata: undefined,
    });
    if (!("status" in result)) {
      return new Response(textOf(result as Message), { status: 200 });
    }
    call.task = result;
    const meta = result.status?.message?.metadata ?? {};
    const required = meta[X402_META.required];
    if (result.status?.state === TaskState.TASK_STATE_INPUT_REQUIRED && required)
      return new Response(JSON.stringify(required), {
        status: 402,
        headers: { "payment-required": encode(required) },
      });
    const receipts = receiptsOf(meta);
    const out = new Headers({ "content-type": "application/json" });
    if (receipts.length > 0 && meta[X402_META.status] === "payment-completed")
      out.set("payment-response", encode(receipts[receipts.length - 1]));
    return new Response(JSON.stringify(Task.toJSON(result)), { status: 200, headers: out });
  }
}
