/** A tiny ops/s meter: warm up, then run batches until the time budget is spent. */
export interface Measurement {
  name: string;
  opsPerSec: number;
  microsPerOp: number;
  ops: number;
}

export async function measure(
  name: string,
  op: (i: number) => unknown | Promise<unknown>,
  opts: { budgetMs?: number; warmup?: number } = {},
): Promise<Measurement> {
  const budget = BigInt((opts.budgetMs ?? 2000) * 1e6);
  for (let i = 0; i < (opts.warmup ?? 50); i++) await op(i);
  let ops = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let k = 0; k < 50; k++) await op(ops++);
    elapsed = process.hrtime.bigint() - start;
  }
  const seconds = Number(elapsed) / 1e9;
  return { name, ops, opsPerSec: ops / seconds, microsPerOp: (seconds * 1e6) / ops };
}
