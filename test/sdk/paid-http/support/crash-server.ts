/**
 * A paid server run as a child process by the crash-safety test (bundled with esbuild first).
 * Configuration comes from the environment; it prints `READY` once it listens.
 */
import http from "node:http";
import { withPaywall } from "../../../../sdk/server";
import { paywallFromEnv } from "./env-paywall";

async function main() {
  const { paywall } = await paywallFromEnv(process.env, { pollMs: 500, instanceId: "crash-test" });
  const server = http.createServer(
    withPaywall(paywall, async (_req, res) => {
      // A little work, so kills land inside handlers too.
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4)));
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    }),
  );
  server.keepAliveTimeout = 120_000;
  server.listen(Number(process.env.Z402_PORT), "127.0.0.1", () => process.stdout.write("READY\n"));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + "\n");
  process.exit(1);
});
