import { CliError } from "../errors";
import type { Action } from "../program";

/** A command whose SDK piece is not part of this build: says so in one sentence. */
export function unavailable(what: string): Action {
  return async () => {
    throw new CliError(`\`z402 ${what}\` is not available in this build`);
  };
}
