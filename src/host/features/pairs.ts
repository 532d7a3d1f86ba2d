/**
 * Labels and pairs: "Modality Gap…", "Neural Collapse…" and
 * "Compare With…". Each asks for what it needs with quick picks built from the
 * file's metadata columns (or a second file), then opens the file's panel.
 *
 * Commands also take an options object as their second argument, so scripts and
 * the integration suite can run them without any picker:
 *   embeddingLens.pairs.modalityGap(uri, { group, pair?, values? })
 *   embeddingLens.pairs.neuralCollapse(uri, { labels, weightsPath?, biasPath? })
 *   embeddingLens.pairs.compareWith(uri, { other: Uri, k? })
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { ColumnInfo } from '../../shared/protocol/common';
import type { DatasetInfo } from '../../shared/protocol/datasets';
import { PAIRS_DEFAULTS } from '../../shared/defaults';
import type { HostContext } from '../context';
import { pickWorkspaceEmbeddingFile } from '../context';
import { showFilePanel } from '../panels/filePanels';
import { PairsPanel, PairsSpec } from '../panels/pairsPanel';
import { addPanelLink } from './links';
import { COMMANDS } from '../commands';

const PAIR_HINT = /pair|match|^id$|_id$|caption_id|image_id/i;
const LABEL_HINT = /label|class|target|category|^y$/i;

export function activatePairs(ctx: HostContext): vscode.Disposable[] {
  addPanelLink({ command: COMMANDS.pairs.modalityGap, title: 'Modality Gap' });
  addPanelLink({ command: COMMANDS.pairs.neuralCollapse, title: 'Neural Collapse' });
  addPanelLink({ command: COMMANDS.pairs.compareWith, title: 'Compare With…' });

  const rechoose = async (uri: vscode.Uri, current: PairsSpec): Promise<PairsSpec | undefined> => {
    if (current.mode === 'compare') {
      const other = await pickOther(uri);
      return other ? { mode: 'compare', other, k: current.k } : undefined;
    }
    const info = await ctx.datasets.get({ uri });
    return current.mode === 'gap' ? chooseGap(info) : chooseCollapse(info, uri);
  };

  const open = (uri: vscode.Uri, spec: PairsSpec) => {
    const key =
      spec.mode === 'compare'
        ? spec.other.toString()
        : spec.mode === 'gap'
          ? `${spec.group}\u0000${spec.pair ?? ''}`
          : `${spec.labels}\u0000${spec.weightsPath ?? ''}`;
    const titles = { gap: 'Modality Gap', collapse: 'Neural Collapse', compare: 'Compare' } as const;
    showFilePanel(
      ctx,
      { kind: `pairs-${spec.mode}`, title: titles[spec.mode] },
      uri,
      (panel) => new PairsPanel(ctx, panel, uri, spec, rechoose),
      key,
    );
  };

  /** Opens the file in the engine for its column list (errors are shown, not thrown). */
  const infoOf = async (uri: vscode.Uri): Promise<DatasetInfo | undefined> => {
    try {
      return await ctx.datasets.get({ uri });
    } catch (e) {
      if (e instanceof vscode.CancellationError) return undefined;
      void vscode.window.showErrorMessage(`Embedding Lens: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };

  return [
    vscode.commands.registerCommand(
      COMMANDS.pairs.modalityGap,
      async (uri?: vscode.Uri, opts?: { group: string; pair?: string; values?: [string, string] }) => {
        const file = await ctx.pickFile(uri, 'Choose the embedding file with both groups (e.g. image and text rows)');
        if (!file) return;
        let spec: PairsSpec | undefined = opts?.group
          ? { mode: 'gap', group: opts.group, pair: opts.pair, values: opts.values }
          : undefined;
        if (!spec) {
          const info = await infoOf(file);
          if (!info) return;
          spec = await chooseGap(info);
        }
        if (spec) open(file, spec);
      },
    ),
    vscode.commands.registerCommand(
      COMMANDS.pairs.neuralCollapse,
      async (uri?: vscode.Uri, opts?: { labels: string; weightsPath?: string; biasPath?: string }) => {
        const file = await ctx.pickFile(uri, 'Choose the labelled feature file');
        if (!file) return;
        let spec: PairsSpec | undefined = opts?.labels
          ? { mode: 'collapse', labels: opts.labels, weightsPath: opts.weightsPath, biasPath: opts.biasPath }
          : undefined;
        if (!spec) {
          const info = await infoOf(file);
          if (!info) return;
          spec = await chooseCollapse(info, file);
        }
        if (spec) open(file, spec);
      },
    ),
    vscode.commands.registerCommand(
      COMMANDS.pairs.compareWith,
      async (uri?: vscode.Uri, second?: vscode.Uri | vscode.Uri[] | { other: vscode.Uri; k?: number }) => {
        // Explorer: `uri` is the clicked file, `second` the multi-selection; from a script, { other }.
        let a: vscode.Uri | undefined;
        let b: vscode.Uri | undefined;
        let k: number = PAIRS_DEFAULTS.k;
        if (second && !(second instanceof vscode.Uri) && !Array.isArray(second)) {
          a = uri;
          b = second.other;
          k = second.k ?? PAIRS_DEFAULTS.k;
        } else if (Array.isArray(second) && second.length === 2) {
          [a, b] = second;
        } else if (uri instanceof vscode.Uri) {
          // The clicked file is compared with the file open in the focused overview, when there is one.
          const active = ctx.activeDataset?.uri;
          if (active && active.toString() !== uri.toString()) {
            a = active;
            b = uri;
          } else {
            a = uri;
            b = await pickOther(uri);
          }
        } else {
          a = await ctx.pickFile(undefined, 'Compare: choose the first embedding file (A)');
          if (a) b = await pickOther(a);
        }
        if (!a || !b) return;
        if (a.toString() === b.toString()) {
          void vscode.window.showErrorMessage('Embedding Lens: choose two different files to compare.');
          return;
        }
        open(a, { mode: 'compare', other: b, k });
      },
    ),
  ];
}

async function pickOther(a: vscode.Uri): Promise<vscode.Uri | undefined> {
  return pickWorkspaceEmbeddingFile(
    `Compare ${path.basename(a.fsPath)} with… (a file with the same rows: same items, same order)`,
  );
}

function describe(c: ColumnInfo): string {
  if (c.categories?.length)
    return `${c.categories.length}${c.categories.length >= 50 ? '+' : ''} values: ${c.categories.slice(0, 4).join(', ')}${c.categories.length > 4 ? ', …' : ''}`;
  return c.kind;
}

function noColumns(info: DatasetInfo, what: string): undefined {
  void vscode.window.showErrorMessage(
    `Embedding Lens: ${path.basename(info.path)} has no metadata columns, so there is no ${what} to choose. Add a sidecar (.tsv/.csv/.jsonl with the same name) or open the overview and choose a metadata file.`,
  );
  return undefined;
}

/** Group column (two values first), the two values when it has more, and an optional pair column. */
async function chooseGap(info: DatasetInfo): Promise<PairsSpec | undefined> {
  if (!info.columns.length) return noColumns(info, 'group column');
  const cols = [...info.columns].sort(
    (x, y) => Number(y.categories?.length === 2) - Number(x.categories?.length === 2),
  );
  const group = await vscode.window.showQuickPick(
    cols.map((c) => ({ label: c.name, description: describe(c), col: c })),
    {
      title: 'Modality gap: which column splits the rows into two groups?',
      placeHolder: 'e.g. modality (image / text)',
    },
  );
  if (!group) return undefined;
  let values: [string, string] | undefined;
  const cats = group.col.categories ?? [];
  if (cats.length !== 2) {
    const picked = await vscode.window.showQuickPick(
      cats.map((v) => ({ label: v })),
      { title: `Which two values of '${group.label}' are the groups? (pick two)`, canPickMany: true },
    );
    if (!picked) return undefined;
    if (picked.length !== 2) {
      void vscode.window.showErrorMessage(
        `Embedding Lens: pick exactly two values of '${group.label}' (got ${picked.length}).`,
      );
      return undefined;
    }
    values = [picked[0].label, picked[1].label];
  }
  const others = info.columns
    .filter((c) => c.name !== group.label)
    .sort((x, y) => Number(PAIR_HINT.test(y.name)) - Number(PAIR_HINT.test(x.name)));
  const NONE = '$(circle-slash) No pairing';
  const pair = await vscode.window.showQuickPick(
    [
      { label: NONE, description: 'gap, separability and the map only' },
      ...others.map((c) => ({
        label: c.name,
        description: `${describe(c)}${PAIR_HINT.test(c.name) ? ' (looks like a pair id)' : ''}`,
      })),
    ],
    {
      title: 'Which column links matched rows of the two groups? (for RMG and matched retrieval)',
      placeHolder: 'e.g. pair_id',
    },
  );
  if (!pair) return undefined;
  return { mode: 'gap', group: group.label, values, pair: pair.label === NONE ? undefined : pair.label };
}

/** Label column, then optional classifier weights (and bias) .npy files. */
async function chooseCollapse(info: DatasetInfo, uri: vscode.Uri): Promise<PairsSpec | undefined> {
  if (!info.columns.length) return noColumns(info, 'label column');
  const cols = [...info.columns].sort((x, y) => Number(LABEL_HINT.test(y.name)) - Number(LABEL_HINT.test(x.name)));
  const labels = await vscode.window.showQuickPick(
    cols.map((c) => ({ label: c.name, description: describe(c) })),
    { title: "Neural collapse: which column holds each row's class?", placeHolder: 'e.g. label' },
  );
  if (!labels) return undefined;
  const WITH = 'Choose classifier weights (.npy, C × d)…';
  const how = await vscode.window.showQuickPick(
    [
      { label: 'Without classifier weights', description: 'NC1, NC2, nearest-class-mean and k-NN accuracy' },
      {
        label: WITH,
        description:
          'adds NC3 (weights vs class means) and NC4 (classifier vs nearest class mean); integer labels 0..C−1',
      },
    ],
    { title: 'Neural collapse: also check the classifier?' },
  );
  if (!how) return undefined;
  if (how.label !== WITH) return { mode: 'collapse', labels: labels.label };
  const npy = { 'NumPy array': ['npy'] };
  const w = await vscode.window.showOpenDialog({
    title: 'Classifier weights: C × d .npy (row c scores class c)',
    canSelectMany: false,
    defaultUri: vscode.Uri.joinPath(uri, '..'),
    filters: npy,
  });
  if (!w?.[0]) return undefined;
  const bias = await vscode.window.showQuickPick(
    [{ label: 'No bias' }, { label: 'Choose a bias vector (.npy, C values)…' }],
    { title: 'Does the classifier have a bias?' },
  );
  if (!bias) return undefined;
  let biasPath: string | undefined;
  if (bias.label !== 'No bias') {
    const b = await vscode.window.showOpenDialog({
      title: 'Classifier bias: .npy with C values',
      canSelectMany: false,
      defaultUri: vscode.Uri.joinPath(uri, '..'),
      filters: npy,
    });
    if (!b?.[0]) return undefined;
    biasPath = b[0].fsPath;
  }
  return { mode: 'collapse', labels: labels.label, weightsPath: w[0].fsPath, biasPath };
}
