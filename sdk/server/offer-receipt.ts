/**
 * The paywall's side of x402's offer-receipt extension: signed offers in the 402's `extensions`, and after a charge
 * a signed receipt in PAYMENT-RESPONSE's `extensions` (`extensions["offer-receipt"].info.receipt`). A key-holding
 * signer (an ethers `Wallet`) signs JWS ES256K with Node's crypto (the cheap format, and the one whose payload can
 * carry z402's terms: charge, channel, cumulative charge); any other `TypedDataSigner` signs the spec's EIP-712
 * types (standard fields only). Offers are signed once per resource and terms and cached until half their validity
 * is left.
 */
import { createPrivateKey, sign, type KeyObject } from "node:crypto";
import {
  OFFER_RECEIPT,
  createJWS,
  createOfferEIP712,
  createOfferJWS,
  createReceiptEIP712,
  type JWSSigner,
  type OfferInput,
  type SignTypedDataFn,
  type SignedOffer,
  type SignedReceipt,
} from "@x402/extensions/offer-receipt";
import { SigningKey, getBytes } from "ethers";
import type { TypedDataSigner } from "../signing/signer";
import { didKeyOf, type Z402ReceiptPayload, type Z402ReceiptTerms } from "../verify/offer-receipt";
import { encodeHeader } from "./decode";
import type { PaywallOptions } from "./options";
import type { Ticket } from "./outcome";
import type { HttpAnswer, Requirements } from "./requirements";

/** The server key that signs offers and receipts: an ethers `Wallet` (JWS) or any typed-data signer (EIP-712). */
export type ReceiptSigner = TypedDataSigner | { privateKey: string };

/** What one paid answer's receipt states. */
export interface ReceiptFacts {
  resourceUrl: string;
  payer: string;
  network: string;
  transaction?: string;
  terms: Z402ReceiptTerms;
}

const MAX_CACHED = 1024;
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");

/** A JWS signer over Node's crypto (secp256k1, IEEE P1363 r||s as JWS wants). */
function jwsSigner(privateKey: string): JWSSigner {
  const pub = SigningKey.computePublicKey(privateKey, false);
  const bytes = getBytes(pub);
  const key: KeyObject = createPrivateKey({
    format: "jwk",
    key: {
      kty: "EC",
      crv: "secp256k1",
      d: b64(getBytes(privateKey)),
      x: b64(bytes.slice(1, 33)),
      y: b64(bytes.slice(33)),
    },
  });
  return {
    kid: didKeyOf(pub),
    format: "jws",
    algorithm: "ES256K",
    sign: async (payload) => b64(sign("sha256", payload, { key, dsaEncoding: "ieee-p1363" })),
  };
}

function typedDataFn(signer: TypedDataSigner): SignTypedDataFn {
  return async ({ domain, types, message }) =>
    (await signer.signTypedData(domain as never, types, message)) as `0x${string}`;
}

export class OfferReceiptIssuer {
  private readonly jws?: JWSSigner;
  private readonly typed?: SignTypedDataFn;
  private readonly cache = new Map<string, { offer: SignedOffer; refreshAt: number }>();

  constructor(signer: ReceiptSigner) {
    const key = (signer as { privateKey?: unknown }).privateKey;
    if (typeof key === "string") this.jws = jwsSigner(key);
    else this.typed = typedDataFn(signer as TypedDataSigner);
  }

  /** The 402 with signed offers for its `accepts[]` in the v2 header (and a v2 body), other extensions kept. */
  async signed(answer: HttpAnswer): Promise<HttpAnswer> {
    const header = answer.headers["payment-required"];
    if (!header) return answer;
    const v2 = JSON.parse(Buffer.from(header, "base64").toString("utf8")) as {
      resource?: { url?: string };
      accepts: Requirements[];
      extensions?: object;
    };
    const url = v2.resource?.url;
    if (!url) return answer;
    const offers = await Promise.all(v2.accepts.map((a, i) => this.offer(url, a, i)));
    const extensions = { ...v2.extensions, [OFFER_RECEIPT]: { info: { offers } } };
    const next = { ...v2, extensions };
    const body =
      typeof answer.body === "string" ? (JSON.parse(answer.body) as { x402Version?: number }) : undefined;
    return {
      ...answer,
      headers: { ...answer.headers, "payment-required": encodeHeader(next) },
      body: body?.x402Version === 2 ? JSON.stringify({ ...body, extensions }) : answer.body,
    };
  }

  /** One offer, from the cache while more than half its validity is left. */
  private async offer(url: string, a: Requirements, acceptIndex: number): Promise<SignedOffer> {
    const key = [url, a.scheme, a.network, a.asset, a.payTo, a.amount, acceptIndex].join("|");
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.refreshAt > now) return hit.offer;
    const validity = a.maxTimeoutSeconds ?? 60;
    const input: OfferInput = {
      acceptIndex,
      scheme: a.scheme,
      network: a.network,
      asset: a.asset,
      payTo: a.payTo,
      amount: a.amount,
      offerValiditySeconds: validity,
    };
    const offer = this.jws
      ? await createOfferJWS(url, input, this.jws)
      : await createOfferEIP712(url, input, this.typed!);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { offer, refreshAt: now + (validity * 1000) / 2 });
    return offer;
  }

  /** A receipt for one paid answer. JWS carries z402's terms in its signed payload; EIP-712 cannot. */
  async receipt(f: ReceiptFacts): Promise<SignedReceipt> {
    if (!this.jws) {
      return createReceiptEIP712(
        { resourceUrl: f.resourceUrl, payer: f.payer, network: f.network, transaction: f.transaction },
        this.typed!,
      );
    }
    const payload: Z402ReceiptPayload = {
      version: 1,
      network: f.network,
      resourceUrl: f.resourceUrl,
      payer: f.payer,
      issuedAt: Math.floor(Date.now() / 1000),
      ...(f.transaction ? { transaction: f.transaction } : {}),
      z402: f.terms,
    } as Z402ReceiptPayload;
    return { format: "jws", signature: await createJWS(payload, this.jws) };
  }
}

/** What the receipt of a charge of `charged` on `ticket` states. */
export function receiptFacts(opts: PaywallOptions, ticket: Ticket, charged: bigint): ReceiptFacts {
  const route = ticket.route;
  const facts: ReceiptFacts = {
    resourceUrl: ticket.resourceUrl ?? route.path,
    payer: ticket.payer,
    network: opts.network,
    terms: {
      scheme: ticket.scheme,
      asset: opts.token.address,
      payTo: route.payTo ?? opts.payTo,
      amount: charged.toString(),
    },
  };
  if (ticket.scheme === "exact") facts.transaction = ticket.transaction;
  else {
    facts.terms.channelId = ticket.channelId;
    facts.terms.chargedCumulativeAmount = (ticket.record.charged + charged).toString();
    facts.terms.signedMaxClaimable = ticket.record.signedMax.toString();
  }
  return facts;
}

/** PAYMENT-RESPONSE's `extensions` carrying a receipt. */
export const receiptExtensions = (receipt: SignedReceipt) => ({ [OFFER_RECEIPT]: { info: { receipt } } });
