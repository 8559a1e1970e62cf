// Line numbers for origin descriptions ("literal on line 14"), built lazily: most files have no AWS
// usage, and those that do need only a handful of lookups.
import { LineMap } from '../types';

/** 1-based line of an offset, counting CRLF, CR and LF line ends like LineMap. */
export class Lines {
  private starts: number[] | null = null;
  private map: LineMap | null = null;

  constructor(private readonly text: string) {}

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
    // Lone CRs are rare: let LineMap handle them; LF and CRLF files take the indexOf fast path.
    if (text.indexOf('\r') >= 0 && /\r(?!\n)/.test(text)) {
      this.map = new LineMap(text);
      return;
    }
    const starts = [0];
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    this.starts = starts;
  }
}
