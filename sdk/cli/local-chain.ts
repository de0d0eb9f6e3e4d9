/**
 * A local chain for development and the demo: Hardhat's in-process network served as JSON-RPC on loopback,
 * with the z402 system deployed by the Ignition `System` module. Hardhat is passed in (`hre`), never
 * imported, so the SDK runtime does not depend on it; only `z402 node` and the demo load it, from the
 * z402 repository.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { CliError } from "./errors";

/** JSON-RPC calls served, by method. */
export class RpcCounter {
  readonly byMethod = new Map<string, number>();
  total = 0;
  record(method: string): void {
    this.total += 1;
    this.byMethod.set(method, (this.byMethod.get(method) ?? 0) + 1);
  }
}

export interface LocalChain {
  url: string;
  chainId: number;
  /** Calls the loopback server has answered (all clients together). */
  rpc: RpcCounter;
  close(): Promise<void>;
}

interface JsonRpcServerLike {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

type Eip1193 = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

/** Serves `hre`'s in-process network on `host:port` (port 0 picks a free port). */
export async function startLocalChain(
  hre: HardhatRuntimeEnvironment,
  options: { host?: string; port?: number } = {},
): Promise<LocalChain> {
  const host = options.host ?? "127.0.0.1";
  if (hre.network.name !== "hardhat")
    throw new CliError("The local chain runs only on Hardhat's in-process network");
  const rpc = new RpcCounter();
  const inner = hre.network.provider as unknown as Eip1193;
  const counted = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "request") {
        return (args: { method: string; params?: unknown[] }) => {
          rpc.record(args.method);
          return target.request(args);
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const server = (await hre.run("node:create-server", {
    hostname: host,
    port: options.port ?? 0,
    provider: counted,
  })) as JsonRpcServerLike;
  let address: { address: string; port: number };
  try {
    address = await server.listen();
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "EADDRINUSE")
      throw new CliError(`Port ${options.port} on ${host} is already in use: pick another with --port`);
    throw err;
  }
  const chainId = Number(await inner.request({ method: "eth_chainId" }));
  return { url: `http://${host}:${address.port}`, chainId, rpc, close: () => server.close() };
}

/** Compiles (quietly) and deploys the Ignition `System` module; returns the deployed addresses by name. */
export async function deploySystem(hre: HardhatRuntimeEnvironment): Promise<Record<string, string>> {
  const root = hre.config.paths.root;
  const modulePath = path.join(root, "ignition", "modules", "System.ts");
  if (!existsSync(modulePath)) throw new CliError(`The Ignition System module is missing (${modulePath})`);
  await hre.run("compile", { quiet: true });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const systemModule = require(modulePath).default;
  const paramsFile = path.join(root, "ignition", "parameters", "local.json");
  const ignition = (hre as unknown as { ignition: { deploy: (m: unknown, o: object) => Promise<object> } })
    .ignition;
  const deployed = (await ignition.deploy(systemModule, {
    ...(existsSync(paramsFile) ? { parameters: paramsFile } : {}),
  })) as Record<string, { getAddress(): Promise<string> }>;
  const out: Record<string, string> = {};
  for (const [name, contract] of Object.entries(deployed)) out[name] = await contract.getAddress();
  return out;
}
