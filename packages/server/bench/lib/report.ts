// What a bench run reports: one row per case (req/s, p50, p99, its ratio, the target and
// whether it was met), printed as a table and written to bench/results/ as JSON and a chart.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { renderChart } from './chart.js';
import type { Measurement } from './load.js';

export interface Row {
  id: string;
  label: string;
  rps?: number;
  p50Ms?: number;
  p99Ms?: number;
  /** The figure the target is about, as a number (a ratio, a p99 factor, MB...). */
  ratio?: number;
  /** The same, as the table shows it. */
  measured: string;
  target: string;
  /** undefined when the row is a reference (the ceiling, the raw hash rate), not a target. */
  pass?: boolean;
  /** Where the target lies in req/s, marked on the chart. */
  targetRps?: number;
  measurement?: Measurement;
  extra?: Record<string, unknown>;
}

export interface Report {
  title: string;
  date: string;
  machine: { cpus: number; model: string; node: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  timing: { seconds: number; warmupSeconds: number };
  rows: Row[];
  notes: string[];
}

export function machineInfo(loadAverageAtStart: number[]): Report['machine'] {
  return {
    cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version,
    loadAverageAtStart, loadAverageAtEnd: loadavg().map(round2),
  };
}

export function formatTable(rows: Row[]): string {
  return markdownTable(['case', 'req/s', 'p50 ms', 'p99 ms', 'measured', 'target', ''], rows.map((r) => [
    r.label, r.rps?.toLocaleString('en-US') ?? '—', fmt(r.p50Ms), fmt(r.p99Ms), r.measured, r.target,
    r.pass === undefined ? '' : r.pass ? 'pass' : 'FAIL',
  ]));
}

/** A Markdown table with aligned columns: readable in a terminal and pasteable into the docs. */
export function markdownTable(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [row(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');
}

/** Writes `<name>.json` and `<name>.svg` into `dir`. */
export function writeReport(dir: string, name: string, report: Report, chartRows: Row[], ceilingRps: number): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/${name}.json`, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(`${dir}/${name}.svg`, renderChart(report.title, chartRows, ceilingRps, report.date));
}

export const ratio = (value: number, reference: number) => Math.round((value / reference) * 100) / 100;
export const round2 = (n: number) => Math.round(n * 100) / 100;
const fmt = (n: number | undefined) => (n === undefined ? '—' : n.toFixed(1));
