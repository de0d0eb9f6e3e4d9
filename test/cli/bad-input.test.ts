import { expect } from "chai";
import { renderError } from "../../sdk/cli/errors";
import { isOneSentence, z402 } from "./support/cli";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const DOWN = "http://127.0.0.1:9"; // discard port: nothing listens

/** Each case: arguments, expected exit code, a fragment of the sentence. */
const CASES: Array<[string, string[], number, RegExp]> = [
  ["an unknown network", ["settle", "--network", "mars", "--key", KEY], 2, /Unknown network "mars"/],
  [
    "a malformed address",
    ["settle", "--key", KEY, "--receiver", "0x1234"],
    2,
    /"0x1234" is not a valid receiver address/,
  ],
  [
    "an address with a bad checksum",
    ["channels", "--key", KEY, "--address", "0x70997970C51812dc3A010C7d01b50e0d17dc79c8"],
    2,
    /checksum/,
  ],
  [
    "a malformed address given without a key (the address is named first)",
    ["settle", "--receiver", "0x1234"],
    2,
    /^z402: "0x1234" is not a valid receiver address/,
  ],
  ["a missing key", ["settle"], 2, /No private key: pass --key or set Z402_PRIVATE_KEY/],
  ["a malformed key", ["settle", "--key", "0xnothex"], 2, /private key from --key is malformed/],
  ["a malformed channel id", ["refund", "0x12", "--key", KEY], 2, /is not a valid channel id/],
  [
    "a malformed amount",
    ["withdraw", `0x${"ab".repeat(32)}`, "--amount", "-3", "--key", KEY],
    2,
    /is not a valid amount/,
  ],
  ["a malformed port", ["node", "--port", "99999"], 2, /is not a valid port/],
  ["an unknown option", ["settle", "--bogus"], 2, /Unknown option '--bogus'/],
  ["a missing argument", ["refund"], 2, /Missing required argument 'channelId'/],
  ["an unknown command", ["frobnicate"], 2, /Unknown command 'frobnicate'/],
  ["a malformed RPC URL", ["settle", "--key", KEY, "--rpc", "not a url"], 2, /is not a valid RPC URL/],
  [
    "a CAIP-2 network without a preset (asking for its RPC URL)",
    ["settle", "--network", "eip155:1", "--key", KEY],
    2,
    /^z402: No RPC URL for eip155:1: pass --rpc/,
  ],
  [
    "both --port and --rpc for deploy",
    ["deploy", "--port", "9545", "--rpc", "http://127.0.0.1:9545"],
    2,
    /Pass either --port or --rpc, not both/,
  ],
  [
    "a deploy to a network the repository cannot deploy to",
    ["deploy", "--network", "eip155:1", "--rpc", DOWN],
    2,
    /The repository deploys to local, base-sepolia, base, not eip155:1/,
  ],
];

/** Every command, as typed after `z402`. */
const COMMANDS = [
  [],
  ["node"],
  ["deploy"],
  ["agent"],
  ["agent", "create"],
  ["agent", "show"],
  ["agent", "list"],
  ["agent", "heartbeat"],
  ["discover"],
  ["pay"],
  ["channels"],
  ["claim"],
  ["settle"],
  ["refund"],
  ["withdraw"],
  ["feedback"],
  ["facilitator"],
];

describe("z402 CLI: bad input", function () {
  for (const [what, args, code, sentence] of CASES) {
    it(`answers ${what} with one sentence and exit code ${code}`, async function () {
      const r = await z402(args);
      expect(r.code).to.equal(code);
      expect(r.stderr).to.match(sentence);
      expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
    });
  }

  it("takes the key from Z402_PRIVATE_KEY and reports a malformed one by its source", async function () {
    const r = await z402(["settle"], { Z402_PRIVATE_KEY: "12" });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/from Z402_PRIVATE_KEY is malformed/);
  });

  it("reports a JSON-RPC server that is down in one sentence", async function () {
    const dir = await import("node:os").then((os) => os.tmpdir());
    const file = `${dir}/z402-cli-down.json`;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      file,
      JSON.stringify({ chainId: 31337, contracts: { escrow: { address: `0x${"11".repeat(20)}` } } }),
    );
    const r = await z402(["channels", "--key", KEY, "--rpc", DOWN, "--deployment", file]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/Cannot reach 127\.0\.0\.1:9 \(connection refused\): is it running\?/);
    expect(isOneSentence(r.stderr), r.stderr).to.equal(true);
  });

  it("reports a missing deployment record in one sentence", async function () {
    const r = await z402(["channels", "--key", KEY, "--deployment", "/nonexistent/31337.json"]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/No deployment record for chain 31337/);
  });

  it("prints help with examples for every command and exits 0", async function () {
    const results = await Promise.all(COMMANDS.map((c) => z402([...c, "--help"])));
    results.forEach((r, i) => {
      expect(r.code, COMMANDS[i].join(" ")).to.equal(0);
      expect(r.stdout, COMMANDS[i].join(" ")).to.match(/Examples:\n {2}\$ z402/);
    });
  });

  it("lists the global options (--key, --network, --rpc, --json) in every subcommand's help", async function () {
    const subcommands = COMMANDS.filter((c) => c.length > 0);
    const results = await Promise.all(subcommands.map((c) => z402([...c, "--help"])));
    results.forEach((r, i) => {
      const global = r.stdout.slice(r.stdout.indexOf("Global Options:"));
      expect(r.stdout, subcommands[i].join(" ")).to.include("Global Options:");
      for (const flag of ["--key <hex>", "--network <name>", "--rpc <url>", "--json"])
        expect(global, `${subcommands[i].join(" ")} ${flag}`).to.include(flag);
    });
  });

  it("maps a CAIP-2 id with a preset to its network", async function () {
    const r = await z402(["settle", "--network", "eip155:84532", "--key", KEY], { BASE_SEPOLIA_RPC_URL: "" });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^z402: No RPC URL for base-sepolia: pass --rpc/);
  });

  it("names the networks and the CAIP-2 form when the network is unknown", async function () {
    const r = await z402(["settle", "--network", "mars", "--key", KEY]);
    expect(r.stderr.trim()).to.equal(
      'z402: Unknown network "mars": use one of local, base-sepolia, base, or a CAIP-2 id such as eip155:8453.',
    );
  });

  it("never capitalizes a sentence that starts with a URL", function () {
    expect(renderError(new Error("http://127.0.0.1:4021/free answered 404"))).to.equal(
      "http://127.0.0.1:4021/free answered 404.",
    );
  });

  it("names the cause of a bare `fetch failed`", function () {
    const err = new TypeError("fetch failed", {
      cause: { code: "UND_ERR_SOCKET", message: "other side closed" },
    });
    expect(renderError(err)).to.equal(
      "A request got no answer (UND_ERR_SOCKET): is the server it went to running?",
    );
  });
});
