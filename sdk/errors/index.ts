export { BaseError, isZ402Error, type BaseErrorOptions } from "./base";
export { DecodeError, PaymentError, SignatureError, ConfigError } from "./classes";
export {
  X402_REASONS,
  Z402_REASONS,
  isKnownReason,
  parseReason,
  type X402Reason,
  type Z402Reason,
  type KnownReason,
  type ReasonCode,
} from "./reasons";
