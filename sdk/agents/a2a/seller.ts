import express, { type Request, type Response, type NextFunction, type Router } from "express";
import { AgentCard, Role, TaskState, type Message, type Part, type Task } from "@a2a-js/sdk";
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
  type TaskStore,
} from "@a2a-js/sdk/server";
import { UserBuilder, jsonRpcHandler } from "@a2a-js/sdk/server/express";
import type { Paywall } from "../../server/paywall";
import type { PaywallRequest } from "../../server/options";
import { answerText } from "../../server/requirements";
import { buildA2ACard, buildA2ACardV03 } from "../card-build";
import { X402_A2A_EXT_URIS, X402_META, isX402ExtensionUri } from "../constants";
import type { AgentDescription } from "../types";
import {
  EXTENSIONS_HEADER_VALUE,
  activatesX402,
  parseExtensionsHeader,
  paymentCompletedMetadata,
  paymentRequiredMetadata,
  receiptsOf,
} from "./metadata";

/** What the seller's handler gets: the buyer's text, the skill asked for, and who paid. */
export interface SkillRequest {
  text: string;
  skill: string;
  payer?: string;
  message: Message;
}

export interface A2ASellerOptions {
  description: AgentDescription;
  paywall: Paywall;
  handler: (req: SkillRequest) => Promise<{ text: string; data?: unknown; charge?: bigint }>;
  /** The paywall route path a skill is priced at (default `/a2a/skills/<skill>`). */
  pricePath?: (skill: string) => string;
  /** Where the JSON-RPC endpoint is mounted on the router (default the preferred interface's path). */
  rpcPath?: string;
  taskStore?: TaskStore;
}

const REQUEST_KEY = "z402.request";
const textOf = (m: Message) =>
  m.parts.map((p) => (p.content?.$case === "text" ? p.content.value : "")).join("");
const textPart = (text: string): Part => ({
  content: { $case: "text", value: text },
  metadata: undefined,
  filename: "",
  mediaType: "text/plain",
});

function agentMessage(ctx: RequestContext, text: string, metadata: Record<string, unknown>): Message {
  return {
    messageId: crypto.randomUUID(),
    contextId: ctx.contextId,
    taskId: ctx.taskId,
    role: Role.ROLE_AGENT,
    parts: text ? [textPart(text)] : [],
    metadata,
    extensions: [],
    referenceTaskIds: [],
  };
}

function decodeHeader(value: string | undefined): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    return undefined;
  }
}

/** Runs the paywall over A2A messages: asks for payment in the task status, verifies it, answers with a receipt. */
class PaidExecutor implements AgentExecutor {
  constructor(private readonly o: A2ASellerOptions) {}

  private request(skill: string, payload: unknown): PaywallRequest {
    const path = (this.o.pricePath ?? ((s: string) => `/a2a/skills/${s}`))(skill);
    const v1 = (payload as { x402Version?: number } | undefined)?.x402Version === 1;
    const header =
      payload === undefined ? undefined : Buffer.from(JSON.stringify(payload)).toString("base64");
    return {
      method: "POST",
      url: path,
      resourceUrl: new URL(path, this.o.description.interfaces[0].url).toString(),
      header: (name) =>
        header && name.toLowerCase() === (v1 ? "x-payment" : "payment-signature") ? header : undefined,
    };
  }

  private publish(
    ctx: RequestContext,
    bus: ExecutionEventBus,
    state: TaskState,
    msg: Message,
    extra: Partial<Task> = {},
  ) {
    const request = ctx.task?.metadata?.[REQUEST_KEY];
    const status = { state, message: msg, timestamp: new Date().toISOString() };
    const metadata = {
      [REQUEST_KEY]: request ?? { text: textOf(ctx.userMessage), skill: this.skillOf(ctx.userMessage) },
    };
    // The task event comes first (the SDK requires it); the status update ends a blocking call, also at
    // INPUT_REQUIRED, which keeps the task open for the payment.
    bus.publish(
      AgentEvent.task({
        id: ctx.taskId,
        contextId: ctx.contextId,
        status,
        artifacts: [],
        history: [],
        metadata,
        ...extra,
      }),
    );
    bus.publish(
      AgentEvent.statusUpdate({ taskId: ctx.taskId, contextId: ctx.contextId, status, metadata: undefined }),
    );
  }

  private skillOf(m: Message): string {
    const asked = m.metadata?.skill;
    const skills = this.o.description.skills.map((s) => s.id);
    return typeof asked === "string" && skills.includes(asked) ? asked : skills[0];
  }

  async execute(ctx: RequestContext, bus: ExecutionEventBus): Promise<void> {
    for (const uri of ctx.context.requestedExtensions ?? [])
      if (isX402ExtensionUri(uri)) ctx.context.addActivatedExtension(uri);
    const meta = ctx.userMessage.metadata ?? {};
    const saved = ctx.task?.metadata?.[REQUEST_KEY] as { text: string; skill: string } | undefined;
    const { text, skill } = saved ?? { text: textOf(ctx.userMessage), skill: this.skillOf(ctx.userMessage) };
    const receipts = receiptsOf(ctx.task?.status?.message?.metadata);
    if (meta[X402_META.status] === "payment-rejected") {
      this.publish(
        ctx,
        bus,
        TaskState.TASK_STATE_CANCELED,
        agentMessage(ctx, "payment rejected by the client", { [X402_META.status]: "payment-rejected" }),
      );
      return;
    }
    const payload = meta[X402_META.status] === "payment-submitted" ? meta[X402_META.payload] : undefined;
    const outcome = await this.o.paywall.handle(this.request(skill, payload));
    if (outcome.type === "respond") {
      const answer = outcome.answer;
      let required = decodeHeader(answer.headers["payment-required"]) as { error?: string } | undefined;
      const reason =
        required?.error ?? (JSON.parse(answerText(answer)) as { error?: string }).error ?? "invalid_payload";
      if (!required) {
        const fresh = await this.o.paywall.handle(this.request(skill, undefined));
        required =
          fresh.type === "respond"
            ? (decodeHeader(fresh.answer.headers["payment-required"]) as object)
            : undefined;
      }
      const failure = payload === undefined && reason === "payment_required" ? undefined : { reason };
      this.publish(
        ctx,
        bus,
        TaskState.TASK_STATE_INPUT_REQUIRED,
        agentMessage(ctx, "", paymentRequiredMetadata(required, failure)),
      );
      return;
    }
    const payer = outcome.type === "proceed" ? outcome.ticket.payer : undefined;
    let result: Awaited<ReturnType<A2ASellerOptions["handler"]>>;
    try {
      result = await this.o.handler({ text, skill, payer, message: ctx.userMessage });
    } catch (err) {
      if (outcome.type === "proceed") await this.o.paywall.complete(outcome.ticket, false);
      this.publish(
        ctx,
        bus,
        TaskState.TASK_STATE_FAILED,
        agentMessage(ctx, `skill failed: ${(err as Error).message}`, {}),
      );
      return;
    }
    let metadata: Record<string, unknown> = {};
    if (outcome.type === "proceed") {
      const done = await this.o.paywall.complete(outcome.ticket, true, result.charge);
      if (done.type === "respond") {
        const reason =
          (JSON.parse(answerText(done.answer)) as { error?: string }).error ?? "settlement_failed";
        this.publish(
          ctx,
          bus,
          TaskState.TASK_STATE_FAILED,
          agentMessage(ctx, "", paymentRequiredMetadata(undefined, { reason })),
        );
        return;
      }
      const receipt = decodeHeader(done.headers["payment-response"] ?? done.headers["x-payment-response"]);
      metadata = paymentCompletedMetadata(receipts, receipt);
    }
    const artifact = {
      artifactId: crypto.randomUUID(),
      name: skill,
      description: "",
      parts: [textPart(result.text)],
      metadata: undefined,
      extensions: [],
    };
    if (result.data !== undefined)
      artifact.parts.push({
        content: { $case: "data", value: result.data },
        metadata: undefined,
        filename: "",
        mediaType: "application/json",
      });
    this.publish(ctx, bus, TaskState.TASK_STATE_COMPLETED, agentMessage(ctx, result.text, metadata), {
      artifacts: [artifact],
    });
  }

  async cancelTask(): Promise<void> {}
}

/** Accepts `X-A2A-Extensions` as `A2A-Extensions` and answers with both headers. */
function extensionHeaders(req: Request, res: Response, next: NextFunction) {
  const declared = [req.headers["a2a-extensions"], req.headers["x-a2a-extensions"]]
    .flat()
    .filter(Boolean)
    .join(",");
  if (activatesX402(declared)) {
    // Either URI activates the extension; the request handler checks the one in the card.
    const all = [...new Set([...parseExtensionsHeader(declared), ...X402_A2A_EXT_URIS])].join(", ");
    req.headers["a2a-extensions"] = all;
    req.headers["x-a2a-extensions"] = all;
    res.setHeader("A2A-Extensions", EXTENSIONS_HEADER_VALUE);
    res.setHeader("X-A2A-Extensions", EXTENSIONS_HEADER_VALUE);
  }
  next();
}

/**
 * An Express router for a paid A2A agent: `/.well-known/agent-card.json` (the v1.0 card when the request says
 * `A2A-Version: 1.x`, the v0.3 card otherwise) and the JSON-RPC endpoint (v1.0 and v0.3 methods) speaking the
 * a2a-x402 extension on top of the z402 paywall.
 */
export function a2aSeller(o: A2ASellerOptions): { router: Router; requestHandler: DefaultRequestHandler } {
  const v1 = buildA2ACard(o.description);
  const v03 = buildA2ACardV03(o.description);
  const requestHandler = new DefaultRequestHandler(
    AgentCard.fromJSON(v1),
    o.taskStore ?? new InMemoryTaskStore(),
    new PaidExecutor(o),
  );
  const router = express.Router();
  router.get("/.well-known/agent-card.json", (req, res) => {
    const modern = /^1(\.|$)/.test(String(req.headers["a2a-version"] ?? ""));
    res.setHeader("Cache-Control", "public, max-age=300");
    res.setHeader("Vary", "A2A-Version");
    res.json(modern ? v1 : v03);
  });
  const rpcPath = o.rpcPath ?? new URL(o.description.interfaces[0].url).pathname;
  router.use(
    rpcPath,
    express.json({ limit: "256kb" }),
    extensionHeaders,
    jsonRpcHandler({
      requestHandler,
      userBuilder: UserBuilder.noAuthentication,
      legacyCompat: { enabled: true },
    }),
  );
  return { router, requestHandler };
}
