import { BaseError, type BaseErrorOptions } from "./base";
import type { ReasonCode } from "./reasons";

/** A wire object (header, body, payload) that could not be decoded or failed its schema. */
export class DecodeError extends BaseError<ReasonCode> {
  override name = "DecodeError";
  constructor(code: ReasonCode, shortMessage: string, options?: BaseErrorOptions) {
    super(code, shortMessage, options);
  }
}

/** A payment that decoded but is not acceptable (wrong network, scheme, amount, binding...). */
export class PaymentError extends BaseError<ReasonCode> {
  override name = "PaymentError";
  constructor(code: ReasonCode, shortMessage: string, options?: BaseErrorOptions) {
    super(code, shortMessage, options);
  }
}

/** A signature that is malformed, malleable or from the wrong signer. */
export class SignatureError extends BaseError<ReasonCode> {
  override name = "SignatureError";
  constructor(code: ReasonCode, shortMessage: string, options?: BaseErrorOptions) {
    super(code, shortMessage, options);
  }
}

/** Configuration the SDK cannot work with: unknown chain, bad deployments file, bad arguments. */
export class ConfigError extends BaseError<ReasonCode> {
  override name = "ConfigError";
  constructor(code: ReasonCode, shortMessage: string, options?: BaseErrorOptions) {
    super(code, shortMessage, options);
  }
}
