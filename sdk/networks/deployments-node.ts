/** Node-only: reads `deployments/<chainId>.json`. Not part of the browser entry. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ConfigError } from "../errors/classes";
import { Z402_REASONS } from "../errors/reasons";
import { parseDeployments, type Deployments } from "./deployments";

/** Loads and validates `<dir>/<chainId>.json` (`dir` defaults to `./deployments` under the working directory). */
export async function loadDeployments(
  chainId: number,
  dir = join(process.cwd(), "deployments"),
): Promise<Deployments> {
  if (!Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new ConfigError(Z402_REASONS.unknownChain, "chain id must be a positive integer", {
      details: { chainId },
    });
  }
  const file = join(dir, `${chainId}.json`);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (cause) {
    throw new ConfigError(Z402_REASONS.deploymentsInvalid, "no deployments file for this chain", {
      cause,
      details: { file },
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new ConfigError(Z402_REASONS.deploymentsInvalid, "deployments file is not JSON", {
      cause,
      details: { file },
    });
  }
  return parseDeployments(json, chainId);
}
