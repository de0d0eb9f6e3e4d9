import path from "node:path";

/** `file` as the user reads it: relative to the working directory when inside it, absolute otherwise. */
export function shownPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/** Deploy failures the user can fix, each told in one sentence (printed without a stack trace). */
export class DeployError extends Error {
  override name = "DeployError";
  /** The sentence to print (the CLI prints `shortMessage` too). */
  readonly shortMessage: string;
  constructor(sentence: string, options?: { cause?: unknown }) {
    super(sentence, options);
    this.shortMessage = sentence;
  }
}

/** Hardhat's HH108 ("Cannot connect to the network"), by duck typing so it works across module copies. */
function isConnectionError(err: unknown): boolean {
  const e = err as { _isHardhatError?: boolean; number?: number } | null;
  return e?._isHardhatError === true && e.number === 108;
}

/**
 * The one sentence to print for an error of `npm run deploy`, or `undefined` for an unexpected error (printed whole).
 * `rpcVariable` names the variable holding the network's RPC URL, if it has one.
 */
export function deployErrorSentence(err: unknown, network: string, rpcVariable?: string): string | undefined {
  if (err instanceof DeployError || (err as { name?: string } | null)?.name === "DeployError")
    return (err as DeployError).shortMessage;
  if (isConnectionError(err)) {
    const where = rpcVariable ? `the RPC URL in ${rpcVariable}` : "its RPC URL";
    return `Cannot reach network ${network} at ${where}: check the URL and that the node is running.`;
  }
  return undefined;
}
