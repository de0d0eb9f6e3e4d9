/**
 * What a command's action receives: its positional arguments, its own options and the global flags. The command
 * tree (`program.ts`) runs actions and the actions (`commands/*`) implement them; both import this module, neither
 * imports the other.
 */
import type { GlobalOptions } from "./context";

export type Action = (
  args: string[],
  options: Record<string, unknown>,
  globals: GlobalOptions,
) => Promise<void>;
