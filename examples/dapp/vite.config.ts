/**
 * The dApp imports `z402` the way an app does: through the package's exports, browser condition first, i.e. the
 * SDK's built browser bundle in dist/ (run `npm run build` first). Nothing here polyfills Node built-ins.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig, type Plugin } from "vite";

const root = path.resolve(__dirname, "../..");
type Target = string | { default?: string };
type Conditions = { browser?: Target; import?: Target };
/** A condition's file: a path, or the `default` of a nested `{ types, default }` condition. */
const fileOf = (t: Target | undefined) => (typeof t === "string" ? t : t?.default);
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  exports: Record<string, Conditions | string>;
};

const alias = Object.entries(pkg.exports)
  .filter(([subpath, target]) => subpath !== "./package.json" && typeof target === "object")
  .map(([subpath, target]) => {
    const conditions = target as Conditions;
    const file = fileOf(conditions.browser) ?? fileOf(conditions.import);
    if (!file) throw new Error(`package.json exports ${subpath} has no browser or import target`);
    return { find: new RegExp(`^${path.posix.join("z402", subpath)}$`), replacement: path.join(root, file) };
  });

/** Hardhat's public test account #2 (funded by `z402 node`): local development only. */
const LOCAL_DEV_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";

/**
 * In `vite` dev mode, serves /config.json from the deployment record `z402 node` writes
 * (deployments/31337.json), the local RPC URL and the development key; Z402_SELLER_URL names a paid API.
 */
function localConfig(): Plugin {
  return {
    name: "z402-local-config",
    configureServer(server) {
      server.middlewares.use("/config.json", (_req, res) => {
        const file = path.join(root, "deployments", "31337.json");
        if (!existsSync(file)) {
          res.statusCode = 404;
          res.end();
          return;
        }
        const record = JSON.parse(readFileSync(file, "utf8")) as {
          contracts: Record<string, { address: string }>;
        };
        const contracts = Object.fromEntries(
          Object.entries(record.contracts).map(([k, c]) => [k, c.address]),
        );
        res.setHeader("content-type", "application/json");
        res.end(
          JSON.stringify({
            rpcUrl: process.env.Z402_RPC_URL ?? "http://127.0.0.1:8545",
            chainId: 31337,
            contracts,
            sellerUrl: process.env.Z402_SELLER_URL,
            devPrivateKey: LOCAL_DEV_KEY,
          }),
        );
      });
    },
  };
}

export default defineConfig({
  root: __dirname,
  plugins: [localConfig()],
  resolve: { alias },
  build: {
    outDir: process.env.Z402_DAPP_OUT ?? path.join(__dirname, "dist"),
    emptyOutDir: true,
    target: "es2022",
  },
  server: { host: "127.0.0.1" },
});
