// The bench chart, hand-written SVG: one horizontal bar of req/s per case, the ceiling marked as a
// dashed line across all of them, each bar labelled with its req/s and its ratio, and a marker
// where its target lies.
import type { Row } from './report.js';

const WIDTH = 840;
const LABEL_WIDTH = 230;
const BAR_HEIGHT = 22;
const GAP = 10;
const TOP = 56;
const RIGHT = 210;
const SUBTITLE = 'req/s per case; dashed line: the ceiling (mean of the run); ▼ the target, from the ceiling measured alongside the case';
const LEGEND = 'green: target met · red: missed · grey: reference';

export function renderChart(title: string, rows: Row[], ceilingRps: number, date: string): string {
  const bars = rows.filter((r) => r.rps !== undefined);
  const max = Math.max(ceilingRps, ...bars.map((r) => r.rps!)) * 1.05;
  const plotWidth = WIDTH - LABEL_WIDTH - RIGHT;
  const x = (rps: number) => LABEL_WIDTH + (rps / max) * plotWidth;
  const height = TOP + bars.length * (BAR_HEIGHT + GAP) + 48;
  const ceilingX = x(ceilingRps).toFixed(1);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}"`
      + ' font-family="sans-serif" font-size="12">',
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<text x="12" y="38" fill="#666">${escape(date)} · ${SUBTITLE}</text>`,
  ];
  bars.forEach((row, i) => {
    const y = TOP + i * (BAR_HEIGHT + GAP);
    const colour = row.pass === undefined ? '#9aa5b1' : row.pass ? '#2f855a' : '#c53030';
    const end = x(row.rps!);
    const tick = row.targetRps === undefined ? undefined : x(row.targetRps);
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escape(row.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${Math.max(1, end - LABEL_WIDTH).toFixed(1)}" height="${BAR_HEIGHT}" fill="${colour}"/>`,
      `<text x="${(end + 6).toFixed(1)}" y="${y + 15}">${row.rps!.toLocaleString('en-US')} · ${escape(row.measured)}</text>`,
    );
    if (tick !== undefined) {
      // A small triangle in the gap above the bar, clear of the label.
      const points = `${(tick - 5).toFixed(1)},${y - 8} ${(tick + 5).toFixed(1)},${y - 8} ${tick.toFixed(1)},${y - 1}`;
      parts.push(`<polygon points="${points}" fill="#1a202c"><title>target</title></polygon>`);
    }
  });
  const bottom = TOP + bars.length * (BAR_HEIGHT + GAP);
  parts.push(
    `<line x1="${ceilingX}" y1="${TOP - 6}" x2="${ceilingX}" y2="${bottom}" stroke="#1a202c" stroke-width="1.5" stroke-dasharray="5,4"/>`,
    `<text x="${ceilingX}" y="${bottom + 16}" text-anchor="middle">ceiling ${ceilingRps.toLocaleString('en-US')} req/s</text>`,
    `<text x="${WIDTH - 12}" y="${bottom + 36}" text-anchor="end" fill="#666">${LEGEND}</text>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
