/** A canonical decimal uint: no sign, no leading zero, at most 78 digits (so every uint256 fits). */
export const DECIMAL_UINT = /^(0|[1-9][0-9]{0,77})$/;

/** A canonical decimal uint string's value, or undefined for anything else. */
export const decimalUint = (v: unknown): bigint | undefined =>
  typeof v === "string" && DECIMAL_UINT.test(v) ? BigInt(v) : undefined;
