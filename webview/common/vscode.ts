/**
 * The webview end of a panel's channel: typed `send`, `onMessage`, and the
 * `ready` handshake (sent once listeners are attached, so nothing is lost).
 */
import type { CommonFromWebview, CommonToWebview } from '../../src/shared/webview/common';

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

/** Registers the message handler, then tells the host the panel is ready. */
export function connect<M extends { type: string }>(handler: (msg: M | CommonToWebview) => void): void {
  window.addEventListener('message', (e: MessageEvent) => handler(e.data as M | CommonToWebview));
  send({ type: 'ready' });
}

export function getState<T>(): T | undefined {
  return api.getState() as T | undefined;
}

export function setState<T>(s: T): void {
  api.setState(s);
}
