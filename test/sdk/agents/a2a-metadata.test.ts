import { expect } from "chai";
import { X402_A2A_EXT_V01, X402_A2A_EXT_V02 } from "../../../sdk/agents";
import { a2aErrorCode, activatesX402, receiptsOf } from "../../../sdk/agents/a2a/metadata";

describe("agents/a2a-x402 metadata", function () {
  for (const [reason, code] of [
    ["invalid_batch_settlement_evm_voucher_signature", "INVALID_SIGNATURE"],
    ["z402_signature_high_s", "INVALID_SIGNATURE"],
    ["invalid_payload", "INVALID_SIGNATURE"],
    ["invalid_batch_settlement_evm_cumulative_amount_mismatch", "INVALID_AMOUNT"],
    ["invalid_exact_evm_payload_authorization_value_mismatch", "INVALID_AMOUNT"],
    ["invalid_batch_settlement_evm_cumulative_exceeds_balance", "INSUFFICIENT_FUNDS"],
    ["invalid_exact_evm_payload_authorization_valid_before", "EXPIRED_PAYMENT"],
    ["invalid_exact_evm_nonce_already_used", "DUPLICATE_NONCE"],
    ["invalid_network", "NETWORK_MISMATCH"],
    ["invalid_batch_settlement_evm_token_mismatch", "NETWORK_MISMATCH"],
    ["invalid_exact_evm_transaction_failed", "SETTLEMENT_FAILED"],
    ["some_unknown_reason", "SETTLEMENT_FAILED"],
  ] as const) {
    it(`maps ${reason} to ${code}`, function () {
      expect(a2aErrorCode(reason)).to.equal(code);
    });
  }

  it("activates the extension by either URI, in a list, with or without a trailing slash", function () {
    expect(activatesX402(`urn:other, ${X402_A2A_EXT_V01}`)).to.equal(true);
    expect(activatesX402(`${X402_A2A_EXT_V02}/`)).to.equal(true);
    expect(activatesX402("urn:other")).to.equal(false);
    expect(activatesX402(undefined)).to.equal(false);
  });

  it("reads receipts only when they are a list", function () {
    expect(receiptsOf({ "x402.payment.receipts": [{ success: true }] })).to.have.length(1);
    expect(receiptsOf({ "x402.payment.receipts": "nope" })).to.deep.equal([]);
  });
});
