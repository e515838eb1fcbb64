/**
 * ACD key names, all under one hash tag (default `{acd}`): every key a script touches then hashes to the same
 * Redis Cluster slot, which Cluster requires of a multi-key script. One tag per contact center (tenant) is the
 * unit of scale-out: a bigger center shards by tenant, not within one.
 */
export class AcdKeys {
  /** Prefix without the connection's keyPrefix: for KEYS, which ioredis prefixes itself. */
  readonly tagged: string;

  constructor(
    readonly tag = 'acd',
    private readonly connectionPrefix = '',
  ) {
    if (/[{}]/.test(tag)) throw new Error(`ACD hash tag must not contain braces: ${tag}`);
    if (connectionPrefix.includes('{')) throw new Error('the Redis key prefix must not contain "{": it would become the hash tag');
    this.tagged = `{${tag}}:`;
  }

  /** Prefix of keys built inside Lua scripts, which ioredis does not see: includes the connection's keyPrefix. */
  get base(): string {
    return this.connectionPrefix + this.tagged;
  }

  call(callId: string): string {
    return `${this.tagged}call:${callId}`;
  }

  agent(agentId: string): string {
    return `${this.tagged}agent:${agentId}`;
  }

  waiting(queue: string): string {
    return `${this.tagged}queue:${queue}:waiting`;
  }

  available(queue: string): string {
    return `${this.tagged}queue:${queue}:available`;
  }

  config(queue: string): string {
    return `${this.tagged}queue:${queue}:config`;
  }

  /** Live figures of a queue: average handle time. */
  stats(queue: string): string {
    return `${this.tagged}queue:${queue}:stats`;
  }

  /** Every agent who ever logged in (for the day reset and the staffing view). */
  roster(): string {
    return `${this.tagged}agents`;
  }

  /** Present while the node is alive (a heartbeat with an expiry). */
  node(node: string): string {
    return `${this.tagged}node:${node}`;
  }

  /** Offers other nodes decided for this node's callers, for it to ring. */
  inbox(node: string): string {
    return `${this.tagged}inbox:${node}`;
  }

  /** A value written once per life of the ACD's state: changed means Redis lost that state (see node-duties.ts). */
  epoch(): string {
    return `${this.tagged}epoch`;
  }

  /** The center's day the calls-today counts belong to. */
  day(): string {
    return `${this.tagged}day`;
  }
}
