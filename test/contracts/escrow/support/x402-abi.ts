import { readFileSync } from "node:fs";
import type { InterfaceAbi } from "ethers";

/**
 * The `batchSettlementABI` that @x402/evm's batch-settlement client and facilitator call. The package does not
 * export it, so this reads the `src/batch-settlement/abi.ts` section of its CommonJS bundle and evaluates it.
 */
export function loadX402BatchSettlementAbi(): InterfaceAbi {
  const bundle = readFileSync(require.resolve("@x402/evm"), "utf8");
  const start = bundle.indexOf("// src/batch-settlement/abi.ts");
  if (start < 0) throw new Error("@x402/evm bundle has no batch-settlement ABI section");
  const next = bundle.indexOf("\n// src/", start + 10);
  const section = bundle.slice(start, next < 0 ? undefined : next);
  return new Function(`${section}\nreturn batchSettlementABI;`)() as InterfaceAbi;
}
