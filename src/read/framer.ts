/**
 * Joins multi-line entries (a PHP stack trace belongs to the debug.log entry above it).
 * An entry is handed on when the next one starts, or at flush.
 */
import { MAX_LINE_BYTES } from './lines.js';

export type EntryHandler = (text: string, lineNo: number) => void;

export class EntryFramer {
  private parts: string[] = [];
  private size = 0;
  private firstLine = 0;

  /** The line number of the entry being held (when `pending`). */
  get startLine(): number {
    return this.firstLine;
  }

  constructor(
    private readonly startsEntry: (line: string) => boolean,
    private readonly onEntry: EntryHandler,
    /** A continuation line with no entry above it (the file was cut mid-entry). */
    private readonly onOrphan: EntryHandler,
  ) {}

  push(text: string, lineNo: number): void {
    if (this.startsEntry(text)) {
      this.flush();
      this.parts = [text];
      this.size = text.length;
      this.firstLine = lineNo;
      return;
    }
    if (this.parts.length === 0) {
      this.onOrphan(text, lineNo);
      return;
    }
    // A runaway trace is cut, not held whole: the entry keeps its first 64 KiB.
    if (this.size + text.length < MAX_LINE_BYTES) {
      this.parts.push(text);
      this.size += text.length + 1;
    }
  }

  get pending(): boolean {
    return this.parts.length > 0;
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const text = this.parts.length === 1 ? this.parts[0] : this.parts.join('\n');
    this.parts = [];
    this.size = 0;
    this.onEntry(text, this.firstLine);
  }
}
