/** Counts read one way everywhere a person reads them: 1,204,388 (JSON and CSV keep numbers). */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
