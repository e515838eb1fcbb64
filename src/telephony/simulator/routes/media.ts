/** /playbacks and /recordings. */
import { finish, pausePlayback, resumePlayback, stopRecording } from '../media.js';
import { liveRecordingSnapshot, playbackSnapshot } from '../model/bridge.js';
import type { LiveRecording, Playback } from '../model/bridge.js';
import type { Pbx } from '../pbx.js';
import { AriError, noContent, pathParam, query, str } from './spec.js';
import type { Params, RouteSpec } from './spec.js';

const playbackId = pathParam('playbackId', 'Playback id');
const recordingName = pathParam('recordingName', 'Recording name');

function findPlayback(pbx: Pbx, params: Params): Playback {
  const playback = pbx.playbacks.get(str(params, 'playbackId') ?? '');
  if (!playback) throw new AriError(404, 'Playback not found');
  return playback;
}

function findLive(pbx: Pbx, params: Params): LiveRecording {
  const recording = pbx.recordings.get(str(params, 'recordingName') ?? '');
  if (!recording) throw new AriError(404, 'Recording not found');
  return recording;
}

function findStored(pbx: Pbx, params: Params): { name: string; format: string } {
  const name = str(params, 'recordingName') ?? '';
  const stored = pbx.stored.get(name);
  if (!stored) throw new AriError(404, 'Recording not found');
  return { name, format: stored.format };
}

export const mediaRoutes: RouteSpec[] = [
  {
    resource: 'playbacks',
    path: '/playbacks/{playbackId}',
    method: 'GET',
    nickname: 'get',
    summary: 'Playback details.',
    responseClass: 'Playback',
    params: [playbackId],
    errors: [{ code: 404, reason: 'The playback cannot be found' }],
    handle: (pbx, params) => ({ status: 200, body: playbackSnapshot(findPlayback(pbx, params)) }),
  },
  {
    resource: 'playbacks',
    path: '/playbacks/{playbackId}',
    method: 'DELETE',
    nickname: 'stop',
    summary: 'Stop a playback (it finishes in state done).',
    responseClass: 'void',
    params: [playbackId],
    errors: [{ code: 404, reason: 'The playback cannot be found' }],
    handle(pbx, params) {
      const playback = findPlayback(pbx, params);
      return noContent(() => finish(pbx, playback, 'done'));
    },
  },
  {
    resource: 'playbacks',
    path: '/playbacks/{playbackId}/control',
    method: 'POST',
    nickname: 'control',
    summary: 'Pause, resume or restart a playback.',
    responseClass: 'void',
    params: [
      playbackId,
      query('operation', 'string', 'What to do', {
        required: true,
        allowed: ['restart', 'pause', 'unpause', 'reverse', 'forward'],
        missingMessage: 'Missing parameter operation',
        invalidMessage: 'Invalid operation',
      }),
    ],
    errors: [
      { code: 400, reason: 'The provided operation parameter was invalid' },
      { code: 404, reason: 'The playback cannot be found' },
      { code: 409, reason: 'The operation cannot be performed in the playback\'s current state' },
    ],
    handle(pbx, params) {
      const playback = findPlayback(pbx, params);
      if (playback.state === 'queued') throw new AriError(409, 'Playback not yet started');
      const operation = str(params, 'operation');
      if (operation === 'pause') pausePlayback(pbx, playback);
      else if (operation === 'unpause') resumePlayback(pbx, playback, false);
      else if (operation === 'restart') resumePlayback(pbx, playback, true);
      return noContent();
    },
  },
  {
    resource: 'recordings',
    path: '/recordings/stored',
    method: 'GET',
    nickname: 'listStored',
    summary: 'List stored recordings.',
    responseClass: 'List[StoredRecording]',
    params: [],
    errors: [],
    handle: (pbx) => ({ status: 200, body: [...pbx.stored].map(([name, { format }]) => ({ name, format })) }),
  },
  {
    resource: 'recordings',
    path: '/recordings/stored/{recordingName}',
    method: 'GET',
    nickname: 'getStored',
    summary: 'Stored recording details.',
    responseClass: 'StoredRecording',
    params: [recordingName],
    errors: [{ code: 404, reason: 'Recording not found' }],
    handle: (pbx, params) => ({ status: 200, body: findStored(pbx, params) }),
  },
  {
    resource: 'recordings',
    path: '/recordings/stored/{recordingName}',
    method: 'DELETE',
    nickname: 'deleteStored',
    summary: 'Delete a stored recording.',
    responseClass: 'void',
    params: [recordingName],
    errors: [{ code: 404, reason: 'Recording not found' }],
    handle(pbx, params) {
      pbx.stored.delete(findStored(pbx, params).name);
      return noContent();
    },
  },
  {
    resource: 'recordings',
    path: '/recordings/live/{recordingName}',
    method: 'GET',
    nickname: 'getLive',
    summary: 'Live recording details.',
    responseClass: 'LiveRecording',
    params: [recordingName],
    errors: [{ code: 404, reason: 'Recording not found' }],
    handle: (pbx, params) => ({ status: 200, body: liveRecordingSnapshot(findLive(pbx, params)) }),
  },
  {
    resource: 'recordings',
    path: '/recordings/live/{recordingName}',
    method: 'DELETE',
    nickname: 'cancel',
    summary: 'Stop a live recording and discard it.',
    responseClass: 'void',
    params: [recordingName],
    errors: [{ code: 404, reason: 'Recording not found' }],
    handle(pbx, params) {
      const recording = findLive(pbx, params);
      return noContent(() => stopRecording(pbx, recording, 'canceled'));
    },
  },
  {
    resource: 'recordings',
    path: '/recordings/live/{recordingName}/stop',
    method: 'POST',
    nickname: 'stop',
    summary: 'Stop a live recording and store it.',
    responseClass: 'void',
    params: [recordingName],
    errors: [{ code: 404, reason: 'Recording not found' }],
    handle(pbx, params) {
      const recording = findLive(pbx, params);
      return noContent(() => stopRecording(pbx, recording, 'done'));
    },
  },
];
