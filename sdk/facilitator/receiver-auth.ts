import { createHash, timingSafeEqual } from "node:crypto";
import { ethers } from "ethers";
import { ConfigError } from "../errors/classes";
import { Reason } from "./reasons";

/** Receiver address → the bearer secret its server presents (`Authorization: Bearer <secret>`). */
export type ReceiverSecrets = Readonly<Record<string, string>>;

/** Shortest secret accepted: guessing must be hopeless (e.g. 32 hex characters = 128 random bits). */
export const MIN_SECRET_LENGTH = 32;

/** The code of a {@link ConfigError} for an unusable receiver credential (bad address, short secret). */
export const RECEIVER_SECRETS_INVALID = "z402_receiver_secrets_invalid";

/** A refusal of a receiver-side request: the reason code and a sentence for `errorMessage`. */
export interface AuthRefusal {
  reason: string;
  message: string;
}

const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i;

// Compared as SHA-256 digests: equal lengths for timingSafeEqual, and no secret-dependent early exit.
const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/**
 * Who a receiver-side request speaks for. The facilitator signs `ClaimBatch`/`Refund` with its receiverAuthorizer
 * key only for a request whose bearer secret is configured for the receiver of every channel it touches; a
 * request that brings its own authorizer signature needs none (the signature is the authentication).
 */
export class ReceiverAuth {
  private readonly entries: { receiver: string; digest: Buffer }[];

  constructor(secrets: ReceiverSecrets = {}) {
    this.entries = Object.entries(secrets).map(([receiver, secret]) => {
      if (!ethers.isAddress(receiver)) {
        throw new ConfigError(RECEIVER_SECRETS_INVALID, "receiver is not an address", {
          details: { receiver },
        });
      }
      if (
        typeof secret !== "string" ||
        secret.length < MIN_SECRET_LENGTH ||
        !BEARER.test(`Bearer ${secret}`)
      ) {
        throw new ConfigError(
          RECEIVER_SECRETS_INVALID,
          "receiver secret is too short or not a bearer token",
          {
            details: { receiver, minLength: MIN_SECRET_LENGTH },
          },
        );
      }
      return { receiver: ethers.getAddress(receiver), digest: digest(secret) };
    });
  }

  /** Receivers whose secret is the header's bearer token (every entry is compared, matching or not). */
  private holders(token: string): Set<string> {
    const presented = digest(token);
    const held = new Set<string>();
    for (const e of this.entries) if (timingSafeEqual(presented, e.digest)) held.add(e.receiver);
    return held;
  }

  /** Why `authorization` may not act for all of `receivers`, or `undefined` when it may. */
  refusal(authorization: string | undefined, receivers: readonly string[]): AuthRefusal | undefined {
    const token = authorization && BEARER.exec(authorization)?.[1];
    if (!token) {
      return {
        reason: Reason.receiverAuthRequired,
        message:
          "a receiver-side request the facilitator signs needs Authorization: Bearer <receiver secret>",
      };
    }
    const held = this.holders(token);
    if (held.size === 0)
      return { reason: Reason.receiverAuthInvalid, message: "unknown receiver credential" };
    const other = receivers.map((r) => ethers.getAddress(r)).find((r) => !held.has(r));
    if (other) {
      return { reason: Reason.receiverForbidden, message: `the credential is not ${other}'s` };
    }
  }
}
