/** The reference's summary maths in TypeScript: WAD average (truncated), rescaled to the mode of the decimals. */
export function summaryModel(rows: { value: bigint; decimals: number }[]): [bigint, bigint, number] {
  if (rows.length === 0) return [0n, 0n, 0];
  const counts = new Array<number>(19).fill(0);
  let sum = 0n;
  for (const r of rows) {
    sum += r.value * 10n ** BigInt(18 - r.decimals);
    counts[r.decimals] += 1;
  }
  let mode = 0;
  for (let d = 0; d <= 18; d++) if (counts[d] > counts[mode]) mode = d;
  const avg = sum / BigInt(rows.length); // BigInt division truncates toward zero, like Solidity
  return [BigInt(rows.length), avg / 10n ** BigInt(18 - mode), mode];
}
