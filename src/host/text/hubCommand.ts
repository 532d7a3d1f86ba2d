/**
 * "Embedding Lens: Download Model from Hugging Face…": only when the user asks, fetch a
 * model repo's ONNX file and the config files a model folder needs into the extension's
 * global storage (models/<owner>/<name>/), with a cancellable progress notification,
 * check the folder with the engine's model loader, then offer to use it.
 * The pure parts are hubFiles.ts and hubDownload.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TextModelInfo } from '../../shared/protocol/text';
import { TextModelDescribe } from '../../shared/protocol/text';
import type { HostContext } from '../context';
import { DownloadCancelled, downloadToFolder, fetchRepoListing } from './hubDownload';
import { hubEndpoint, localFolderFor, onnxChoices, planModelFiles, repoIdProblem, resolveUrl } from './hubFiles';
import { setModelSetting } from './model';
import { hubAuthFor } from './hubToken';

const HUB_ENDPOINT_SETTING = 'model.hubEndpoint';
const SUGGESTED = 'sentence-transformers/all-MiniLM-L6-v2';

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

/** The endpoint the user set (any scope), else HF_ENDPOINT, else huggingface.co; and whether a workspace chose it. */
function endpointFromSettings(): { endpoint: string; fromWorkspace: boolean } {
  const i = vscode.workspace.getConfiguration('embeddingLens').inspect<string>(HUB_ENDPOINT_SETTING);
  const ws = i?.workspaceFolderValue ?? i?.workspaceValue;
  return {
    endpoint: hubEndpoint(ws ?? i?.globalValue, process.env),
    fromWorkspace: ws !== undefined && ws.trim() !== '',
  };
}

export interface DownloadModelResult {
  dir: string;
  info?: TextModelInfo;
}

/**
 * The command. `idArg` skips the input box, `use: true` sets the model without asking
 * (tests, scripts). Returns the folder, or undefined when cancelled or failed (shown to the user).
 */
export async function downloadModelFromHub(
  ctx: HostContext,
  idArg?: unknown,
  opts: { use?: boolean } = {},
): Promise<DownloadModelResult | undefined> {
  let endpoint: string;
  let fromWorkspace: boolean;
  try {
    ({ endpoint, fromWorkspace } = endpointFromSettings());
  } catch (e) {
    void vscode.window.showErrorMessage(`Embedding Lens: ${(e as Error).message}`);
    return undefined;
  }
  const id =
    typeof idArg === 'string'
      ? idArg.trim()
      : (
          await vscode.window.showInputBox({
            title: `Download a model from ${endpoint}`,
            prompt:
              'Hugging Face repo id of a model with an ONNX export (e.g. an onnx/model.onnx file) and tokenizer.json',
            value: SUGGESTED,
            valueSelection: [0, SUGGESTED.length],
            validateInput: (v) => repoIdProblem(v),
            ignoreFocusOut: true,
          })
        )?.trim();
  if (!id) return undefined;
  const problem = repoIdProblem(id);
  if (problem) {
    void vscode.window.showErrorMessage(`Embedding Lens: "${id}" is not a repo id: ${problem}`);
    return undefined;
  }
  const { auth, note } = await hubAuthFor(ctx, endpoint, fromWorkspace);
  try {
    const listing = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Embedding Lens: listing ${id}`, cancellable: true },
      async (_p, token) => {
        try {
          return await fetchRepoListing(endpoint, id, token, auth);
        } catch (e) {
          throw note && e instanceof Error ? new Error(`${e.message} (${note})`) : e;
        }
      },
    );
    const choices = onnxChoices(listing.siblings);
    if (choices.length === 0)
      throw new Error(
        `${id} has no .onnx file; Embedding Lens runs ONNX models (many sentence-transformers repos have onnx/model.onnx)`,
      );
    let onnx = choices[0];
    if (choices.length > 1 && typeof idArg !== 'string') {
      const size = (f: string) => listing.siblings.find((s) => s.rfilename === f)?.size;
      const pick = await vscode.window.showQuickPick(
        choices.map((f, i) => ({
          label: f,
          description: [i === 0 ? 'recommended' : '', size(f) !== undefined ? mb(size(f)!) : '']
            .filter(Boolean)
            .join(' · '),
          file: f,
        })),
        { title: `${id} has ${choices.length} ONNX files: which one?`, ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      onnx = pick.file;
    }
    const plan = planModelFiles(listing.siblings, onnx);
    const dest = path.join(ctx.extension.globalStorageUri.fsPath, 'models', localFolderFor(id));
    let replace = false;
    if (fs.existsSync(dest)) {
      if (typeof idArg !== 'string') {
        const answer = await vscode.window.showWarningMessage(
          `${id} was downloaded before. Download it again and replace that folder?`,
          { modal: true },
          'Replace',
        );
        if (answer !== 'Replace') return undefined;
      }
      replace = true;
    }
    const revision = listing.sha ?? 'main';
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Embedding Lens: downloading ${id}`, cancellable: true },
      async (progress, token) => {
        let shown = 0;
        let lastReport = 0;
        await downloadToFolder(
          plan.map((p) => ({
            url: resolveUrl(endpoint, id, revision, p.repoPath),
            localPath: p.localPath,
            size: p.size,
          })),
          dest,
          {
            token,
            replace,
            auth,
            onProgress: (done, total, file) => {
              const now = Date.now();
              if (now - lastReport < 100 && done !== total) return;
              lastReport = now;
              const pct = total ? (100 * done) / total : 0;
              progress.report({
                increment: Math.max(0, pct - shown),
                message: `${file}: ${mb(done)}${total ? ` of ${mb(total)}` : ''}`,
              });
              shown = Math.max(shown, pct);
            },
          },
        );
      },
    );
    ctx.log.appendLine(
      `[text] downloaded ${id}@${revision} (${plan.map((p) => p.repoPath).join(', ')}) from ${endpoint} to ${dest}`,
    );
    let info: TextModelInfo;
    try {
      info = await ctx.engine.request(
        TextModelDescribe,
        { model: dest },
        { progressTitle: 'Embedding Lens: checking the downloaded model' },
      );
    } catch (e) {
      const answer = await vscode.window.showErrorMessage(
        `Embedding Lens: ${id} was downloaded but is not a model Embedding Lens can run: ${(e as Error).message}`,
        'Delete Download',
        'Keep',
      );
      if (answer === 'Delete Download') fs.rmSync(dest, { recursive: true, force: true });
      return { dir: dest };
    }
    const use =
      opts.use ??
      (await vscode.window.showInformationMessage(
        `Embedding Lens: downloaded ${id} (${info.dims} dimensions${info.takesText ? ', tokenises inside the model' : `, ${info.pooling} pooling${info.normalize ? ', normalised' : ''}`}). Use it as the text model?`,
        'Use This Model',
        'Not Now',
      )) === 'Use This Model';
    if (use) await setModelSetting(dest);
    return { dir: dest, info };
  } catch (e) {
    if (e instanceof DownloadCancelled || e instanceof vscode.CancellationError) {
      void vscode.window.showInformationMessage('Embedding Lens: download cancelled; nothing was kept.');
      return undefined;
    }
    ctx.log.appendLine(`[text] download of ${id} failed: ${e instanceof Error ? e.stack : String(e)}`);
    void vscode.window.showErrorMessage(
      `Embedding Lens: could not download ${id}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return undefined;
  }
}
