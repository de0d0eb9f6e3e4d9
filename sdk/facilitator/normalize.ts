import { z } from "zod";
import type { Payload, Requirements } from "./types";

/** v1 network names the facilitator accepts, with their chain ids (the subset of x402's v1 list we deploy on). */
const V1_NETWORKS: Record<string, number> = { "base-sepolia": 84532, base: 8453, hardhat: 31337 };

/** The CAIP-2 id for a v1 name or a CAIP-2 string; `undefined` for anything else. */
export function toCaip2(network: string): string | undefined {
  if (/^eip155:[1-9][0-9]{0,15}$/.test(network)) return network;
  const id = V1_NETWORKS[network];
  return id === undefined ? undefined : `eip155:${id}`;
}

/** The chain id of a CAIP-2 `eip155:` network. */
export function chainIdOf(caip2: string): number {
  return Number(caip2.slice("eip155:".length));
}

const decimal = z.string().regex(/^(0|[1-9][0-9]{0,77})$/);
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
    return { ok: false, reason: "invalid_payload", message: payload.error.issues[0].message };
  const version = payload.data.x402Version;
  if (version !== 1 && version !== 2) {
    return { ok: false, reason: "invalid_x402_version", message: `x402Version ${version} is not supported` };
  }
  const parsed = (version === 2 ? requirementsV2 : requirementsV1).safeParse(rawRequirements);
  if (!parsed.success) {
    return { ok: false, reason: "invalid_payment_requirements", message: parsed.error.issues[0].message };
  }
  const r = parsed.data as z.infer<typeof requirementsV2> & z.infer<typeof requirementsV1>;
  const network = toCaip2(r.network);
  if (!network) return { ok: false, reason: "invalid_network", message: `unknown network ${r.network}` };
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
      reason: "unsupported_scheme",
      message: "payload scheme differs from the requirements",
    };
  }
  if (named.network !== network) {
    return { ok: false, reason: "invalid_network", message: "payload network differs from the requirements" };
  }
  return { ok: true, version, payload: p, requirements, scheme: r.scheme, network };
}
