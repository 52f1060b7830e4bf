// Colours every report draws with, the same in report.html, charts/*.png and every results file: one fixed
// colour per engine family from Okabe & Ito's colour-blind-safe palette ("Color Universal Design", 2008;
// distinguishable under protanopia, deuteranopia and tritanopia), and Paul Tol's "muted" and "light" qualitative
// schemes (Tol, "Colour Schemes", SRON/EPS/TN/09-002) for the series that are not engines (mechanisms, exit
// reasons). A colour chosen by an engine's position in one results file made kvm red in one report and teal in
// another.
import type { EngineInfoRecord, ResultsFile } from '../../harness/results.ts';
import { engineLabels } from '../model.ts';

/** Tol muted (9) then Tol light (8, without its pale grey, which is kept for `other`) */
export const SERIES_PALETTE = [
  '#332288', '#88ccee', '#44aa99', '#117733', '#999933', '#ddcc77', '#cc6677', '#882255', '#aa4499',
  '#77aadd', '#ee8866', '#eedd88', '#ffaabb', '#99ddff', '#44bb99', '#bbcc33', '#aaaa00',
];

/** the colour of a folded `other` series: Tol's pale grey, apart from every named series */
export const OTHER_COLOR = '#dddddd';

/**
 * Per family: the plain engine's colour first (an Okabe–Ito colour), then its variants' (engines with options
 * or a measured sibling such as kvm-host) in the order the results list them: Okabe–Ito's lighter partner of
 * the same hue, then a darker and a paler shade of it.
 */
const FAMILIES: Record<string, readonly string[]> = {
  xen: ['#0072b2', '#56b4e9', '#00466e', '#a8d8f5'],
  kvm: ['#d55e00', '#e69f00', '#8a3d00', '#f5c98a'],
  native: ['#000000'],
};

/** engines of no built-in family (plugins): the remaining Okabe–Ito colours, chosen by a hash of the id */
const PLUGIN_COLORS = ['#009e73', '#cc79a7', '#f0e442', '#999999'];

/** `xen-qemu` and `kvm-host` belong to the family of the hypervisor they run */
export function engineFamily(engineId: string): string {
  return engineId.split('-')[0];
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/**
 * label → colour for every engine in the list. The plain engine of a family (label equal to its id,
 * e.g. `kvm`) always gets the family's first colour; its variants take the next ones in the results' order.
 */
export function engineColors(engines: readonly Pick<EngineInfoRecord, 'label' | 'id'>[]): Map<string, string> {
  const out = new Map<string, string>();
  const variantsSeen = new Map<string, number>();
  for (const { label, id } of engines) {
    const family = engineFamily(id);
    const shades = FAMILIES[family];
    if (!shades) {
      out.set(label, PLUGIN_COLORS[hash(id) % PLUGIN_COLORS.length]);
      continue;
    }
    if (label === family) {
      out.set(label, shades[0]);
      continue;
    }
    const n = (variantsSeen.get(family) ?? 0) + 1;
    variantsSeen.set(family, n);
    out.set(label, shades.length > 1 ? shades[1 + ((n - 1) % (shades.length - 1))] : shades[0]);
  }
  return out;
}

export function seriesColor(index: number): string {
  return SERIES_PALETTE[index % SERIES_PALETTE.length];
}

/** engineColors over every engine label of one or more results files (those only in runs take their run's
 *  engine id), in order of first appearance */
export function resultsEngineColors(...files: ResultsFile[]): Map<string, string> {
  const engines = new Map<string, string>();
  for (const results of files) {
    for (const label of engineLabels(results)) {
      if (!engines.has(label)) engines.set(label, results.engines.find((e) => e.label === label)?.id ?? results.runs.find((r) => r.engine === label)?.engineId ?? label);
    }
  }
  return engineColors([...engines].map(([label, id]) => ({ label, id })));
}
