// Judging rows against targets and gates, and rendering them: a text table, JSON, and an SVG chart.

const OPS = {
  '<=': (a, b) => a <= b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
};

function subject(row, spec) {
  return spec.of === 'ratio' ? row.ratio : row.value;
}

/** Adds `targetMet` and `gatePassed` (null when not applicable) to a row. */
export function judge(row) {
  const measured = row.status === 'measured';
  const check = (spec) =>
    measured && spec && Number.isFinite(subject(row, spec)) ? OPS[spec.op](subject(row, spec), spec.value) : null;
  return { ...row, targetMet: check(row.target), gatePassed: check(row.gate) };
}

export function fmt(value, unit) {
  if (value === undefined || value === null || !Number.isFinite(value)) return '–';
  if (unit === '/s') return `${Math.round(value).toLocaleString('en-US')}/s`;
  if (unit === '×') return `${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1)}×`;
  if (unit === 'ms')
    return value < 10
      ? `${value.toFixed(2)} ms`
      : value < 1000
        ? `${value.toFixed(1)} ms`
        : `${(value / 1000).toFixed(2)} s`;
  if (unit === 's') return `${value.toFixed(2)} s`;
  if (unit === 'MB') return `${value.toFixed(2)} MB`;
  if (unit === 'calls') return `${value} calls`;
  if (unit === 'MiB') return `${Math.round(value)} MiB`;
  return `${value} ${unit ?? ''}`.trim();
}

function peerText(row) {
  if (row.peerValue === undefined) return '';
  const unit = row.unit === '×' ? 'ms' : row.unit;
  return fmt(row.peerValue, unit);
}

function ratioText(row) {
  if (row.ratio === undefined || !Number.isFinite(row.ratio)) return '';
  if (row.unit === '/s') return `${row.ratio >= 100 ? Math.round(row.ratio) : row.ratio.toFixed(1)}× faster`;
  return row.ratio < 0.01 ? row.ratio.toExponential(1) : row.ratio.toFixed(row.ratio < 1 ? 3 : 2);
}

const OP_TEXT = { '<=': '≤', '>=': '≥', '==': '=' };

function targetText(spec, unit) {
  if (!spec) return '';
  if (spec.of === 'ratio') return `ratio ${OP_TEXT[spec.op]} ${spec.value}`;
  return `${OP_TEXT[spec.op]} ${fmt(spec.value, unit)}`;
}

function resultText(row) {
  if (row.status === 'broken') return 'BROKEN';
  if (row.status === 'not-measured') return 'not measured';
  if (row.gatePassed === false) return 'REGRESSION';
  if (row.targetMet === true) return 'target met';
  if (row.targetMet === false) return 'target missed';
  return 'info';
}

function valueText(row) {
  if (row.status !== 'measured') return '–';
  if (row.unit === '×') return fmt(row.ours, 'ms');
  if (row.p95 !== undefined) return `${fmt(row.value, row.unit)} (p95 ${fmt(row.p95, row.unit)})`;
  return fmt(row.value, row.unit);
}

/** The one table of the run, as aligned text. */
export function table(rows) {
  const header = ['Measurement', 'RoleCall', 'Peer (same run)', 'Peer time/rate', 'Ratio', 'Target', 'Result'];
  const lines = rows.map((row) => [
    row.label,
    valueText(row),
    row.peer ?? '',
    peerText(row),
    row.unit === '×' && row.status === 'measured' ? `${fmt(row.value, '×')} faster` : ratioText(row),
    row.unit === '×' ? `≥ 100× faster` : targetText(row.target, row.unit),
    resultText(row),
  ]);
  const widths = header.map((h, i) =>
    Math.min(i === 2 ? 34 : 60, Math.max(h.length, ...lines.map((l) => l[i].length))),
  );
  const cut = (s, w) => (s.length > w ? s.slice(0, w - 1) + '…' : s.padEnd(w));
  const sep = widths.map((w) => '-'.repeat(w)).join('-+-');
  const out = [
    header.map((h, i) => cut(h, widths[i])).join(' | '),
    sep,
    ...lines.map((l) => l.map((c, i) => cut(c, widths[i])).join(' | ')),
  ];
  const notes = rows.filter((r) => r.note).map((r) => `  - ${r.label}: ${r.note}`);
  return [...out, '', 'Notes:', ...notes].join('\n');
}

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Headroom against the target: ≥ 1 means met (log-scale bar chart). */
function headroom(row) {
  if (row.status !== 'measured' || !row.target) return null;
  const v = subject(row, row.target);
  const t = row.target.value;
  if (!Number.isFinite(v) || v <= 0) return row.target.op === '<=' ? 1000 : null;
  if (row.target.op === '<=') return t / v;
  if (row.target.op === '>=') return v / t;
  return v === t ? 1 : v < t ? v / t : t / v;
}

/** A hand-written SVG bar chart: each measurement's headroom over its target, log scale. */
export function svg(rows, meta) {
  const items = rows.filter((r) => r.target);
  const rowH = 34;
  const left = 330;
  const width = 900;
  const plotW = width - left - 150;
  const top = 58;
  const height = top + items.length * rowH + 46;
  const min = -2;
  const max = 3;
  const x = (score) =>
    left + ((Math.log10(Math.min(Math.max(score, 10 ** min), 10 ** max)) - min) / (max - min)) * plotW;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Segoe UI, Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="16" font-weight="600" fill="#1f2328">RoleCall benchmark: headroom over each target (log scale, right of the line = target met)</text>`,
    `<text x="16" y="44" fill="#57606a">${esc(meta)}</text>`,
  ];
  for (const tick of [-2, -1, 0, 1, 2, 3]) {
    const tx = x(10 ** tick);
    parts.push(
      `<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${top + items.length * rowH}" stroke="${tick === 0 ? '#1f2328' : '#d0d7de'}" stroke-width="${tick === 0 ? 2 : 1}"/>`,
    );
    parts.push(
      `<text x="${tx}" y="${top + items.length * rowH + 18}" text-anchor="middle" fill="#57606a">${tick === 0 ? 'target' : `${10 ** tick}×`}</text>`,
    );
  }
  items.forEach((row, i) => {
    const y = top + i * rowH;
    const h = headroom(row);
    const label = row.label.length > 48 ? row.label.slice(0, 47) + '…' : row.label;
    parts.push(`<text x="16" y="${y + 21}" fill="#1f2328">${esc(label)}</text>`);
    if (h === null) {
      parts.push(
        `<text x="${left + 6}" y="${y + 21}" fill="#8c959f">${esc(row.status === 'broken' ? 'broken measurement' : 'not measured')}</text>`,
      );
      return;
    }
    const x0 = x(10 ** min);
    const x1 = x(h);
    const color = h >= 1 ? '#2da44e' : '#cf222e';
    parts.push(`<rect x="${x0}" y="${y + 8}" width="${Math.max(2, x1 - x0)}" height="18" rx="3" fill="${color}"/>`);
    const actual =
      row.unit === '×'
        ? `${fmt(row.value, '×')} faster`
        : row.target.of === 'ratio'
          ? `ratio ${ratioText(row)}`
          : fmt(row.value, row.unit);
    parts.push(
      `<text x="${Math.max(x1, x(1)) + 8}" y="${y + 21}" fill="#1f2328">${esc(`${actual} (target ${row.unit === '×' ? '≥ 100×' : targetText(row.target, row.unit)})`)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
