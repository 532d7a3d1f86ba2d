/**
 * Which dataset row a line of a sidecar metadata file holds, by the same rules the
 * engine's reader uses (src/engine/io/metadata.ts): TSV has a header line and one
 * row per line; CSV has a header record and RFC 4180 records whose quoted fields
 * may span lines; JSONL has one object per line and no header.
 *
 * Pure (no vscode, no fs) so the unit tests run it directly.
 */

export type SidecarKind = 'tsv' | 'csv' | 'jsonl';

export function sidecarKind(file: string): SidecarKind | undefined {
  const m = /\.(tsv|csv|jsonl|ndjson)$/i.exec(file);
  if (!m) return undefined;
  const e = m[1].toLowerCase();
  return e === 'ndjson' ? 'jsonl' : (e as SidecarKind);
}

/** The line (0-based) where each CSV record starts. */
export function csvRecordStarts(text: string): number[] {
  return csvRecords(text).starts;
}

/**
 * Where CSV records lie: record r spans lines [starts[r], starts[r+1]) and the last
 * one ends before line `end`. A quote opens a quoted field only at the start of a
 * field, as in the engine's parser; a trailing newline does not start a record.
 */
export function csvRecords(text: string): { starts: number[]; end: number } {
  const starts: number[] = [];
  let line = 0;
  let inQuotes = false;
  let atFieldStart = true;
  let recordOpen = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!recordOpen) {
      if (c === '\n' && i === text.length - 1) break;
      starts.push(line);
      recordOpen = true;
    }
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      } else if (c === '\n') line++;
      continue;
    }
    if (c === '"' && atFieldStart) {
      inQuotes = true;
      atFieldStart = false;
    } else if (c === ',') atFieldStart = true;
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      line++;
      recordOpen = false;
      atFieldStart = true;
    } else atFieldStart = false;
  }
  return { starts, end: recordOpen ? line + 1 : line };
}

/**
 * The 0-based data row on `line` (0-based), or undefined for a header line or a line
 * past the data; every line of a multi-line CSV record belongs to that record.
 * `csv` lets callers reuse csvRecords across hovers of one document version.
 */
export function rowAtLine(
  kind: SidecarKind,
  line: number,
  lineText: string,
  csv?: () => { starts: number[]; end: number },
): number | undefined {
  if (line < 0) return undefined;
  if (kind === 'jsonl') return lineText.trim() ? line : undefined;
  if (kind === 'tsv') return line >= 1 ? line - 1 : undefined;
  const { starts, end } = csv?.() ?? { starts: [], end: 0 };
  if (line >= end) return undefined;
  // Binary search for the record that starts at or before `line`.
  let lo = 0;
  let hi = starts.length - 1;
  let rec = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid] <= line) {
      rec = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return rec >= 1 ? rec - 1 : undefined;
}

/** Escapes text for a Markdown hover (no HTML, no links, no table breaks), cut to `max` characters. */
export function mdText(s: string, max = 80): string {
  const one = s.replace(/\s+/g, ' ').trim();
  const cut = one.length > max ? one.slice(0, max - 1) + '…' : one;
  return cut.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

export interface HoverNeighbor {
  row: number;
  score: number;
  text?: string;
}

function scoreName(metric: string): string {
  return metric === 'euclidean' ? 'distance' : metric === 'dot' ? 'dot' : 'cosine';
}

/**
 * The hover's Markdown: a heading, one compact table row per neighbour (#, text, score),
 * and a trailing command link. `link` is a ready `command:` URI or undefined.
 */
export function neighborsMarkdown(opts: {
  title: string;
  metric: string;
  neighbors: HoverNeighbor[];
  link?: { title: string; uri: string };
  note?: string;
}): string {
  const lines = [`**${opts.title}**`, '', `| # | text | ${scoreName(opts.metric)} |`, '|--:|:--|--:|'];
  opts.neighbors.forEach((n, i) =>
    lines.push(
      `| ${i + 1} | ${n.text !== undefined && n.text !== '' ? mdText(n.text, 60) : `row ${n.row}`} | ${n.score.toFixed(3)} |`,
    ),
  );
  if (opts.neighbors.length === 0) lines.push('| | (no neighbours) | |');
  lines.push('');
  const tail = [
    opts.link ? `[${opts.link.title}](${opts.link.uri})` : '',
    opts.note ? `_${mdText(opts.note, 120)}_` : '',
  ].filter(Boolean);
  if (tail.length) lines.push(tail.join(' · '));
  return lines.join('\n');
}
