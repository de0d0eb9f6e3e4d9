import { z } from "zod";
import { isEvmCaip2, v1NameToCaip2 } from "../networks";
import { Reason } from "./reasons";
import { DECIMAL_UINT } from "../utils/uint";
import type { Payload, Requirements } from "./types";

/** The CAIP-2 id for a CAIP-2 string or an x402 v1 name; `undefined` for anything else. */
function toCaip2(network: string): string | undefined {
  if (isEvmCaip2(network)) return network;
  try {
    return v1NameToCaip2(network);
  } catch {
    return undefined;
  }
}

const decimal = z.string().regex(DECIMAL_UINT);
const extra = z.record(z.string(), z.unknown()).nullish();

const requirementsV2 = z.object({
  scheme: z.string().min(1).max(64),
  network: z.string().min(1).max(64),
  asset: z.string().min(1).max(128),
  amount: decimal,
  payTo: z.string().min(1).max(128),
  maxTimeoutSeconds: z.number().int().nonnegative(),
  extra,
});

const requirementsV1 = z.object({
  scheme: z.string().min(1).max(64),
  network: z.string().min(1).max(64),
  asset: z.string().min(1).max(128),
  maxAmountRequired: decimal,
  payTo: z.string().min(1).max(128),
  maxTimeoutSeconds: z.number().int().nonnegative(),
  extra,
});

const payloadSchema = z.object({
  x402Version: z.number().int(),
  payload: z.record(z.string(), z.unknown()),
  accepted: requirementsV2.optional(),
  scheme: z.string().optional(),
  network: z.string().optional(),
  resource: z.unknown().optional(),
  extensions: z.record(z.string(), z.unknown()).optional(),
});

export type Normalized =
  | {
      ok: true;
      version: 1 | 2;
      payload: Payload;
      requirements: Requirements;
      scheme: string;
      network: string;
    }
  | { ok: false; reason: string; message: string };

/**
 * Checks the shape of a verify/settle request and brings v1 requirements to the v2 shape (`maxAmountRequired` →
 * `amount`, v1 network names → CAIP-2), so schemes implement one shape. The scheme and network the payload names
 * must be the ones the requirements name.
 */
export function normalize(rawPayload: unknown, rawRequirements: unknown): Normalized {
  const payload = payloadSchema.safeParse(rawPayload);
  if (!payload.success)
    return { ok: false, reason: Reason.invalidPayload, message: payload.error.issues[0].message };
  const version = payload.data.x402Version;
  if (version !== 1 && version !== 2) {
    return {
      ok: false,
      reason: Reason.invalidX402Version,
      message: `x402Version ${version} is not supported`,
    };
  }
  const parsed = (version === 2 ? requirementsV2 : requirementsV1).safeParse(rawRequirements);
  if (!parsed.success) {
    return { ok: false, reason: Reason.invalidPaymentRequirements, message: parsed.error.issues[0].message };
  }
  const r = parsed.data as z.infer<typeof requirementsV2> & z.infer<typeof requirementsV1>;
  const network = toCaip2(r.network);
  if (!network) return { ok: false, reason: Reason.invalidNetwork, message: `unknown network ${r.network}` };
  const requirements: Requirements = {
    scheme: r.scheme,
    network,
    asset: r.asset,
    amount: version === 2 ? r.amount : r.maxAmountRequired,
    payTo: r.payTo,
    maxTimeoutSeconds: r.maxTimeoutSeconds,
    extra: r.extra ?? {},
  };
  const p = payload.data as Payload;
  const named =
    version === 2
      ? { scheme: p.accepted?.scheme, network: p.accepted?.network }
      : { scheme: p.scheme, network: p.network && toCaip2(p.network) };
  if (named.scheme !== requirements.scheme) {
    return {
      ok: false,
      reason: Reason.unsupportedScheme,
      message: "payload scheme differs from the requirements",
    };
  }
  if (named.network !== network) {
    return {
      ok: false,
      reason: Reason.invalidNetwork,
      message: "payload network differs from the requirements",
    };
  }
  return { ok: true, version, payload: p, requirements, scheme: r.scheme, network };
}
