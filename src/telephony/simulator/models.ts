/**
 * Swagger 1.2 models of the objects and events the simulator produces. ari-client looks every incoming event up
 * here by its type (an event without a model would crash it), so every event type the simulator raises is listed.
 */

interface Property {
  type: string;
  required?: boolean;
}
export type Model = { id: string; properties: Record<string, Property> };

const req = (type: string): Property => ({ type, required: true });
const opt = (type: string): Property => ({ type });

function model(id: string, properties: Record<string, Property>): Model {
  return { id, properties };
}

const OBJECT_MODELS: Model[] = [
  model('CallerID', { name: req('string'), number: req('string') }),
  model('DialplanCEP', { context: req('string'), exten: req('string'), priority: req('long'), app_name: req('string'), app_data: req('string') }),
  model('Channel', {
    id: req('string'),
    protocol_id: req('string'),
    name: req('string'),
    state: req('string'),
    caller: req('CallerID'),
    connected: req('CallerID'),
    accountcode: req('string'),
    dialplan: req('DialplanCEP'),
    creationtime: req('Date'),
    language: req('string'),
  }),
  model('Variable', { value: req('string') }),
  model('Bridge', {
    id: req('string'),
    technology: req('string'),
    bridge_type: req('string'),
    bridge_class: req('string'),
    creator: req('string'),
    name: req('string'),
    channels: req('List[string]'),
    creationtime: req('Date'),
    video_mode: opt('string'),
  }),
  model('Playback', {
    id: req('string'),
    media_uri: req('string'),
    next_media_uri: opt('string'),
    target_uri: req('string'),
    language: opt('string'),
    state: req('string'),
  }),
  model('LiveRecording', {
    name: req('string'),
    format: req('string'),
    target_uri: req('string'),
    state: req('string'),
    duration: opt('int'),
    cause: opt('string'),
  }),
  model('StoredRecording', { name: req('string'), format: req('string') }),
  model('Application', {
    name: req('string'),
    channel_ids: req('List[string]'),
    bridge_ids: req('List[string]'),
    endpoint_ids: req('List[string]'),
    device_names: req('List[string]'),
    events_allowed: req('List[object]'),
    events_disallowed: req('List[object]'),
  }),
  model('AsteriskInfo', { build: opt('object'), system: opt('object'), config: opt('object'), status: opt('object') }),
  model('AsteriskPing', { asterisk_id: req('string'), ping: req('string'), timestamp: req('string') }),
  model('Endpoint', { technology: req('string'), resource: req('string'), state: opt('string'), channel_ids: req('List[string]') }),
  model('FormatLangPair', { language: req('string'), format: req('string') }),
  model('Sound', { id: req('string'), text: opt('string'), formats: req('List[FormatLangPair]') }),
];

const EVENT_BASE: Record<string, Property> = {
  type: req('string'),
  asterisk_id: opt('string'),
  application: req('string'),
  timestamp: req('Date'),
};

const EVENT_FIELDS: Record<string, Record<string, Property>> = {
  StasisStart: { args: req('List[string]'), channel: req('Channel'), replace_channel: opt('Channel') },
  StasisEnd: { channel: req('Channel') },
  ChannelCreated: { channel: req('Channel') },
  ChannelStateChange: { channel: req('Channel') },
  ChannelDtmfReceived: { digit: req('string'), duration_ms: req('int'), channel: req('Channel') },
  ChannelHangupRequest: { cause: opt('int'), tech_cause: opt('int'), soft: opt('boolean'), channel: req('Channel') },
  ChannelDestroyed: { cause: req('int'), cause_txt: req('string'), tech_cause: opt('int'), channel: req('Channel') },
  ChannelVarset: { variable: req('string'), value: req('string'), channel: opt('Channel') },
  ChannelEnteredBridge: { bridge: req('Bridge'), channel: opt('Channel') },
  ChannelLeftBridge: { bridge: req('Bridge'), channel: req('Channel') },
  ChannelConnectedLine: { channel: req('Channel') },
  ChannelHold: { channel: req('Channel'), musicclass: opt('string') },
  ChannelUnhold: { channel: req('Channel') },
  Dial: { caller: opt('Channel'), peer: req('Channel'), forward: opt('string'), forwarded: opt('Channel'), dialstring: opt('string'), dialstatus: req('string') },
  PlaybackStarted: { playback: req('Playback') },
  PlaybackContinuing: { playback: req('Playback') },
  PlaybackFinished: { playback: req('Playback') },
  RecordingStarted: { recording: req('LiveRecording') },
  RecordingFinished: { recording: req('LiveRecording') },
  RecordingFailed: { recording: req('LiveRecording') },
  BridgeCreated: { bridge: req('Bridge') },
  BridgeDestroyed: { bridge: req('Bridge') },
  ApplicationReplaced: {},
};

export const EVENT_TYPES = Object.keys(EVENT_FIELDS);

export function eventModels(): Model[] {
  return [
    model('Message', { type: req('string'), asterisk_id: opt('string') }),
    model('Event', { ...EVENT_BASE }),
    ...Object.entries(EVENT_FIELDS).map(([id, fields]) => model(id, { ...EVENT_BASE, ...fields })),
    ...OBJECT_MODELS,
  ];
}

export function objectModels(): Model[] {
  return OBJECT_MODELS;
}
