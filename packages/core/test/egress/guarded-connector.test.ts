import type { LookupAddress } from 'node:dns';
import { createServer as createNetServer, type Socket } from 'node:net';
import { buildConnector } from 'undici';
import { describe, expect, it } from 'vitest';
import { createEgressClient } from '../../src/egress/egress-client';
import { createEgressPolicy } from '../../src/egress/egress-policy';
import { createGuardedConnector, type EgressLookup } from '../../src/egress/guarded-connector';
import { listen, recordingConnector, rejectionOf, tableLookup } from './helpers';

const policy = createEgressPolicy();

/** What the connector hands its callback: the socket, or the error. */
function attempt(connect: buildConnector.connector, options: buildConnector.Options): Promise<Socket | Error> {
  return new Promise((resolve) => connect(options, (error, socket) => resolve(error ?? socket)));
}

describe('createGuardedConnector', () => {
  it('resolves once per connection and connects to the very address it checked', async () => {
    // A rebinding resolver: an allowed answer first, loopback ever after.
    const answers: string[][] = [['10.0.0.5']];
    const lookups: string[] = [];
    const lookup: EgressLookup = (hostname, _options, callback) => {
      lookups.push(hostname);
      const addresses: LookupAddress[] = (answers.shift() ?? ['127.0.0.1']).map((address) => ({ address, family: 4 }));
      callback(null, addresses);
    };
    const { connector, calls } = recordingConnector();
    const connect = createGuardedConnector({ policy, lookup, connector });
    const target = { hostname: 'rebind.corp.example', protocol: 'http:', port: '8080' };

    expect(await attempt(connect, target)).toEqual(new Error('recorded, not connected'));
    expect(await attempt(connect, target)).toMatchObject({
      code: 'EGRESS_DENIED',
      message: 'Egress to rebind.corp.example refused: 127.0.0.1 is in denied range 127.0.0.0/8.',
    });
    expect(lookups).toEqual(['rebind.corp.example', 'rebind.corp.example']);
    expect(calls.map((call) => call.hostname)).toEqual(['10.0.0.5']);
  });

  it.each(['http', 'https'])('refuses an %s socket whose peer is denied, before writing a byte to it', async (scheme) => {
    let bytes = 0;
    let peerClosed!: () => void;
    const closed = new Promise<void>((resolve) => (peerClosed = resolve));
    const peer = await listen(
      createNetServer((socket) => {
        socket.on('data', (data) => (bytes += data.length));
        socket.on('close', peerClosed);
      }),
      'tcp',
    );
    // Stands for whatever could come between the check and the socket: a second resolution,
    // an interception, a bug. The name checks out as private; the socket lands on loopback.
    const real = buildConnector({});
    const misdirected: buildConnector.connector = (options, callback) =>
      real({ ...options, hostname: '127.0.0.1', port: String(peer.port) }, callback);
    const client = createEgressClient({
      policy,
      lookup: tableLookup({ 'intranet.corp.example': ['10.0.0.5'] }),
      connector: misdirected,
    });

    try {
      const error = await rejectionOf(
        client.request(`${scheme}://intranet.corp.example/`, { method: 'POST', body: 'must not arrive' }),
      );

      expect(error).toMatchObject({
        code: 'EGRESS_DENIED',
        message: 'Egress to intranet.corp.example refused: the connected peer 127.0.0.1 is in denied range 127.0.0.0/8.',
      });
      await closed;
      expect({ connections: peer.connections, bytes }).toEqual({ connections: 1, bytes: 0 });
    } finally {
      await client.close();
      await peer.close();
    }
  });

  it('never accepts a socket path', async () => {
    const { connector, calls } = recordingConnector();
    const connect = createGuardedConnector({ policy, connector });

    const outcome = await attempt(connect, {
      hostname: 'localhost',
      protocol: 'http:',
      port: '',
      socketPath: '/var/run/docker.sock',
    });

    expect(outcome).toMatchObject({ code: 'EGRESS_DENIED', message: 'Egress to localhost refused: a socket path is never accepted.' });
    expect(calls).toEqual([]);
  });

  it('does not resolve a host name outside allowedHosts', async () => {
    const lookup = tableLookup({ 'evil.example': ['10.0.0.5'] });
    const connect = createGuardedConnector({
      policy: createEgressPolicy({ allowedHosts: ['*.corp.example'] }),
      lookup,
      connector: recordingConnector().connector,
    });

    const outcome = await attempt(connect, { hostname: 'evil.example', protocol: 'https:', port: '' });

    expect(outcome).toMatchObject({ message: 'Egress to evil.example refused: host evil.example is not in the allowed hosts.' });
    expect(lookup.calls).toEqual([]);
  });

  it('gives up on a lookup slower than lookupTimeoutMs', async () => {
    const silent: EgressLookup = () => undefined;
    const connect = createGuardedConnector({ policy, lookup: silent, lookupTimeoutMs: 50, connector: recordingConnector().connector });

    const outcome = await attempt(connect, { hostname: 'slow.corp.example', protocol: 'http:', port: '' });

    expect(outcome).toMatchObject({
      code: 'UPSTREAM_UNAVAILABLE',
      message: 'Looking up slow.corp.example took longer than 50 ms.',
    });
  });

  it('fails on a name with no address', async () => {
    const connect = createGuardedConnector({
      policy,
      lookup: tableLookup({ 'empty.corp.example': [] }),
      connector: recordingConnector().connector,
    });

    const outcome = await attempt(connect, { hostname: 'empty.corp.example', protocol: 'http:', port: '' });

    expect(outcome).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', message: 'empty.corp.example resolves to no address.' });
  });

  it('passes resolver failures on', async () => {
    const client = createEgressClient({ policy, lookup: tableLookup({}), connector: recordingConnector().connector });
    try {
      const error = await rejectionOf(client.request('http://gone.corp.example/', { method: 'GET' }));

      expect(error).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE' });
      expect(error.message).toBe('GET http://gone.corp.example failed: the host name does not resolve (ENOTFOUND).');
    } finally {
      await client.close();
    }
  });

  it('never connects to a shorthand literal that reaches it unnormalised, whatever the system resolver makes of it', async () => {
    const { connector, calls } = recordingConnector();
    const connect = createGuardedConnector({ policy, connector });

    for (const hostname of ['0x7f.1', '2130706433', '0177.0.0.1', '127.1']) {
      const outcome = await attempt(connect, { hostname, protocol: 'http:', port: '' });
      expect(outcome).toBeInstanceOf(Error);
    }
    expect(calls).toEqual([]);
  });
});
