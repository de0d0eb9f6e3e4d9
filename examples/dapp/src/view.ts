/** Small DOM helpers: the page's elements are addressed by their data-testid. */
export function el<T extends HTMLElement = HTMLElement>(testId: string): T {
  const found = document.querySelector<T>(`[data-testid="${testId}"]`);
  if (!found) throw new Error(`page element ${testId} is missing`);
  return found;
}

export function show(testId: string, text: string | number | bigint): void {
  el(testId).textContent = String(text);
}

export function message(text: string, kind: "info" | "error" = "info"): void {
  const box = el("message");
  box.hidden = text === "";
  box.textContent = text;
  box.className = kind;
}

/** Formats a 6-decimal token amount as a plain decimal string (no float rounding). */
export function usdc(amount: bigint): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const whole = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}
