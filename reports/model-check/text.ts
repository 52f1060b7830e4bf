// The model checks (KVM: rows.ts, Xen: xen-rows.ts) in summary.md and on the terminal: what differs beyond
// tolerance, with its reason, and what was left out; the full per-reason tables are in report.html.
import type { ResultsFile } from '../../harness/results.ts';
import { formatCount } from '../format.ts';
import { ABSOLUTE_TOLERANCE, modelCheck, RELATIVE_TOLERANCE } from './rows.ts';
import { XEN_ABSOLUTE_TOLERANCE, XEN_RELATIVE_TOLERANCE, xenCheckRows } from './xen-rows.ts';

/** one compared count, as both sides' rows give it */
interface Compared { workload: string; engine: string; phase: string; what: string; simulated: number; measured: number; agrees: boolean; reason?: string }

/** a side's summary line, then each count beyond tolerance with its reason */
function comparedLines(title: string, rows: Compared[], bullet: string, code: (s: string) => string): string[] {
  const flagged = rows.filter((r) => !r.agrees);
  return [
    `Model check (${title}): ${rows.length - flagged.length} of ${rows.length} counts agree, ${flagged.filter((r) => !r.reason).length} differ without a known reason.`,
    ...flagged.map((r) => `${bullet}${code(r.workload)} on ${r.engine}, ${r.phase}, ${code(r.what)}: simulated ${formatCount(r.simulated)}, measured ${formatCount(r.measured)} — ${r.reason ?? 'not explained'}`),
  ];
}

/** the Xen side (xen-rows.ts): its rows are all xen-qemu's */
function xenLines(results: ResultsFile, bullet: string, code: (s: string) => string): string[] {
  const rows = xenCheckRows(results);
  if (rows.length === 0) return [];
  const title = `simulated xen vs measured xen-qemu; tolerance ${XEN_RELATIVE_TOLERANCE * 100} % or ${XEN_ABSOLUTE_TOLERANCE}`;
  return comparedLines(title, rows.map((r) => ({ ...r, engine: 'xen-qemu' })), bullet, code);
}

/** the KVM side (rows.ts): after the summary line, each measured engine's backend, then the flagged and the excluded */
function kvmLines(results: ResultsFile, bullet: string, code: (s: string) => string): string[] {
  const check = modelCheck(results);
  if (check.rows.length === 0 && check.excluded.length === 0) return [];
  const title = `simulated kvm vs measured; tolerance ${RELATIVE_TOLERANCE * 100} % or ${ABSOLUTE_TOLERANCE} exits`;
  const [summary, ...flagged] = comparedLines(title, check.rows.map((r) => ({ ...r, reason: r.why ?? undefined })), bullet, code);
  return [
    summary,
    ...check.engines.map((e) => `${bullet}${e.engine}: backend ${e.backend}${e.timingsNote ? `; timings not representative: ${e.timingsNote}` : ''}${e.cpuNote ? `; ${e.cpuNote}` : ''}`),
    ...flagged,
    ...check.excluded.map((e) => `${bullet}${code(e.workload)} on ${e.engine} not compared: skipped ${Object.entries(e.skipped).map(([op, n]) => `${op} ×${n}`).join(', ')}`),
  ];
}

/** each side's block: its summary line first, then its bullets */
function blocks(results: ResultsFile, bullet: string, code: (s: string) => string): string[][] {
  return [kvmLines(results, bullet, code), xenLines(results, bullet, code)].filter((b) => b.length > 0);
}

export function modelCheckMarkdown(results: ResultsFile): string[] {
  const parts = blocks(results, '- ', (s) => `\`${s.replace(/`/g, "'")}\``);
  return parts.length ? ['', '**Model check**', ...parts.flatMap((b) => ['', b[0], '', ...b.slice(1)])] : [];
}

export function modelCheckTerminal(results: ResultsFile): string {
  const parts = blocks(results, '  ', (s) => s);
  return parts.length ? `\n${parts.map((b) => b.join('\n')).join('\n')}\n` : '';
}
