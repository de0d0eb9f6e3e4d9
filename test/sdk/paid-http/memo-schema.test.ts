import { expect } from "chai";
import { z } from "zod";
import { memoizedSchema } from "../../../sdk/server/memo-schema";

/** A schema that counts how often it really runs. */
function counted() {
  const calls = { n: 0 };
  const inner = z.strictObject({ id: z.string().refine((s) => (calls.n++, s.startsWith("ok")), "bad") });
  return { calls, schema: memoizedSchema(inner) };
}

describe("memoizedSchema: the hot path's repeated wire values", function () {
  it("runs the schema once for a value it accepted", function () {
    const { calls, schema } = counted();
    schema.parse({ id: "ok-1" });
    schema.parse(JSON.parse('{"id":"ok-1"}'));
    expect(calls.n).to.equal(1);
  });

  it("runs the schema again for every value it refused", function () {
    const { calls, schema } = counted();
    expect(schema.safeParse({ id: "no" }).success).to.equal(false);
    expect(schema.safeParse({ id: "no" }).success).to.equal(false);
    expect(calls.n).to.equal(2);
  });

  it("refuses what the schema refuses even after accepting a value with the same fields", function () {
    const { schema } = counted();
    schema.parse({ id: "ok-1" });
    expect(schema.safeParse({ id: "ok-1", extra: 1 }).success).to.equal(false);
  });

  it("still checks values JSON cannot represent", function () {
    const { schema } = counted();
    expect(schema.safeParse({ id: 1n }).success).to.equal(false);
  });
});
