/**
 * A paid server run as a child process by the crash-safety test (bundled with esbuild first).
 * Configuration comes from the environment; it prints `READY` once it listens.
 */
import http from "node:http";
import { JsonRpcProvider } from "ethers";
import { ChainMirror, EthersEscrowChain, Paywall, withPaywall } from "../../../../sdk/server";
import { SqliteVoucherStore } from "../../../../sdk/store";

async function main() {
  const env = process.env;
  const chainId = BigInt(env.Z402_CHAIN_ID!);
  const provider = new JsonRpcProvider(env.Z402_RPC, Number(chainId), {
    staticNetwork: true,
    cacheTimeout: -1,
  });
  const signer = await provider.getSigner(env.Z402_RELAYER!);
  const chain = new EthersEscrowChain(chainId, env.Z402_ESCROW!, signer);
  const mirror = new ChainMirror(chain, { pollMs: 500 });
  await mirror.start();
  const store = new SqliteVoucherStore({ filename: env.Z402_DB! });
  const paywall = new Paywall({
    network: `eip155:${chainId}`,
    chain,
    mirror,
    store,
    token: { address: env.Z402_TOKEN!, name: "USDC", version: "2" },
    payTo: env.Z402_RECEIVER!,
    receiverAuthorizer: env.Z402_AUTHORIZER!,
    withdrawDelay: Number(env.Z402_WITHDRAW_DELAY),
    depositCollector: env.Z402_COLLECTOR!,
    routes: [{ path: "/paid/*", price: BigInt(env.Z402_PRICE!) }],
    instanceId: "crash-test",
  });
  await paywall.start();
  const server = http.createServer(
    withPaywall(paywall, async (_req, res) => {
      // A little work, so kills land inside handlers too.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4)));
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    }),
  );
  server.keepAliveTimeout = 120_000;
  server.listen(Number(env.Z402_PORT), "127.0.0.1", () => process.stdout.write("READY\n"));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + "\n");
  process.exit(1);
});
