// Line numbers for origin descriptions ("literal on line 14"), built lazily: most files have no AWS
// usage, and those that do need only a handful of lookups.
import type { TextChange as Change } from '../syntax/incremental';
import { LineMap } from '../types';

/** 1-based line of an offset, counting CRLF, CR and LF line ends like LineMap. */
export class Lines {
  private starts: number[] | null = null;
  private map: LineMap | null = null;
  /** The previous text's index and the edit since, when this one can be derived from it. */
  private from: { prev: Lines; change: Change } | null = null;

  constructor(private readonly text: string) {}

  /** The index of a text made by one edit of `prev`'s text: built from `prev`'s when first needed. */
  static after(prev: Lines, change: Change, text: string): Lines {
    const lines = new Lines(text);
    lines.from = { prev, change };
    return lines;
  }

  /** How many lines the text has. */
  count(): number {
    if (this.starts === null && this.map === null) this.build();
    return this.map ? this.map.position(this.text.length).line : this.starts!.length;
  }

  /** 1-based line of `offset`. */
  line(offset: number): number {
    if (this.starts === null && this.map === null) this.build();
    if (this.map) return this.map.position(offset).line;
    const starts = this.starts!;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private build(): void {
    const text = this.text;
    if (this.from !== null) {
      const { prev, change } = this.from;
      this.from = null;
      if (this.derive(prev, change)) return;
    }
    // Lone CRs are rare: let LineMap handle them; LF and CRLF files take the indexOf fast path.
    if (text.indexOf('\r') >= 0 && /\r(?!\n)/.test(text)) {
      this.map = new LineMap(text);
      return;
    }
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }

  /**
   * Line starts moved through the edit: those up to its start stay, those of line breaks it replaced go,
   * the new text's are added and the rest move by its length. Only for line-feed text without lone CRs.
   */
  private derive(prev: Lines, change: Change): boolean {
    const old = prev.starts;
    if (old === null) return false;
    const text = this.text;
    const { start, oldEnd, newEnd } = change;
    for (let i = start; i < newEnd; i++) if (text.charCodeAt(i) === 13) return false;
    if (start > 0 && text.charCodeAt(start - 1) === 13 && text.charCodeAt(start) !== 10) return false;
    const upTo = (x: number): number => {
      let lo = 0;
      let hi = old.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (old[mid] <= x) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    const a = upTo(start);
    const b = upTo(oldEnd);
    const starts = old.slice(0, a);
    for (let i = text.indexOf('\n', start); i >= 0 && i < newEnd; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    const delta = newEnd - oldEnd;
    for (let i = b; i < old.length; i++) starts.push(old[i] + delta);
    this.starts = starts;
    return true;
  }
}
