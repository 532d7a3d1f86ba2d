/** The engine process itself: health and engine-wide settings. */
import { request } from './request';

export interface PingResult {
  pid: number;
  threads: number;
  uptimeMs: number;
  datasets: number;
}

export const Ping = request<void, PingResult>('embeddingLens/engine/ping');

/** Engine-wide settings the host pushes on start and when the user changes them. */
export interface EngineSettings {
  threads: number;
}

export const Configure = request<EngineSettings, void>('embeddingLens/engine/configure');
