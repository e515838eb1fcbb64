/** The server's wallboard contract, type-only (see ../agent/types.ts for why). */
export type { AgentFigures, HistoryPoint, QueueFigures, WallboardSnapshot } from '../../wallboard/figures.js';
