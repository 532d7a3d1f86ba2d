/**
 * A text column of an embedding file shown as a read-only document, one row per line
 * (line i = row i), so the neighbour hover works where the metadata has no file of its
 * own: a Parquet file's text column, or a sidecar whose records span several lines.
 * The document lives under the `embedding-lens-rows` scheme; its URI names the
 * embedding file and the column, and nothing is written to disk.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import { ColumnValues } from '../../shared/protocol/datasets';
import type { HostContext } from '../context';

export const ROW_TEXT_SCHEME = 'embedding-lens-rows';

interface RowTextRef {
  file: vscode.Uri;
  column: string;
}

function rowTextUri(ref: RowTextRef): vscode.Uri {
  const name = `${path.basename(ref.file.fsPath)} · ${ref.column}.txt`;
  return vscode.Uri.from({
    scheme: ROW_TEXT_SCHEME,
    path: `/${name}`,
    query: JSON.stringify({ file: ref.file.toString(), column: ref.column }),
  });
}

export function parseRowTextUri(uri: vscode.Uri): RowTextRef | undefined {
  if (uri.scheme !== ROW_TEXT_SCHEME) return undefined;
  try {
    const q = JSON.parse(uri.query) as { file?: string; column?: string };
    if (typeof q.file !== 'string' || typeof q.column !== 'string') return undefined;
    return { file: vscode.Uri.parse(q.file), column: q.column };
  } catch {
    return undefined;
  }
}

/** One line per row: line breaks inside a value are shown as ⏎ so line numbers stay row numbers. */
function rowLines(values: (string | number | null)[]): string {
  return values.map((v) => (v === null ? '' : String(v).replace(/\r\n|\r|\n/g, ' ⏎ '))).join('\n') + '\n';
}

export class RowTextProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly ctx: HostContext) {}

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const ref = parseRowTextUri(uri);
    if (!ref) return '';
    const info = await this.ctx.datasets.get({ uri: ref.file }, token);
    const col = await this.ctx.engine.request(ColumnValues, { datasetId: info.id, column: ref.column }, { token });
    return rowLines(col.values);
  }
}

/** Asks for a text column of the file (when there are several) and opens it as a document. */
export async function showTextColumn(
  ctx: HostContext,
  uri?: vscode.Uri,
  column?: string,
): Promise<vscode.TextEditor | undefined> {
  const file = await ctx.pickFile(
    uri instanceof vscode.Uri ? uri : undefined,
    'Show a text column of an embedding file',
  );
  if (!file) return undefined;
  const info = await ctx.datasets.get({ uri: file });
  const texts = info.columns.filter((c) => c.kind === 'text' || c.kind === 'category');
  if (!texts.length) {
    void vscode.window.showInformationMessage(
      `Embedding Lens: ${path.basename(file.fsPath)} has no text metadata column to show.`,
    );
    return undefined;
  }
  let name = typeof column === 'string' && texts.some((c) => c.name === column) ? column : undefined;
  if (!name) {
    name =
      texts.length === 1
        ? texts[0].name
        : (
            await vscode.window.showQuickPick(
              texts.map((c) => ({ label: c.name, description: c.kind })),
              { title: 'Which column holds the text of each row?' },
            )
          )?.label;
  }
  if (!name) return undefined;
  const doc = await vscode.workspace.openTextDocument(rowTextUri({ file, column: name }));
  return vscode.window.showTextDocument(doc, { preview: false });
}
