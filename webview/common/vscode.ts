/**
 * The webview end of a panel's channel: typed `send`, `onMessage`, and the
 * `ready` handshake (sent once listeners are attached, so nothing is lost).
 */
import type { CommonFromWebview, CommonToWebview } from '../../src/shared/webview/common';
import { setBusy, showError } from './dom';

interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function send<M extends { type: string }>(msg: M | CommonFromWebview): void {
  api.postMessage(msg);
}

/**
 * Registers the message handler, then tells the host the panel is ready. The messages
 * every panel gets (`busy`, `error`) are shown here the same way for all panels; the
 * handler still receives them, to react further (e.g. stop a run's status ticker).
 */
export function connect<M extends { type: string }>(handler: (msg: M | CommonToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const msg = e.data as M | CommonToWebview;
    const common = msg as CommonToWebview;
    if (common.type === 'busy') setBusy(common.message);
    else if (common.type === 'error') {
      setBusy();
      showError(common.message);
    }
    handler(msg);
  });
  send({ type: 'ready' });
}
