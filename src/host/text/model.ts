/**
 * The text model the commands and hovers use: the `embeddingLens.model.path` setting
 * (a model folder, absolute or relative to the first workspace folder; "builtin" for
 * the built-in GloVe model), or the built-in model when it is empty. The setting is
 * listed under restrictedConfigurations, so in an untrusted workspace VS Code only
 * gives us the user's own value, never one from the workspace's settings.
 */
import * as path from 'path';
import * as vscode from 'vscode';

export const MODEL_SETTING = 'model.path';
export const BUILTIN = 'builtin';

function raw(): string {
  return (vscode.workspace.getConfiguration('embeddingLens').get<string>(MODEL_SETTING, '') ?? '').trim();
}

/** The model for engine requests: a folder path, or undefined for the built-in model. */
export function modelForRequests(): string | undefined {
  const v = raw();
  if (!v || v === BUILTIN) return undefined;
  if (path.isAbsolute(v)) return v;
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? path.join(folder.uri.fsPath, v) : path.resolve(v);
}

/** True when the user chose a model (a folder or "builtin"); the selection hover only runs then. */
export function modelConfigured(): boolean {
  return raw() !== '';
}

/** A short name for messages: the folder's name or "the built-in GloVe model". */
export function modelLabel(): string {
  const m = modelForRequests();
  return m ? path.basename(m) : 'the built-in GloVe model';
}

export async function setModelSetting(value: string): Promise<void> {
  await vscode.workspace
    .getConfiguration('embeddingLens')
    .update(MODEL_SETTING, value, vscode.ConfigurationTarget.Global);
}
