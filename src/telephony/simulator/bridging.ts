/** Mixing and holding bridges: joining, leaving, connected-line updates and destruction. */
import { makeEvent } from './events.js';
import { bridgeSnapshot } from './model/bridge.js';
import type { Bridge } from './model/bridge.js';
import { channelSnapshot } from './model/channel.js';
import type { Channel } from './model/channel.js';
import { stopBridgeMedia } from './media.js';
import type { Pbx } from './pbx.js';

export function createBridge(pbx: Pbx, id: string, name: string, types: string[]): Bridge {
  const bridge: Bridge = {
    id,
    name,
    types,
    technology: types.includes('holding') ? 'holding_bridge' : 'simple_bridge',
    channels: [],
    creationtime: pbx.timestamp(),
    apps: new Set(),
    moh: false,
    playbacks: [],
  };
  pbx.bridges.set(id, bridge);
  return bridge;
}

/** Bridge events reach the channel's application and every application watching the bridge, once each. */
function emitBridgeChannel(pbx: Pbx, bridge: Bridge, channel: Channel, type: string): void {
  const event = makeEvent(type, { bridge: bridgeSnapshot(bridge), channel: channelSnapshot(channel) });
  const targets = new Set(bridge.apps);
  if (channel.subscriber !== null) targets.add(channel.subscriber);
  for (const app of targets) pbx.apps.emit(app, event);
}

/** Two SIP channels are bridged natively; anything else (one channel, snoops, three or more) mixes in software. */
function retune(pbx: Pbx, bridge: Bridge): void {
  if (bridge.types.includes('holding')) return;
  const members = bridge.channels.map((id) => pbx.channels.get(id));
  bridge.technology = members.length === 2 && members.every((c) => c !== undefined && c.kind !== 'snoop') ? 'native_rtp' : 'simple_bridge';
}

function members(pbx: Pbx, bridge: Bridge): Channel[] {
  return bridge.channels.map((id) => pbx.channels.get(id)).filter((c): c is Channel => c !== undefined);
}

export function joinBridge(pbx: Pbx, bridge: Bridge, channel: Channel): void {
  if (channel.bridgeId === bridge.id) return;
  if (channel.bridgeId) leaveBridge(pbx, channel);
  bridge.channels.push(channel.id);
  channel.bridgeId = bridge.id;
  if (channel.subscriber !== null && !bridge.apps.has(channel.subscriber)) {
    bridge.apps.add(channel.subscriber);
    pbx.apps.subscribeBridge(channel.subscriber, bridge.id);
  }
  emitBridgeChannel(pbx, bridge, channel, 'ChannelEnteredBridge');
  const peers = members(pbx, bridge).filter((c) => c !== channel);
  if (peers.length > 0) {
    pbx.setVariable(channel, 'BRIDGEPEER', peers.map((p) => p.name).join(','));
    if (peers.length === 1 && peers[0]) pbx.setVariable(channel, 'BRIDGEPVTCALLID', peers[0].protocolId);
    for (const peer of peers) pbx.setVariable(peer, 'BRIDGEPEER', channel.name);
  }
  if (bridge.channels.length === 2 && peers[0] && !bridge.types.includes('holding')) {
    const peer = peers[0];
    updateConnected(pbx, peer, channel);
    updateConnected(pbx, channel, peer);
  }
  retune(pbx, bridge);
  for (const member of members(pbx, bridge)) pbx.updateSilence(member);
}

/** The party a channel talks to becomes its connected line (ChannelConnectedLine when it changes). */
function updateConnected(pbx: Pbx, channel: Channel, other: Channel): void {
  if (channel.connected.name === other.caller.name && channel.connected.number === other.caller.number) return;
  channel.connected = { ...other.caller };
  pbx.emitChannel(channel, 'ChannelConnectedLine');
}

export function leaveBridge(pbx: Pbx, channel: Channel): void {
  const bridge = channel.bridgeId ? pbx.bridges.get(channel.bridgeId) : undefined;
  channel.bridgeId = null;
  if (!bridge) return;
  const hadPeers = bridge.channels.length > 1;
  bridge.channels = bridge.channels.filter((id) => id !== channel.id);
  if (hadPeers) {
    pbx.setVariable(channel, 'BRIDGEPEER', '');
    pbx.setVariable(channel, 'BRIDGEPVTCALLID', '');
  }
  emitBridgeChannel(pbx, bridge, channel, 'ChannelLeftBridge');
  retune(pbx, bridge);
  pbx.updateSilence(channel);
  for (const member of members(pbx, bridge)) pbx.updateSilence(member);
}

export function destroyBridge(pbx: Pbx, bridge: Bridge): void {
  if (pbx.bridges.get(bridge.id) !== bridge) return;
  for (const channel of members(pbx, bridge)) leaveBridge(pbx, channel);
  stopBridgeMedia(pbx, bridge);
  pbx.scheduler.cancelOwner(bridge.id);
  pbx.bridges.delete(bridge.id);
  const event = makeEvent('BridgeDestroyed', { bridge: bridgeSnapshot(bridge) });
  for (const app of bridge.apps) {
    pbx.apps.emit(app, event);
    pbx.apps.unsubscribeBridge(app, bridge.id);
  }
}
