import { expect } from "chai";
import {
  BaseError,
  DecodeError,
  isKnownReason,
  isZ402Error,
  parseReason,
  X402_REASONS,
  Z402_REASONS,
} from "../../../sdk/errors";

describe("sdk/errors", function () {
  it("carries code, shortMessage, details and cause", function () {
    const cause = new Error("root");
    const err = new DecodeError(X402_REASONS.invalidPayload, "bad header", { cause, details: { length: 3 } });
    expect(err.code).to.equal("invalid_payload");
    expect(err.shortMessage).to.equal("bad header");
    expect(err.details).to.deep.equal({ length: 3 });
    expect(err.cause).to.equal(cause);
    expect(err.message).to.contain("invalid_payload");
  });

  it("is an Error, a BaseError and recognised by isZ402Error", function () {
    const err = new DecodeError(X402_REASONS.invalidPayload, "x");
    expect(err).to.be.instanceOf(Error).and.instanceOf(BaseError);
    expect(err.name).to.equal("DecodeError");
    expect(isZ402Error(err)).to.equal(true);
    expect(isZ402Error(new Error("plain"))).to.equal(false);
  });

  it("walks the cause chain to the deepest error or to a match", function () {
    const root = new TypeError("root");
    const mid = new BaseError("a", "mid", { cause: root });
    const top = new BaseError("b", "top", { cause: mid });
    expect(top.walk()).to.equal(root);
    expect(top.walk((e) => e instanceof BaseError && e.code === "a")).to.equal(mid);
  });

  it("keeps x402's codes in the x402 style", function () {
    for (const code of Object.values(X402_REASONS)) {
      expect(code).to.match(/^[a-z0-9_]+$/);
    }
    expect(X402_REASONS.bsVoucherSignature).to.equal("invalid_batch_settlement_evm_voucher_signature");
    expect(X402_REASONS.exactSignature).to.equal("invalid_exact_evm_signature");
  });

  it("keeps its own codes in a separate group that x402 does not use", function () {
    const x402 = new Set<string>(Object.values(X402_REASONS));
    for (const code of Object.values(Z402_REASONS)) {
      expect(x402.has(code), code).to.equal(false);
      expect(code).to.match(/^z402_[a-z0-9_]+$/);
    }
  });

  it("passes unknown foreign reason codes through as opaque strings", function () {
    expect(parseReason("invalid_something_new_evm_x")).to.equal("invalid_something_new_evm_x");
    expect(isKnownReason("invalid_something_new_evm_x")).to.equal(false);
    expect(isKnownReason("invalid_payload")).to.equal(true);
  });

  it("maps garbage reasons to unexpected_verify_error", function () {
    expect(parseReason(42)).to.equal("unexpected_verify_error");
    expect(parseReason("Not A Code!")).to.equal("unexpected_verify_error");
    expect(parseReason("a".repeat(129))).to.equal("unexpected_verify_error");
  });
});
