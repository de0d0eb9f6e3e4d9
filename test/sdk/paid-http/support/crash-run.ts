/**
 * The crash-safety run shared by the stores: a paid server (support/crash-server.ts, bundled with esbuild) run as
 * a child process is killed with SIGKILL again and again during traffic, then the store it wrote is read back.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { buildSync } from "esbuild";
import { JsonRpcServer } from "hardhat/internal/hardhat-network/jsonrpc/server";
import type { EIP1193Provider } from "hardhat/types";
import type { VoucherStore } from "../../../../sdk/store";
import { decodeJson } from "../../../../sdk/client/wire";
import { deploy, freshKey, payingFetch, PRICE, WITHDRAW_DELAY, type Deployment } from "./fixture";

const ROUNDS = 12;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Where the child server keeps its vouchers. */
export interface CrashStore {
  /** Names the bundle (`test-output/crash/server-<name>.js`). */
  name: string;
  /** The child's store settings (env-paywall.ts), given a temp dir of the run. */
  env(dir: string): Record<string, string>;
  /** The store the child wrote, opened by the test to read it back. */
  open(dir: string): VoucherStore;
}

/** Registers the run's hooks and test in the calling `describe`. */
export function shouldSurviveKill9(store: CrashStore): void {
  let d: Deployment;
  let dir: string | undefined;
  let bundle: string;
  let rpc: { close(): Promise<void> } | undefined;
  let rpcUrl: string;
  let port: number;
  let relayerAddress = "";

  before(async () => {
    d = await deploy();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "z402-crash-"));
    // Inside the repository, so the bundle's import() of the native secp256k1 binding finds node_modules.
    const out = path.join(__dirname, "../../../../test-output/crash");
    fs.mkdirSync(out, { recursive: true });
    bundle = path.join(out, `server-${store.name}.js`);
    buildSync({
      entryPoints: [path.join(__dirname, "crash-server.ts")],
      bundle: true,
      platform: "node",
      target: "node20",
      outfile: bundle,
      external: ["better-sqlite3", "secp256k1", "ioredis", "pg"],
      nodePaths: [path.join(__dirname, "../../../../node_modules")],
      logLevel: "silent",
    });
    const server = new JsonRpcServer({
      hostname: "127.0.0.1",
      port: 0,
      provider: network.provider as unknown as EIP1193Provider,
    });
    const addr = await server.listen();
    rpc = server;
    rpcUrl = `http://127.0.0.1:${addr.port}`;
    port = await freePort();
  });
  after(async () => {
    await rpc?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  function start(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [bundle], {
      env: {
        ...process.env,
        NODE_PATH: path.join(__dirname, "../../../../node_modules"),
        Z402_RPC: rpcUrl,
        Z402_CHAIN_ID: d.chainId.toString(),
        Z402_RELAYER: relayerAddress,
        Z402_ESCROW: d.escrow,
        Z402_TOKEN: d.tokenAddress,
        Z402_COLLECTOR: d.collector,
        Z402_RECEIVER: d.receiver,
        Z402_AUTHORIZER: d.authorizer.address,
        Z402_WITHDRAW_DELAY: String(WITHDRAW_DELAY),
        Z402_PRICE: PRICE.toString(),
        ...store.env(dir!),
        Z402_PORT: String(port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new Promise((resolve, reject) => {
      let err = "";
      child.stderr!.on("data", (b: Buffer) => (err += b.toString()));
      child.stdout!.on("data", (b: Buffer) => {
        if (b.toString().includes("READY")) resolve(child);
      });
      child.once("exit", (code) => reject(new Error(`server exited (${code}): ${err}`)));
    });
  }

  it("loses no voucher, serves nothing unpaid and never charges the client twice", async function () {
    relayerAddress = await d.relayer.getAddress();
    const launch = start;
    const url = `http://127.0.0.1:${port}/paid/item`;
    const pay = payingFetch(d, {
      sessionKey: freshKey(),
      deposit: { amount: 10n ** 7n, max: 10n ** 9n },
      networkRetry: { attempts: 1200, delayMs: 50 }, // a restart can take seconds on a loaded machine
    });
    let child = await launch();
    let served = 0;
    let lastCumulative = 0n;
    const record = (res: Response) => {
      if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
      served++;
      const pr = decodeJson(res.headers.get("payment-response")!) as {
        extra: { channelState: { chargedCumulativeAmount: string } };
      };
      lastCumulative = BigInt(pr.extra.channelState.chargedCumulativeAmount);
    };
    record(await pay(url)); // opens the channel before any kill
    let stop = false;
    let failure: unknown;
    const traffic = (async () => {
      try {
        while (!stop) record(await pay(url));
      } catch (err) {
        failure = err;
      }
    })();
    for (let round = 0; round < ROUNDS; round++) {
      if (failure) break;
      await new Promise((r) => setTimeout(r, 30 + Math.floor(Math.random() * 150)));
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGKILL");
      await exited;
      child = await launch();
    }
    await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await traffic;
    if (failure) throw failure;
    child.kill("SIGTERM");
    const written = store.open(dir!);
    const [rec] = await written.listOwed();
    await written.close();
    expect({
      charged: rec.charged,
      clientView: lastCumulative,
      coveredByVoucher: rec.signedMax >= rec.charged,
    }).to.deep.equal({
      charged: BigInt(served) * PRICE,
      clientView: BigInt(served) * PRICE,
      coveredByVoucher: true,
    });
  });
}
