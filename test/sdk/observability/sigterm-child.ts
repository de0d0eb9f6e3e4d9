/**
 * A server run as a child process by the shutdown test (bundled with esbuild first): `/slow` answers 300 ms
 * after it starts (printing `IN`); SIGTERM runs the graceful shutdown. Prints `READY <port>` once it listens.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { createObservability, gracefulShutdown } from "../../../sdk/observability";

const obs = createObservability({ service: "sigterm-child", pretty: false });
const server = http.createServer((req, res) => {
  process.stdout.write("IN\n");
  setTimeout(() => res.end("done " + req.url), 300);
});
gracefulShutdown({ server, obs, timeoutMs: 5000 });
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`READY ${(server.address() as AddressInfo).port}\n`);
});
