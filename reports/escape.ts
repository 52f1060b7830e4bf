// Escaping for every context a report puts a user-provided string in (workload ids, titles, descriptions,
// engine labels, params, error messages): HTML text and attributes, JSON inside <script>, Markdown cells.

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** safe in HTML text and in double- or single-quoted attribute values */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML[c]);
}

/** JSON that cannot end a <script> element or open a comment in it, and parses the same */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** one GitHub-flavoured Markdown table cell: no raw HTML, no cell break, no emphasis or links */
export function escapeMarkdownCell(value: unknown): string {
  return escapeHtml(String(value).replace(/\s+/g, ' ')).replace(/[\\|*_`[\]]/g, (c) => '\\' + c);
}

/** a name (a file, a profile, a metric) as a Markdown code span when it is made of plain name characters only;
 *  anything else (a backtick would end the span, `<` is raw text a reader may copy) as an escaped plain cell */
export function markdownCode(value: unknown): string {
  const text = String(value);
  return /^[\w.:@/+=,~-]+$/.test(text) ? `\`${text}\`` : escapeMarkdownCell(text);
}
