/**
 * Paid HTTP benchmark (`npx hardhat run bench/paid-http.bench.ts`): the paywall's overhead and throughput
 * against the same unpaid route, RPC calls per voucher request, and z402 vouchers against `exact` on a local
 * chain mining a block every 2 s. Writes bench/RESULTS-paid-http.md. Not a test: nothing here asserts a time.
 */
import { ethers, network } from "hardhat";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { BrowserProvider, Wallet, ZeroAddress, ZeroHash, hexlify, randomBytes } from "ethers";
import { Hono } from "hono";
import { createAdaptorServer } from "@hono/node-server";
import { ChainMirror, EthersEscrowChain, Paywall, honoPaywall } from "../sdk/server";
import { SqliteVoucherStore } from "../sdk/store";
import { SessionSigner } from "../sdk/signing";
import { channelIdOf, signVoucher } from "../sdk/client";
import { signExactAuthorization } from "../sdk/client/sign";

const PRICE = 1_000n;
const DELAY = 900;
const LANES = 32;
const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64");

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { p50: pct(s, 50), p99: pct(s, 99) };
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
function get(
  port: number,
  p: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; ms: number }> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: p, agent, headers }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, ms: Number(process.hrtime.bigint() - t0) / 1e6 }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

async function main(): Promise<void> {
  const [, relayer, payerSigner, , receiverSigner] = await ethers.getSigners();
  const receiver = await receiverSigner.getAddress();
  const token = await ethers.deployContract("MockEIP3009Token");
  const escrow = await ethers.deployContract("Z402Escrow");
  const collector = await ethers.deployContract("ERC3009DepositCollector", [await escrow.getAddress()]);
  const escrowAddr = await escrow.getAddress();
  const tokenAddr = await token.getAddress();
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const authorizer = new Wallet(hexlify(randomBytes(32)));
  const payer = await payerSigner.getAddress();
  await token.mint(payer, 10n ** 15n);
  await (token.connect(payerSigner) as typeof token).approve(escrowAddr, 10n ** 15n);

  const run = async (sync: "FULL" | "NORMAL", n: number, perLane: number) => {
    // The server's chain access goes through a counting EIP-1193 wrapper.
    let rpcCalls = 0;
    const counting = new BrowserProvider(
      {
        request: async (a: { method: string; params?: unknown[] }) => (
          rpcCalls++,
          network.provider.request(a)
        ),
      },
      undefined,
      { staticNetwork: true, cacheTimeout: -1 },
    );
    const chain = new EthersEscrowChain(
      chainId,
      escrowAddr,
      await counting.getSigner(await relayer.getAddress()),
    );
    // Polls are not request handling: park them during the measurements (the mirror is fed by events).
    const mirror = new ChainMirror(chain, { pollMs: 3_600_000 });
    await mirror.start();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "z402-bench-"));
    const store = new SqliteVoucherStore({ filename: path.join(dir, "v.db"), synchronous: sync });
    const paywall = new Paywall({
      network: `eip155:${chainId}`,
      chain,
      mirror,
      store,
      token: { address: tokenAddr, name: "USDC", version: "2" },
      payTo: receiver,
      receiverAuthorizer: authorizer.address,
      withdrawDelay: DELAY,
      depositCollector: await collector.getAddress(),
      routes: [{ path: "/paid/*", price: PRICE }],
    });
    await paywall.start();
    const app = new Hono();
    app.use("*", honoPaywall(paywall));
    app.get("*", (c) => c.text("hello"));
    const server = createAdaptorServer({ fetch: app.fetch }) as http.Server;
    server.keepAliveTimeout = 120_000;
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as AddressInfo).port;
    const accepted = JSON.parse(Buffer.from((await fetchHeader(port)) ?? "", "base64").toString()).accepts;

    // Channels funded in bulk; vouchers pre-signed so the client costs nothing during the runs.
    const sessions = Array.from({ length: LANES }, () => SessionSigner.random());
    const configs = sessions.map((s) => ({
    payer, payerAuthorizer: s.address, receiver, receiverAuthorizer: authorizer.address,
    token: tokenAddr, withdrawDelay: DELAY, salt: ZeroHash,
  })); // prettier-ignore
    await (escrow.connect(payerSigner) as typeof escrow).multicall(
      configs.map((c) => escrow.interface.encodeFunctionData("deposit", [c, 10n ** 12n, ZeroAddress, "0x"])),
    );
    const cursors = sessions.map(() => 0n);
    const ids = configs.map((c) => channelIdOf(chainId, escrowAddr, c));
    // Warm-up: each channel is read from chain once, when first seen (not per request).
    const headerFor = async (lane: number) => {
      cursors[lane] += PRICE;
      const id = ids[lane];
      const signature = await signVoucher(sessions[lane], chainId, escrowAddr, id, cursors[lane]);
      const voucher = { channelId: id, maxClaimableAmount: cursors[lane].toString(), signature };
      return encode({
        x402Version: 2,
        accepted: accepted[0],
        payload: { type: "voucher", channelConfig: configs[lane], voucher },
      });
    };
    const presign = async (lane: number, n: number) => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) out.push(await headerFor(lane));
      return out;
    };

    for (let lane = 0; lane < LANES; lane++) {
      const r = await get(port, "/paid/x", { "payment-signature": await headerFor(lane) });
      if (r.status !== 200) throw new Error(`bench: warm-up ${r.status}`);
    }

    // 1. Paywall overhead in process (handle + commit, no HTTP).
    const inproc: number[] = [];
    for (const h of await presign(0, n)) {
      const t0 = process.hrtime.bigint();
      const out = await paywall.handle({
        method: "GET",
        url: "/paid/x",
        resourceUrl: "http://b/paid/x",
        header: (n) => (n === "payment-signature" ? h : undefined),
      });
      if (out.type !== "proceed") throw new Error("bench: voucher refused");
      await paywall.complete(out.ticket, true);
      inproc.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
    const inprocStats = stats(inproc.slice(n / 4));

    // 2. Sequential HTTP latency: unpaid vs paid.
    const free: number[] = [];
    for (let i = 0; i < n; i++) free.push((await get(port, "/free")).ms);
    const paidHeaders = await presign(1, n);
    const paid: number[] = [];
    rpcCalls = 0;
    for (const h of paidHeaders) {
      const r = await get(port, "/paid/x", { "payment-signature": h });
      if (r.status !== 200) throw new Error(`bench: paid ${r.status}`);
      paid.push(r.ms);
    }
    const rpcPerRequest = rpcCalls / paidHeaders.length;
    const freeStats = stats(free.slice(n / 4));
    const paidStats = stats(paid.slice(n / 4));

    // 3. Throughput with LANES concurrent connections (one channel per lane).
    const PER_LANE = perLane;
    const lanesHeaders = await Promise.all(sessions.map((_, lane) => presign(lane, PER_LANE)));
    const throughput = async (paidRun: boolean) => {
      const t0 = process.hrtime.bigint();
      await Promise.all(
        lanesHeaders.map(async (hs) => {
          for (const h of hs) {
            const r = await get(
              port,
              paidRun ? "/paid/x" : "/free",
              paidRun ? { "payment-signature": h } : {},
            );
            if (r.status !== 200) throw new Error(`bench: ${r.status}`);
          }
        }),
      );
      return (LANES * PER_LANE) / (Number(process.hrtime.bigint() - t0) / 1e9);
    };
    await throughput(false);
    const freeRps = await throughput(false);
    const paidRps = await throughput(true);

    return {
      port,
      accepted,
      presign,
      inprocStats,
      freeStats,
      paidStats,
      freeRps,
      paidRps,
      rpcPerRequest,
      server,
      mirror,
      store,
      dir,
    };
  };
  const quick = process.env.BENCH_QUICK === "1";
  const full = await run("FULL", quick ? 40 : 400, quick ? 4 : 40);
  full.server.close();
  full.server.closeAllConnections?.();
  await full.mirror.stop();
  await full.store.close();
  const normal = await run("NORMAL", 2000, 300);
  const { port, accepted, presign, server, mirror, store, dir } = normal;

  // 4. exact vs voucher on a chain mining a block every 2 s.
  await network.provider.send("evm_setAutomine", [false]);
  await network.provider.send("evm_setIntervalMining", [2000]);
  const exactWallet = new Wallet(hexlify(randomBytes(32)));
  await token.mint(exactWallet.address, 10n ** 12n);
  await new Promise((r) => setTimeout(r, 2100));
  const exact: number[] = [];
  for (let i = 0; i < (quick ? 1 : 5); i++) {
    const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
    const payload = await signExactAuthorization(
      exactWallet,
      { address: tokenAddr, name: "USDC", version: "2" },
      chainId,
      receiver,
      PRICE,
      now,
      60,
    );
    const h = encode({ x402Version: 2, accepted: accepted[1], payload });
    const r = await get(port, "/paid/x", { "payment-signature": h });
    if (r.status !== 200) throw new Error(`bench: exact ${r.status}`);
    exact.push(r.ms);
  }
  const voucherUnderMining: number[] = [];
  for (const h of await presign(2, 500))
    voucherUnderMining.push((await get(port, "/paid/x", { "payment-signature": h })).ms);
  await network.provider.send("evm_setIntervalMining", [0]);
  await network.provider.send("evm_setAutomine", [true]);
  const exactStats = stats(exact);
  const vStats = stats(voucherUnderMining.slice(100));

  server.close();
  server.closeAllConnections?.();
  agent.destroy();
  await mirror.stop();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });

  const f = (x: number) => x.toFixed(3);
  const cpu = os.cpus()[0]?.model ?? "unknown";
  const row = (label: string, fn: (r: typeof normal) => string) =>
    `| ${label} | ${fn(normal)} | ${fn(full)} |`;
  const lines = [
    "# Paid HTTP benchmark",
    "",
    `Machine: ${cpu}, ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.release()}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")}. Date: ${new Date().toISOString()}.`,
    "Server: Hono on @hono/node-server with the z402 paywall, SQLite voucher store (WAL, group commit) on a temp file, in-process Hardhat chain.",
    "Client: node:http keep-alive agent on the same machine; vouchers pre-signed (client cost excluded). Baseline: the same server's unpaid route, same run.",
    "`NORMAL` survives a process crash (the crash-safety test kills the server with SIGKILL); `FULL` also fsyncs every commit (power loss).",
    "",
    "| measure | synchronous=NORMAL | synchronous=FULL |",
    "|---|---|---|",
    row(
      "paywall in process (verify + persist + commit) p50 / p99",
      (r) => `${f(r.inprocStats.p50 / 1000)} / ${f(r.inprocStats.p99 / 1000)} ms`,
    ),
    row("unpaid route latency p50 / p99", (r) => `${f(r.freeStats.p50)} / ${f(r.freeStats.p99)} ms`),
    row("paid route latency p50 / p99", (r) => `${f(r.paidStats.p50)} / ${f(r.paidStats.p99)} ms`),
    row("paid-request overhead p50 (paid − unpaid)", (r) => `${f(r.paidStats.p50 - r.freeStats.p50)} ms`),
    row(
      `throughput unpaid / paid (${LANES} connections, one channel each)`,
      (r) => `${r.freeRps.toFixed(0)} / ${r.paidRps.toFixed(0)} req/s`,
    ),
    row("paid throughput as a share of unpaid", (r) => `${((100 * r.paidRps) / r.freeRps).toFixed(1)} %`),
    row("RPC calls per voucher request", (r) => String(r.rpcPerRequest)),
    "",
    "z402 against `exact` on the same server, with the chain mining a block every 2 s (as Base does), NORMAL store:",
    "",
    "| measure | value |",
    "|---|---|",
    `| exact latency p50 (EIP-3009 settled on chain before answering) | ${f(exactStats.p50)} ms |`,
    `| z402 voucher latency p50 (same chain, same time) | ${f(vStats.p50)} ms |`,
    `| exact p50 / voucher p50 | ${(exactStats.p50 / vStats.p50).toFixed(0)}× |`,
    "",
  ];
  const out = path.join(__dirname, "RESULTS-paid-http.md");
  fs.writeFileSync(out, lines.join("\n"));
  console.log(lines.join("\n"));
}

async function fetchHeader(port: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/paid/x" }, (res) => {
        res.resume();
        resolve(res.headers["payment-required"] as string | undefined);
      })
      .on("error", reject);
  });
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
