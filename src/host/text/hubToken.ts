/**
 * The Hugging Face access token for private and gated repos: kept in VS Code's secret
 * storage (the OS keychain where there is one), set and cleared by two commands; without
 * one, the HF_TOKEN environment variable that huggingface_hub reads. The token is only
 * ever sent to the hub's own origin (hubDownload.ts), and only when that endpoint comes
 * from the user's settings, HF_ENDPOINT or the default: a workspace that sets
 * embeddingLens.model.hubEndpoint could otherwise collect it.
 */
import * as vscode from 'vscode';
import type { HostContext } from '../context';
import type { HubAuth } from './hubDownload';

const SECRET_KEY = 'embeddingLens.hubToken';

interface HubToken {
  token: string;
  /** Where it came from, for messages (never the token itself). */
  source: 'secret storage' | 'HF_TOKEN';
}

/** The stored token, else HF_TOKEN, else undefined. */
async function hubToken(ctx: HostContext): Promise<HubToken | undefined> {
  const stored = await ctx.extension.secrets.get(SECRET_KEY);
  if (stored) return { token: stored, source: 'secret storage' };
  const env = process.env.HF_TOKEN?.trim();
  return env ? { token: env, source: 'HF_TOKEN' } : undefined;
}

/** Why a string cannot be a token (tokens are printable ASCII without spaces), or undefined. */
function tokenProblem(v: string): string | undefined {
  if (!v.trim()) return "paste a token from the hub's Settings → Access Tokens page";
  if (!/^[\x21-\x7e]+$/.test(v.trim())) return 'a token has no spaces or non-ASCII characters';
  return undefined;
}

/** The command: asks for the token (hidden input) unless given one; stores it. Returns whether it stored one. */
export async function setHubToken(ctx: HostContext, arg?: unknown): Promise<boolean> {
  const value =
    typeof arg === 'string'
      ? arg
      : await vscode.window.showInputBox({
          title: 'Hugging Face access token',
          prompt:
            "For private and gated model repos. Stored in VS Code's secret storage and sent only to the hub endpoint of your user settings (or huggingface.co).",
          password: true,
          ignoreFocusOut: true,
          validateInput: (v) => tokenProblem(v),
        });
  if (value === undefined) return false;
  const problem = tokenProblem(value);
  if (problem) {
    void vscode.window.showErrorMessage(`Embedding Lens: not a token: ${problem}`);
    return false;
  }
  await ctx.extension.secrets.store(SECRET_KEY, value.trim());
  ctx.log.appendLine('[text] Hugging Face token stored in secret storage');
  if (typeof arg !== 'string') void vscode.window.showInformationMessage('Embedding Lens: Hugging Face token stored.');
  return true;
}

/** The command: forgets the stored token (HF_TOKEN, if set, still applies). */
export async function clearHubToken(ctx: HostContext, quiet?: unknown): Promise<void> {
  await ctx.extension.secrets.delete(SECRET_KEY);
  ctx.log.appendLine('[text] Hugging Face token removed from secret storage');
  if (quiet !== true) {
    void vscode.window.showInformationMessage(
      `Embedding Lens: Hugging Face token removed.${process.env.HF_TOKEN ? ' HF_TOKEN is still set in the environment and will be used.' : ''}`,
    );
  }
}

/**
 * The auth to use against `endpoint`: the token for that origin, unless the endpoint was set
 * by the workspace (see the top of this file). `note` says why a token was held back.
 */
export async function hubAuthFor(
  ctx: HostContext,
  endpoint: string,
  fromWorkspace: boolean,
): Promise<{ auth?: HubAuth; note?: string }> {
  const t = await hubToken(ctx);
  if (!t) return {};
  if (fromWorkspace)
    return {
      note: `a token is set (${t.source}), but it is not sent to a hub endpoint that workspace settings choose`,
    };
  return { auth: { origin: new URL(endpoint).origin, token: t.token } };
}
