import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS } from "hardhat/builtin-tasks/task-names";

/** A solc diagnostic, as in the compiler's standard JSON output. */
export interface SolcDiagnostic {
  severity: string;
  message: string;
  sourceLocation?: { file: string };
}

/** The part of a solc standard JSON output the filter reads. */
export interface SolcOutput {
  errors?: SolcDiagnostic[];
  sources?: Record<string, { ast?: unknown }>;
}

/**
 * Warnings that were reviewed and accepted, each by the file solc reports it in and its message; every other
 * diagnostic is printed as Hardhat prints it. Hardhat 2 has no setting for this, hence the subtask below.
 */
export const REVIEWED_WARNINGS = [
  {
    // OpenZeppelin's ReentrancyGuardTransient (Z402Escrow, AgentAccount) keeps its lock in transient storage
    // through TransientSlot; the lock is cleared at the end of every guarded call, the safe use solc names.
    file: "@openzeppelin/contracts/utils/TransientSlot.sol",
    message: "Transient storage as defined by EIP-1153 can break the composability of smart contracts",
    // solc reports this warning once per compilation, at the first `tstore` it meets: when another file uses
    // `tstore` too, the one warning stands for that file as well and stays visible.
    opcode: "tstore",
  },
] as const;

/** True when a node of a solc AST (Solidity or Yul) calls the Yul builtin `name` anywhere below it. */
function callsBuiltin(node: unknown, name: string): boolean {
  if (Array.isArray(node)) return node.some((n) => callsBuiltin(n, name));
  if (node === null || typeof node !== "object") return false;
  const n = node as { nodeType?: string; functionName?: { name?: string } };
  if (n.nodeType === "YulFunctionCall" && n.functionName?.name === name) return true;
  return Object.values(node).some((v) => callsBuiltin(v, name));
}

/** Whether `d` is a reviewed warning: its file and message match, and no other source uses the opcode. */
export function isReviewedWarning(d: SolcDiagnostic, output: SolcOutput): boolean {
  if (d.severity !== "warning" || d.sourceLocation === undefined) return false;
  const reviewed = REVIEWED_WARNINGS.find(
    (w) => w.file === d.sourceLocation!.file && d.message.startsWith(w.message),
  );
  if (reviewed === undefined) return false;
  return !Object.entries(output.sources ?? {}).some(
    ([file, source]) => file !== reviewed.file && callsBuiltin(source.ast, reviewed.opcode),
  );
}

/** The diagnostics of `output` that are printed: all but the reviewed warnings. */
export function visibleDiagnostics(output: SolcOutput): SolcDiagnostic[] {
  return (output.errors ?? []).filter((d) => !isReviewedWarning(d, output));
}

subtask(
  TASK_COMPILE_SOLIDITY_LOG_COMPILATION_ERRORS,
  async (args: { output: SolcOutput | undefined; quiet: boolean }, _hre, runSuper) => {
    // Only what is printed changes: the build info keeps solc's output as it was.
    const output = args.output?.errors
      ? { ...args.output, errors: visibleDiagnostics(args.output) }
      : args.output;
    return runSuper({ ...args, output });
  },
);
