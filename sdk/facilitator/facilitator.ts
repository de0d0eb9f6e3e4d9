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

/**
 * Builds a facilitator from scheme implementations: routes each request by scheme and network, normalizes v1
 * requests to the v2 shape, and turns thrown errors into `unexpected_*` answers instead of crashing the service.
 */
export function createFacilitator(schemes: FacilitatorScheme[]): Facilitator {
  const find = (scheme: string, network: string) =>
    schemes.find((s) => s.scheme === scheme && s.networks.includes(network));

  async function route<T>(
    rawPayload: unknown,
    rawRequirements: unknown,
    context: RequestContext,
    fail: (reason: string, message: string, network?: string) => T,
    run: (s: FacilitatorScheme, req: SchemeRequest) => Promise<T>,
  ): Promise<T> {
    const n = normalize(rawPayload, rawRequirements);
    if (!n.ok) return fail(n.reason, n.message);
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

  return {
    verify(rawPayload, rawRequirements): Promise<VerifyResult> {
      const fail = (invalidReason: string, invalidMessage: string): VerifyResult => ({
        isValid: false,
        invalidReason,
        invalidMessage,
      });
      return route(rawPayload, rawRequirements, {}, fail, async (s, req) => {
        try {
          return await s.verify(req);
        } catch (e) {
          return fail(Reason.unexpectedVerifyError, (e as Error).message);
        }
      });
    },
    settle(rawPayload, rawRequirements, context = {}): Promise<SettleResult> {
      const fail = (errorReason: string, errorMessage: string, network = ""): SettleResult => ({
        success: false,
        errorReason,
        errorMessage,
        transaction: "",
        network,
      });
      return route(rawPayload, rawRequirements, context, fail, async (s, req) => {
        try {
          return await s.settle(req);
        } catch (e) {
          return fail(Reason.unexpectedSettleError, (e as Error).message, req.requirements.network);
        }
      });
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
