import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { readContractAtAddresses, readJournal } from "../../scripts/deploy/journal";

const HASH_A = "0x" + "aa".repeat(32);
const HASH_B = "0x" + "bb".repeat(32);
const ADDRESS = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

function journalDir(lines: object[]): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "z402-journal-"));
  writeFileSync(path.join(dir, "journal.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return dir;
}

const send = (futureId: string, hash: string) => ({
  type: "TRANSACTION_SEND",
  futureId,
  transaction: { hash },
});
const confirm = (futureId: string, hash: string, blockNumber: number) => ({
  type: "TRANSACTION_CONFIRM",
  futureId,
  hash,
  receipt: { blockNumber, status: "SUCCESS" },
});
const deployed = (futureId: string) => ({
  type: "DEPLOYMENT_EXECUTION_STATE_COMPLETE",
  futureId,
  result: { type: "SUCCESS", address: ADDRESS },
});

describe("scripts/deploy: reading the Ignition journal", function () {
  it("takes a deployment's transaction, block and address", function () {
    const dir = journalDir([send("M#a", HASH_A), confirm("M#a", HASH_A, 7), deployed("M#a")]);
    expect(readJournal(dir)).to.deep.equal([
      { futureId: "M#a", kind: "deployment", transactionHash: HASH_A, blockNumber: 7, address: ADDRESS },
    ]);
  });

  it("takes the last send of a fee-bumped future and the confirmation of that send", function () {
    const dir = journalDir([
      send("M#a", HASH_A),
      send("M#a", HASH_B),
      confirm("M#a", HASH_B, 9),
      deployed("M#a"),
    ]);
    expect(readJournal(dir).map((tx) => [tx.transactionHash, tx.blockNumber])).to.deep.equal([[HASH_B, 9]]);
  });

  it("leaves the block unset when the confirmation was not journaled", function () {
    const dir = journalDir([send("M#a", HASH_A), deployed("M#a")]);
    expect(readJournal(dir)[0].blockNumber).to.equal(undefined);
  });

  it("skips futures that did not complete", function () {
    const dir = journalDir([send("M#a", HASH_A), confirm("M#a", HASH_A, 7)]);
    expect(readJournal(dir)).to.deep.equal([]);
  });

  it("marks completed calls as calls", function () {
    const complete = { type: "CALL_EXECUTION_STATE_COMPLETE", futureId: "M#c", result: { type: "SUCCESS" } };
    const dir = journalDir([send("M#c", HASH_A), confirm("M#c", HASH_A, 3), complete]);
    expect(readJournal(dir).map((tx) => tx.kind)).to.deep.equal(["call"]);
  });

  it("reads the addresses of contractAt futures", function () {
    const init = {
      type: "CONTRACT_AT_EXECUTION_STATE_INITIALIZE",
      futureId: "M#impl",
      contractAddress: ADDRESS,
    };
    expect([...readContractAtAddresses(journalDir([init]))]).to.deep.equal([["M#impl", ADDRESS]]);
  });

  it("refuses a folder without a journal", function () {
    expect(() => readJournal(mkdtempSync(path.join(os.tmpdir(), "z402-empty-")))).to.throw(
      /no Ignition journal/,
    );
  });
});
