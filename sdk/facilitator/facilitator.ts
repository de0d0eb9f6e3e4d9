import { caip2ToV1Name, chainIdFromCaip2 } from "../networks";
import { normalize } from "./normalize";
import { Reason } from "./reasons";
import type {
  Facilitator,
  FacilitatorScheme,
  RequestContext,
  SchemeRequest,
  SettleResult,
  SupportedKind,
  VerifyResult,
} from "./types";

/** One `verify` or `settle` answered: `ok` is `isValid` / `success`; `reason` the refusal's; times in ms. */
export interface FacilitatorEvent {
  kind: "verify" | "settle";
  ok: boolean;
  reason?: string;
  scheme?: string;
  network?: string;
  /** The escrow channel a `batch-settlement` payload names (as sent). */
  channelId?: string;
  payer?: string;
  /** The settle's transaction, when one was sent. */
  transaction?: string;
  ms: number;
}

/** Plain callbacks; a listener that throws is ignored. */
export interface FacilitatorEvents {
  request?(event: FacilitatorEvent): void;
}

/** A facilitator whose answers can be listened to (`on` returns the listener's removal). */
export type ObservableFacilitator = Facilitator & { on(listener: FacilitatorEvents): () => void };

/** What `route` saw of a request (collected only while someone listens). */
type Seen = Partial<Pick<FacilitatorEvent, "scheme" | "network" | "channelId">>;

/**
 * Builds a facilitator from scheme implementations: routes each request by scheme and network, normalizes v1
 * requests to the v2 shape, and turns thrown errors into `unexpected_*` answers instead of crashing the service.
 */
export function createFacilitator(schemes: FacilitatorScheme[]): ObservableFacilitator {
  let listeners: FacilitatorEvents[] = [];
  const find = (scheme: string, network: string) =>
    schemes.find((s) => s.scheme === scheme && s.networks.includes(network));

  async function route<T>(
    rawPayload: unknown,
    rawRequirements: unknown,
    context: RequestContext,
    fail: (reason: string, message: string, network?: string) => T,
    run: (s: FacilitatorScheme, req: SchemeRequest) => Promise<T>,
    seen?: Seen,
  ): Promise<T> {
    const n = normalize(rawPayload, rawRequirements);
    if (!n.ok) return fail(n.reason, n.message);
    if (seen) {
      const voucher = n.payload.payload.voucher as { channelId?: unknown } | undefined;
      const channelId = typeof voucher?.channelId === "string" ? voucher.channelId.toLowerCase() : undefined;
      Object.assign(seen, { scheme: n.scheme, network: n.network, channelId });
    }
    const scheme = find(n.scheme, n.network);
    if (!scheme || (n.version === 1 && !scheme.v1))
      return fail(Reason.unsupportedScheme, `${n.scheme} on ${n.network} is not served here`, n.network);
    return run(scheme, {
      x402Version: n.version,
      payload: n.payload,
      requirements: n.requirements,
      chainId: chainIdFromCaip2(n.network),
      ...(context.authorization ? { authorization: context.authorization } : {}),
    });
  }

  /** Runs `answer`, telling the listeners (if any) how it went. */
  async function observed<T extends VerifyResult | SettleResult>(
    kind: FacilitatorEvent["kind"],
    answer: (seen?: Seen) => Promise<T>,
  ): Promise<T> {
    if (listeners.length === 0) return answer();
    const seen: Seen = {};
    const started = performance.now();
    const r = await answer(seen);
    const ok = "isValid" in r ? r.isValid : (r as SettleResult).success;
    const reason = "isValid" in r ? r.invalidReason : (r as SettleResult).errorReason;
    const transaction = "transaction" in r && r.transaction ? r.transaction : undefined;
    const event = { kind, ok, reason, payer: r.payer, transaction, ...seen, ms: performance.now() - started };
    for (const l of listeners) {
      try {
        l.request?.(event);
      } catch {
        // A listener's failure never changes the answer.
      }
    }
    return r;
  }

  return {
    on(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((l) => l !== listener);
      };
    },
    verify(rawPayload, rawRequirements): Promise<VerifyResult> {
      const fail = (invalidReason: string, invalidMessage: string): VerifyResult => ({
        isValid: false,
        invalidReason,
        invalidMessage,
      });
      const run = async (s: FacilitatorScheme, req: SchemeRequest) => {
        try {
          return await s.verify(req);
        } catch (e) {
          return fail(Reason.unexpectedVerifyError, (e as Error).message);
        }
      };
      return observed("verify", (seen) => route(rawPayload, rawRequirements, {}, fail, run, seen));
    },
    settle(rawPayload, rawRequirements, context = {}): Promise<SettleResult> {
      const fail = (errorReason: string, errorMessage: string, network = ""): SettleResult => ({
        success: false,
        errorReason,
        errorMessage,
        transaction: "",
        network,
      });
      const run = async (s: FacilitatorScheme, req: SchemeRequest) => {
        try {
          return await s.settle(req);
        } catch (e) {
          return fail(Reason.unexpectedSettleError, (e as Error).message, req.requirements.network);
        }
      };
      return observed("settle", (seen) => route(rawPayload, rawRequirements, context, fail, run, seen));
    },
    getSupported() {
      const kinds: SupportedKind[] = [];
      const signers: Record<string, string[]> = {};
      for (const s of schemes) {
        for (const network of s.networks) {
          const extra = s.supportedExtra?.(network);
          kinds.push({ x402Version: 2, scheme: s.scheme, network, ...(extra ? { extra } : {}) });
          const v1Name = s.v1 ? caip2ToV1Name(network) : undefined;
          if (v1Name) kinds.push({ x402Version: 1, scheme: s.scheme, network: v1Name });
        }
        const all = (signers["eip155:*"] ??= []);
        for (const a of s.signers()) if (!all.includes(a)) all.push(a);
      }
      return { kinds, extensions: [], signers };
    },
  };
}
