// Extra report sections (reports/types.ts ReportSection, e.g. power management): their ids are checked, and
// their charts get ids and sizes so report.html and charts/*.png draw them like the built-in ones.
import type { NamedChart, ReportSection } from './types.ts';

const RESERVED = new Set(['overview', 'how-to-read', 'runs', 'simulation-cost', 'counters', 'attribution', 'overhead']);

/** throws on an id that is not [a-z0-9-]+, is reserved by the built-in sections, or is repeated */
export function checkSections(sections: readonly ReportSection[]): void {
  const seen = new Set<string>();
  for (const s of sections) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(s.id) || RESERVED.has(s.id) || s.id.startsWith('cat-') || seen.has(s.id)) {
      throw new Error(`report section id ${JSON.stringify(s.id)} must be [a-z0-9-]+, unique, and not a built-in section's`);
    }
    seen.add(s.id);
  }
}

/** a section's charts as `<section id>-<n>` (n from 1) */
export function sectionCharts(section: ReportSection): NamedChart[] {
  return section.charts.map((config, i) => {
    const title = config.options?.plugins?.title?.text;
    return {
      id: `${section.id}-${i + 1}`,
      group: 'section',
      title: typeof title === 'string' ? title : section.title,
      config,
      width: 1000,
      height: 480,
    };
  });
}
