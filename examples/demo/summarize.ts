/**
 * The seller's skill: a small extractive summarizer (the highest-scoring sentences by word frequency, in their
 * original order). Deterministic and dependency-free, so the demo measures payment overhead, not a model.
 */
const STOP = new Set(
  "a an and are as at be by for from has have in is it its of on or that the this to was were will with".split(
    " ",
  ),
);

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
}

/** Returns the `maxSentences` most informative sentences of `text`. */
export function summarize(text: string, maxSentences = 2): string {
  const sentences =
    text
      .match(/[^.!?]+[.!?]*/g)
      ?.map((s) => s.trim())
      .filter(Boolean) ?? [];
  if (sentences.length <= maxSentences) return sentences.join(" ");
  const freq = new Map<string, number>();
  for (const w of words(text)) if (!STOP.has(w)) freq.set(w, (freq.get(w) ?? 0) + 1);
  const scored = sentences.map((s, i) => {
    const ws = words(s).filter((w) => !STOP.has(w));
    const score = ws.reduce((sum, w) => sum + (freq.get(w) ?? 0), 0) / Math.max(1, ws.length);
    return { i, s, score };
  });
  return scored
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, maxSentences)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.s)
    .join(" ");
}

/** Sample input the buyer sends. */
export const SAMPLE_TEXT =
  "Agents pay each other per request over HTTP. The payer locks funds in an escrow once. " +
  "Every request then carries a signed cumulative voucher. The server verifies the voucher locally in microseconds. " +
  "Later the server claims many vouchers on chain in one transaction. Nobody takes a fee and no operator sits in the middle.";
