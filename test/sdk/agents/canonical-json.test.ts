import { expect } from "chai";
import { keccak256, toUtf8Bytes } from "ethers";
import fc from "fast-check";
import { AgentError, canonicalHash, canonicalize } from "../../../sdk/agents";

describe("agents/canonical-json (RFC 8785)", function () {
  it("sorts members by UTF-16 code units (RFC 8785 §3.2.3 example)", function () {
    const input = {
      "\u20ac": 1,
      "\r": 2,
      "\ufb33": 3,
      "1": 4,
      "\ud83d\ude00": 5,
      "\u0080": 6,
      "\u00f6": 7,
    };
    expect(canonicalize(input)).to.equal(
      '{"\\r":2,"1":4,"\u0080":6,"\u00f6":7,"\u20ac":1,"\ud83d\ude00":5,"\ufb33":3}',
    );
  });

  it("writes numbers in their shortest ECMAScript form", function () {
    expect(canonicalize([1e30, 4.5, 2e-3, 1e-27, -0, 333333333.3333333, 1e21])).to.equal(
      "[1e+30,4.5,0.002,1e-27,0,333333333.3333333,1e+21]",
    );
  });

  it("escapes strings as JSON.stringify does, with no whitespace", function () {
    expect(canonicalize({ a: "\u20ac$\u000f\nA'B\"\\/", b: [true, null, false] })).to.equal(
      '{"a":"€$\\u000f\\nA\'B\\"\\\\/","b":[true,null,false]}',
    );
  });

  it("omits undefined members", function () {
    expect(canonicalize({ b: 1, a: undefined })).to.equal('{"b":1}');
  });

  for (const [what, value] of [
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["a bigint", 1n],
    ["a lone surrogate", "\ud800x"],
    ["a function", () => 1],
  ] as const) {
    it(`refuses ${what}`, function () {
      expect(() => canonicalize({ v: value }))
        .to.throw(AgentError)
        .with.property("code", "invalid_canonical_json");
    });
  }

  it("hashes the UTF-8 bytes of the canonical text with keccak256", function () {
    const v = { z: "é", a: [1, 2] };
    expect(canonicalHash(v)).to.equal(keccak256(toUtf8Bytes('{"a":[1,2],"z":"é"}')));
  });

  it("is idempotent and independent of member order (property)", function () {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => {
        const text = canonicalize(v);
        expect(canonicalize(JSON.parse(text))).to.equal(text);
        const reversed = JSON.parse(text, (_k, x) =>
          x && typeof x === "object" && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x).reverse())
            : x,
        );
        expect(canonicalHash(reversed)).to.equal(canonicalHash(v));
      }),
      { numRuns: 200 },
    );
  });
});
