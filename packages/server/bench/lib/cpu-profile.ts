// Reads a V8 .cpuprofile (node --cpu-prof) and sums self time by function and by area (a package
// in node_modules, a folder of Gatehouse, Node's internals), to see what a hot path spends.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  /** Share of the busy time (everything but idle). */
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  byFunction: SelfTime[];
  byArea: SelfTime[];
}

/** Sums the samples taken between `fromMs` and `toMs` after the profile started (all by default). */
export function summariseProfile(path: string, fromMs = 0, toMs = Infinity): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let totalUs = 0;
  let atUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    atUs += us;
    if (atUs < fromMs * 1000 || atUs > toMs * 1000) return;
    const frame = frames.get(id)!;
    totalUs += us;
    add(byFunction, `${frame.functionName || '(anonymous)'}  ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`, us);
    add(byArea, area(frame.functionName, frame.url), us);
  });
  const idleUs = byArea.get('(idle)') ?? 0;
  const busyUs = totalUs - idleUs;
  const rank = (map: Map<string, number>) => [...map]
    .filter(([name]) => name.split('  ')[0] !== '(idle)')
    .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: Math.round((us / busyUs) * 1000) / 10 }))
    .sort((a, b) => b.ms - a.ms);
  return { totalMs: Math.round(totalUs / 1000), busyMs: Math.round(busyUs / 1000), byFunction: rank(byFunction), byArea: rank(byArea) };
}

function add(map: Map<string, number>, key: string, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

/** "node_modules/<pkg>" for dependencies, "src/<folder>" for Gatehouse, "node:<module>" for Node. */
function area(functionName: string, url: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const own = /\/dist\/(src\/[^/]+)/.exec(url);
  if (own) return `gatehouse ${own[1]}`;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?([^/]+).*/, 'node:$2');
  return url;
}

function shortUrl(url: string): string {
  return url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/dist\//, '');
}
