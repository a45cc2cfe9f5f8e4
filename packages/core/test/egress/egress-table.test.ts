import { describe, expect, it } from 'vitest';
import { createEgressClient } from '../../src/egress/egress-client';
import { createEgressPolicy, type EgressPolicyOptions } from '../../src/egress/egress-policy';
import { recordingConnector, rejectionOf, tableLookup } from './helpers';

/**
 * The whole decision, URL to socket, through the real client: undici parses the URL and calls the
 * guarded connector, which resolves through the table below and hands what passed to a recording
 * connector. Nothing connects anywhere, so allowed private addresses are safe to list.
 */
const dns = {
  'intranet.corp.example': ['10.0.0.5'],
  'v6.corp.example': ['fd12::5'],
  'metadata.corp.example': ['169.254.169.254'],
  'rebind.corp.example': ['10.0.0.5', '127.0.0.1'],
  'mapped.corp.example': ['::FFFF:127.0.0.1'],
  'nat64.corp.example': ['64:ff9b::a9fe:a9fe'],
  'public.example': ['93.184.215.14'],
  localhost: ['127.0.0.1', '::1'],
};

type Outcome =
  | { connectsTo: string; port?: string }
  | { refused: 'EGRESS_DENIED'; naming: string }
  | { refused: 'VALIDATION_FAILED'; naming: string };

interface Case {
  url: string;
  outcome: Outcome;
  policy?: EgressPolicyOptions;
}

const connects = (connectsTo: string, port = '80'): Outcome => ({ connectsTo, port });
const deniedAt = (naming: string): Outcome => ({ refused: 'EGRESS_DENIED', naming });
const invalid = (naming: string): Outcome => ({ refused: 'VALIDATION_FAILED', naming });

const cases: Record<string, Case> = {
  'private IPv4 10/8': { url: 'http://10.0.0.5:8080/hook', outcome: connects('10.0.0.5', '8080') },
  'private IPv4 172.16/12': { url: 'http://172.31.0.9/', outcome: connects('172.31.0.9') },
  'private IPv4 192.168/16': { url: 'http://192.168.1.10/', outcome: connects('192.168.1.10') },
  'unique local IPv6': { url: 'http://[fd12::5]/', outcome: connects('fd12::5') },
  'name resolving to a private address': { url: 'http://intranet.corp.example/', outcome: connects('10.0.0.5') },
  'https, TCP checked first on port 443': { url: 'https://intranet.corp.example/', outcome: connects('10.0.0.5', '443') },
  'trailing-dot name': { url: 'http://intranet.corp.example./', outcome: connects('10.0.0.5') },
  'upper-case name': { url: 'http://INTRANET.Corp.Example/', outcome: connects('10.0.0.5') },
  'name resolving to IPv6': { url: 'http://v6.corp.example/', outcome: connects('fd12::5') },
  'IPv4-mapped private address': { url: 'http://[::ffff:10.0.0.5]/', outcome: connects('::ffff:a00:5') },
  'this network 0.0.0.0': { url: 'http://0.0.0.0/', outcome: deniedAt('0.0.0.0 is in denied range 0.0.0.0/8') },
  'short zero': { url: 'http://0/', outcome: deniedAt('0.0.0.0 is in denied range 0.0.0.0/8') },
  loopback: { url: 'http://127.0.0.1/', outcome: deniedAt('127.0.0.1 is in denied range 127.0.0.0/8') },
  'loopback, top of range': { url: 'http://127.255.255.254/', outcome: deniedAt('127.255.255.254 is in denied') },
  'decimal loopback 2130706433': { url: 'http://2130706433/', outcome: deniedAt('127.0.0.1 is in denied range') },
  'hex loopback 0x7f.1': { url: 'http://0x7f.1/', outcome: deniedAt('127.0.0.1 is in denied range') },
  'hex loopback 0x7f000001': { url: 'http://0x7F000001/', outcome: deniedAt('127.0.0.1 is in denied range') },
  'octal loopback 0177.0.0.1': { url: 'http://0177.0.0.1/', outcome: deniedAt('127.0.0.1 is in denied range') },
  'short loopback 127.1': { url: 'http://127.1/', outcome: deniedAt('127.0.0.1 is in denied range') },
  'percent-encoded loopback': { url: 'http://%31%32%37.0.0.1/', outcome: deniedAt('127.0.0.1 is in denied range') },
  'cloud metadata': { url: 'http://169.254.169.254/latest/meta-data/', outcome: deniedAt('169.254.169.254 is in denied') },
  'carrier-grade NAT': { url: 'http://100.64.0.1/', outcome: deniedAt('100.64.0.1 is in denied range 100.64.0.0/10') },
  benchmarking: { url: 'http://198.18.0.1/', outcome: deniedAt('198.18.0.1 is in denied range 198.18.0.0/15') },
  multicast: { url: 'http://239.255.255.250/', outcome: deniedAt('239.255.255.250 is in denied range 224.0.0.0/4') },
  reserved: { url: 'http://240.0.0.1/', outcome: deniedAt('240.0.0.1 is in denied range 240.0.0.0/4') },
  broadcast: { url: 'http://255.255.255.255/', outcome: deniedAt('255.255.255.255 is in denied range') },
  'public IPv4': { url: 'http://8.8.8.8/', outcome: deniedAt('8.8.8.8 is in no allowed range') },
  'IPv6 loopback': { url: 'http://[::1]:8080/', outcome: deniedAt('::1 is in denied range ::1/128') },
  'IPv6 unspecified': { url: 'http://[::]/', outcome: deniedAt(':: is in denied range ::/128') },
  'IPv6 link-local, upper-case hex': { url: 'http://[FE80::1]/', outcome: deniedAt('fe80::1 is in denied range fe80::/10') },
  'IPv6 multicast': { url: 'http://[ff02::1]/', outcome: deniedAt('ff02::1 is in denied range ff00::/8') },
  'IPv6 metadata': { url: 'http://[fd00:ec2::254]/', outcome: deniedAt('fd00:ec2::254 is in denied range') },
  'public IPv6': { url: 'http://[2606:4700::1111]/', outcome: deniedAt('2606:4700::1111 is in no allowed range') },
  'IPv6 zone id': { url: 'http://[fe80::1%25eth0]/', outcome: invalid('is not a valid URL') },
  'IPv4-mapped loopback': { url: 'http://[::ffff:127.0.0.1]/', outcome: deniedAt('(IPv4-mapped 127.0.0.1) is in denied') },
  'IPv4-mapped metadata, long form': {
    url: 'http://[0:0:0:0:0:ffff:169.254.169.254]/',
    outcome: deniedAt('::ffff:a9fe:a9fe (IPv4-mapped 169.254.169.254) is in denied range 169.254.0.0/16'),
  },
  'IPv4-compatible loopback': { url: 'http://[::127.0.0.1]/', outcome: deniedAt('(IPv4-compatible 127.0.0.1) is in denied') },
  'NAT64 loopback': { url: 'http://[64:ff9b::127.0.0.1]/', outcome: deniedAt('64:ff9b::7f00:1 (NAT64 127.0.0.1) is in denied') },
  'NAT64 private address': { url: 'http://[64:ff9b::10.0.0.5]/', outcome: connects('64:ff9b::a00:5') },
  '6to4 towards loopback': { url: 'http://[2002:7f00:1::1]/', outcome: deniedAt('(6to4 127.0.0.1) is in denied range') },
  '6to4 towards a private router': { url: 'http://[2002:a00:5::1]/', outcome: connects('2002:a00:5::1') },
  Teredo: { url: 'http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', outcome: deniedAt('is a Teredo address, always denied') },
  'name resolving to metadata': {
    url: 'http://metadata.corp.example/',
    outcome: deniedAt('Egress to metadata.corp.example refused: 169.254.169.254 is in denied range 169.254.0.0/16.'),
  },
  'name with one allowed and one denied answer': {
    url: 'http://rebind.corp.example/',
    outcome: deniedAt('Egress to rebind.corp.example refused: 127.0.0.1 is in denied range 127.0.0.0/8.'),
  },
  'name resolving to upper-case mapped loopback': { url: 'http://mapped.corp.example/', outcome: deniedAt('::FFFF:127.0.0.1 (IPv4-mapped') },
  'name resolving to NAT64 metadata': { url: 'http://nat64.corp.example/', outcome: deniedAt('(NAT64 169.254.169.254) is in denied') },
  'name resolving to a public address': { url: 'https://public.example/', outcome: deniedAt('93.184.215.14 is in no allowed range') },
  localhost: { url: 'http://localhost:3000/', outcome: deniedAt('Egress to localhost refused: 127.0.0.1 is in denied range') },
  'LOCALHOST with a trailing dot': { url: 'http://LOCALHOST./', outcome: deniedAt('Egress to localhost. refused: 127.0.0.1') },
  'userinfo naming a private address': { url: 'http://10.0.0.5@127.0.0.1/', outcome: invalid('must not carry credentials') },
  'credentials before an allowed host': { url: 'http://user:secret@10.0.0.5/', outcome: invalid('must not carry credentials') },
  'file scheme': { url: 'file:///etc/passwd', outcome: invalid('must use http: or https:, not file:') },
  'ftp scheme': { url: 'ftp://10.0.0.5/', outcome: invalid('not ftp:') },
  'gopher scheme': { url: 'gopher://127.0.0.1:6379/_INFO', outcome: invalid('not gopher:') },
  'not a URL': { url: 'intranet.corp.example/hook', outcome: invalid('is not a valid URL') },
  'host outside allowedHosts': {
    url: 'http://10.0.0.5/',
    policy: { allowedHosts: ['*.corp.example'] },
    outcome: deniedAt('Egress to 10.0.0.5 refused: host 10.0.0.5 is not in the allowed hosts'),
  },
  'host inside allowedHosts': {
    url: 'http://intranet.corp.example/',
    policy: { allowedHosts: ['*.corp.example'] },
    outcome: connects('10.0.0.5'),
  },
  'port outside allowedPorts': {
    url: 'http://intranet.corp.example:8080/',
    policy: { allowedPorts: [443] },
    outcome: deniedAt('port 8080 is not in the allowed ports'),
  },
  'default port inside allowedPorts': {
    url: 'https://intranet.corp.example/',
    policy: { allowedPorts: [443] },
    outcome: connects('10.0.0.5', '443'),
  },
  'private subnet denied by an operator rule': {
    url: 'http://intranet.corp.example/',
    policy: { prepend: [{ action: 'deny', cidr: '10.0.0.0/24' }] },
    outcome: deniedAt('10.0.0.5 is in denied range 10.0.0.0/24'),
  },
};

describe('egress decisions, URL to socket', () => {
  it.each(Object.entries(cases))('%s', async (_name, { url, outcome, policy }) => {
    const { connector, calls } = recordingConnector();
    const client = createEgressClient({ policy: createEgressPolicy(policy), lookup: tableLookup(dns), connector });
    try {
      const error = await rejectionOf(client.request(url, { method: 'POST', body: '{}' }));
      if ('connectsTo' in outcome) {
        expect(error.cause).toEqual(new Error('recorded, not connected'));
        expect(calls).toEqual([{ hostname: outcome.connectsTo, protocol: 'http:', port: outcome.port, localAddress: null }]);
      } else {
        expect(error).toMatchObject({ code: outcome.refused });
        expect(error.message).toContain(outcome.naming);
        expect(calls).toEqual([]);
      }
    } finally {
      await client.close();
    }
  });

  it.each(['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/'])(
    'decides %s on the literal the URL parser made of it, without a lookup',
    async (url) => {
      const lookup = tableLookup(dns);
      const client = createEgressClient({ policy: createEgressPolicy(), lookup, connector: recordingConnector().connector });
      try {
        expect(await rejectionOf(client.request(url, { method: 'GET' }))).toMatchObject({ code: 'EGRESS_DENIED' });
        expect(lookup.calls).toEqual([]);
      } finally {
        await client.close();
      }
    },
  );
});
