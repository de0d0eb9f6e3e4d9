import { expect } from "chai";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Wallet } from "ethers";
import { defaultSessionFile, sessionKeyFor } from "../../sdk/cli/session-key";

const PAYER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const tmp = (prefix: string) => mkdtempSync(path.join(os.tmpdir(), prefix));

describe("z402 CLI: where the session keys are kept", function () {
  it("defaults to $XDG_CONFIG_HOME/z402/client.json", function () {
    expect(defaultSessionFile({ XDG_CONFIG_HOME: "/x/config" })).to.equal("/x/config/z402/client.json");
  });

  it("falls back to ~/.config/z402/client.json without XDG_CONFIG_HOME, or with a relative one", function () {
    const home = path.join(os.homedir(), ".config", "z402", "client.json");
    expect(defaultSessionFile({})).to.equal(home);
    expect(defaultSessionFile({ XDG_CONFIG_HOME: "relative/dir" })).to.equal(home);
  });

  it("creates the file 0600 in a 0700 folder and returns the same key on the next call", function () {
    const file = path.join(tmp("z402-sk-"), "z402", "client.json");
    const first = sessionKeyFor(file, 31337, PAYER, { warn: () => undefined });
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
    expect(sessionKeyFor(file, 31337, PAYER).address).to.equal(first.address);
  });

  it("tightens an existing file that others can read to 0600", function () {
    const file = path.join(tmp("z402-sk-"), "client.json");
    const key = Wallet.createRandom().privateKey;
    writeFileSync(file, JSON.stringify({ sessions: { [`31337:${PAYER.toLowerCase()}`]: key } }), {
      mode: 0o644,
    });
    expect(sessionKeyFor(file, 31337, PAYER).privateKey).to.equal(key);
    expect(statSync(file).mode & 0o777).to.equal(0o600);
  });

  it("copies keys from the old ./.z402/client.json and warns to delete it", function () {
    const work = tmp("z402-work-");
    const legacy = path.join(work, ".z402", "client.json");
    mkdirSync(path.dirname(legacy));
    const old = Wallet.createRandom().privateKey;
    writeFileSync(legacy, JSON.stringify({ sessions: { [`31337:${PAYER.toLowerCase()}`]: old } }));
    const file = path.join(tmp("z402-config-"), "z402", "client.json");
    const warnings: string[] = [];
    const key = sessionKeyFor(file, 31337, PAYER, { legacy, warn: (l) => warnings.push(l) });
    expect(key.privateKey).to.equal(old);
    expect(JSON.parse(readFileSync(file, "utf8")).sessions[`31337:${PAYER.toLowerCase()}`]).to.equal(old);
    expect(warnings).to.deep.equal([
      `z402: warning: ${legacy} keeps session keys inside the working tree; they are now in ${file}: delete ${legacy}`,
    ]);
    expect(existsSync(legacy)).to.equal(true); // the user deletes it, as told
  });
});
