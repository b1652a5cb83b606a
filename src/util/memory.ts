/**
 * A heap budget the program keeps itself. V8 collects late when no heap flags are given (a
 * 24 GB machine lets the heap grow to 2-3 times what is live), and flags only apply when
 * authlog is started through its bin. So the reading loop asks now and then how big the
 * heap is and collects when it passed the budget. What is live is bounded by the data
 * structures (client and success tables, the requests waiting for their verdict, one row
 * batch); the budget keeps the garbage around them from piling up.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

export const DEFAULT_BUDGET_MB = 64;
let BUDGET_BYTES = DEFAULT_BUDGET_MB * 1024 * 1024;
let budget = BUDGET_BYTES;

/** Another budget, e.g. while another thread of this process holds memory of its own. */
export function setHeapBudget(megabytes: number): void {
  BUDGET_BYTES = budget = megabytes * 1024 * 1024;
}
let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect === undefined) {
    try {
      // The documented way to reach V8's gc without a command-line flag.
      v8.setFlagsFromString('--expose-gc');
      collect = vm.runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  return collect;
}

/** Collect when the heap passed the budget; cheap to call often. */
export function keepHeapBudget(): void {
  if (v8.getHeapStatistics().used_heap_size < budget) return;
  const gc = collector();
  if (!gc) return;
  gc();
  // Live data above most of the budget: raise it rather than collect on every call.
  const live = v8.getHeapStatistics().used_heap_size;
  budget = Math.max(BUDGET_BYTES, live * 1.5);
}
