/** Conversions between x402 v1 and v2 objects (network names, `maxAmountRequired` ↔ `amount`, resource fields). */
import type {
  PaymentPayload,
  PaymentRequired,
  PaymentRequirements,
  PaymentRequirementsV1,
  ResourceInfo,
} from "../types/x402";
import { DecodeError } from "../errors/classes";
import { X402_REASONS } from "../errors/reasons";
import { caip2ToV1Name, v1NameToCaip2 } from "../networks/caip";
import type { PaymentPayloadV1Wire } from "./headers";

export type PaymentRequirementsV1Wire = Omit<PaymentRequirementsV1, "network" | "outputSchema" | "extra"> & {
  network: string;
  outputSchema?: Record<string, unknown> | null;
  extra?: Record<string, unknown> | null;
};
export type PaymentRequiredV1Wire = { x402Version: 1; error: string; accepts: PaymentRequirementsV1Wire[] };

function v1Network(network: string): string {
  const name = caip2ToV1Name(network);
  if (!name) {
    throw new DecodeError(X402_REASONS.invalidNetwork, "network has no x402 v1 name", {
      details: { network },
    });
  }
  return name;
}

/** v2 requirements + resource → v1 requirements. Throws `invalid_network` for chains v1 cannot name. */
export function requirementsToV1(
  req: PaymentRequirements,
  resource: ResourceInfo,
): PaymentRequirementsV1Wire {
  return {
    scheme: req.scheme,
    network: v1Network(req.network),
    maxAmountRequired: req.amount,
    resource: resource.url,
    description: resource.description ?? "",
    mimeType: resource.mimeType ?? "",
    payTo: req.payTo,
    maxTimeoutSeconds: req.maxTimeoutSeconds,
    asset: req.asset,
    extra: req.extra,
  };
}

/** v1 requirements → v2 requirements and the resource they describe. */
export function requirementsFromV1(req: PaymentRequirementsV1Wire): {
  requirements: PaymentRequirements;
  resource: ResourceInfo;
} {
  return {
    requirements: {
      scheme: req.scheme,
      network: v1NameToCaip2(req.network),
      asset: req.asset,
      amount: req.maxAmountRequired,
      payTo: req.payTo,
      maxTimeoutSeconds: req.maxTimeoutSeconds,
      extra: req.extra ?? {},
    },
    resource: { url: req.resource, description: req.description, mimeType: req.mimeType },
  };
}

/** A v2 `PaymentRequired` as the v1 402 body; entries on chains v1 cannot name are left out. */
export function paymentRequiredToV1(value: PaymentRequired): PaymentRequiredV1Wire {
  const accepts: PaymentRequirementsV1Wire[] = [];
  for (const req of value.accepts) {
    if (caip2ToV1Name(req.network)) accepts.push(requirementsToV1(req, value.resource));
  }
  return { x402Version: 1, error: value.error ?? "", accepts };
}

/**
 * A v1 payment lifted to v2 given the requirement it pays (v1 payloads do not carry it): the network must map to
 * the requirement's network.
 */
export function paymentPayloadFromV1(
  payment: PaymentPayloadV1Wire,
  accepted: PaymentRequirements,
): PaymentPayload {
  const network = v1NameToCaip2(payment.network);
  if (network !== accepted.network || payment.scheme !== accepted.scheme) {
    throw new DecodeError(X402_REASONS.invalidPayload, "v1 payment does not match the requirement", {
      details: { network: payment.network, scheme: payment.scheme },
    });
  }
  return { x402Version: 1, accepted, payload: payment.payload };
}
