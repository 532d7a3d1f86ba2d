/**
 * The pure parts of "Download Model from Hugging Face…": which hub to talk to, the
 * URLs of its HTTP API, whether a repo id is well formed, and which of a repo's files
 * make a model folder that src/engine/text/folder.ts can load.
 *
 * Hub API (https://huggingface.co/docs/hub/api): `GET {endpoint}/api/models/{id}` lists
 * the repo's files as `siblings[].rfilename` (with `?blobs=true`, their `size` too) and
 * its commit as `sha`; `GET {endpoint}/{id}/resolve/{revision}/{path}` serves a file,
 * usually through a redirect to a CDN.
 */

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

/**
 * The hub endpoint, as huggingface_hub chooses it: a value the user set wins, else the
 * HF_ENDPOINT environment variable, else https://huggingface.co. No trailing slash.
 * Throws an Error for anything but an http(s) URL.
 */
export function hubEndpoint(userValue: string | undefined, env: Record<string, string | undefined>): string {
  const raw = (userValue?.trim() || env.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new Error(`the hub endpoint "${raw}" is not a URL (setting embeddingLens.model.hubEndpoint or HF_ENDPOINT)`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new Error(`the hub endpoint "${raw}" must be an http(s) URL`);
  return raw;
}

/**
 * Why a repo id is not one the hub accepts, or undefined when it is fine. The rules are
 * huggingface_hub's `validate_repo_id`: an optional namespace and a name of letters, digits,
 * `-`, `_`, `.`; at most 96 characters each; no `--` or `..`; not starting or ending with
 * `-` or `.`; not ending with `.git`.
 */
export function repoIdProblem(id: string): string | undefined {
  const v = id.trim();
  if (!v) return 'type a repo id such as sentence-transformers/all-MiniLM-L6-v2';
  const parts = v.split('/');
  if (parts.length > 2) return 'a repo id is "name" or "owner/name", with one "/" at most';
  for (const p of parts) {
    if (!/^[\w.-]{1,96}$/.test(p)) return `"${p}" may only have letters, digits, "-", "_" and "." (1 to 96 characters)`;
    if (/^[-.]|[-.]$/.test(p)) return `"${p}" cannot start or end with "-" or "."`;
  }
  if (v.includes('--') || v.includes('..')) return 'a repo id cannot contain "--" or ".."';
  if (v.endsWith('.git')) return 'a repo id cannot end with ".git"';
  return undefined;
}

/** Each "/"-separated part URI-encoded, the separators kept. */
function encodePath(p: string): string {
  return p.split('/').map(encodeURIComponent).join('/');
}

/** The repo listing: files with sizes, and the commit they belong to. */
export function modelInfoUrl(endpoint: string, id: string): string {
  return `${endpoint}/api/models/${encodePath(id)}?blobs=true`;
}

/** One file of the repo at a revision (branch, tag or commit). */
export function resolveUrl(endpoint: string, id: string, revision: string, file: string): string {
  return `${endpoint}/${encodePath(id)}/resolve/${encodeURIComponent(revision)}/${encodePath(file)}`;
}

export interface HubSibling {
  rfilename: string;
  size?: number;
}

/** A file to fetch: its path in the repo and in the model folder. */
export interface PlannedFile {
  repoPath: string;
  localPath: string;
  size?: number;
}

/** The config files a model folder uses, where the repo has them (folder.ts reads them). */
const CONFIG_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'config.json',
  'modules.json',
  'sentence_bert_config.json',
];
/** sentence-transformers' pooling module config (1_Pooling/config.json, sometimes another index). */
const POOLING_CONFIG = /^\d+_Pooling\/config\.json$/;

/** The repo's ONNX files, the preferred one (onnx/model.onnx, then model.onnx) first. */
export function onnxChoices(siblings: HubSibling[]): string[] {
  const rank = (f: string) => (f === 'onnx/model.onnx' ? 0 : f === 'model.onnx' ? 1 : 2);
  return siblings
    .map((s) => s.rfilename)
    .filter((f) => f.toLowerCase().endsWith('.onnx'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * The files of a model folder built around `onnx`. The loader looks for model.onnx or
 * onnx/model.onnx, so another ONNX file (onnx/model_quint8_avx2.onnx) is saved as model.onnx;
 * its external-data file (`<name>_data` or `<name>.data`), which the graph names relative to
 * itself, goes next to it under its own name.
 */
export function planModelFiles(siblings: HubSibling[], onnx: string): PlannedFile[] {
  const byName = new Map(siblings.map((s) => [s.rfilename, s]));
  if (!byName.has(onnx)) throw new Error(`the repo has no file ${onnx}`);
  const keepsPath = onnx === 'onnx/model.onnx' || onnx === 'model.onnx';
  const onnxLocal = keepsPath ? onnx : 'model.onnx';
  const localDir = onnxLocal.includes('/') ? onnxLocal.slice(0, onnxLocal.lastIndexOf('/') + 1) : '';
  const plan: PlannedFile[] = [{ repoPath: onnx, localPath: onnxLocal, size: byName.get(onnx)!.size }];
  for (const ext of [`${onnx}_data`, `${onnx}.data`]) {
    const s = byName.get(ext);
    if (s) plan.push({ repoPath: ext, localPath: localDir + ext.slice(ext.lastIndexOf('/') + 1), size: s.size });
  }
  for (const s of siblings) {
    if (CONFIG_FILES.includes(s.rfilename) || POOLING_CONFIG.test(s.rfilename))
      plan.push({ repoPath: s.rfilename, localPath: s.rfilename, size: s.size });
  }
  return plan;
}

/** The folder (relative to the storage's models/ folder) a repo is saved in: one folder per id. */
export function localFolderFor(id: string): string {
  return id.trim();
}
