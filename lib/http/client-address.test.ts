import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  applyClientAddress,
  clientAddress,
  clientAddressHeader,
  normalizeAddress,
  parseTrustedProxies,
} from './client-address.mjs';

describe('the client address', () => {
  const proxies = parseTrustedProxies('10.0.0.0/8, 192.0.2.1, fd00::/8');

  it.each([
    // peer, X-Forwarded-For, expected client
    ['198.51.100.9', undefined, '198.51.100.9'],
    ['198.51.100.9', '203.0.113.5', '198.51.100.9'], // an untrusted peer's header is not read
    ['10.1.2.3', '203.0.113.5', '203.0.113.5'],
    ['10.1.2.3', '1.1.1.1, 2.2.2.2, 203.0.113.5', '203.0.113.5'], // what the client wrote is ignored
    ['10.1.2.3', '1.1.1.1, 203.0.113.5, 192.0.2.1', '203.0.113.5'], // two trusted proxies in a row
    ['10.1.2.3', '10.9.9.9, 192.0.2.1', '10.9.9.9'], // all trusted: the leftmost address
    ['10.1.2.3', '', '10.1.2.3'],
    ['10.1.2.3', 'not-an-address', '10.1.2.3'], // garbage from a trusted proxy: the proxy is all we know
    ['::ffff:10.1.2.3', '203.0.113.5', '203.0.113.5'], // IPv4-mapped socket address
    ['fd00::1', '[2001:db8::7]:4711', '2001:db8::7'],
    ['10.1.2.3', '203.0.113.5:8080', '203.0.113.5'],
    ['fe80::1', '203.0.113.5', 'fe80::1'],
  ])('peer %s with X-Forwarded-For %j is %s', (peer, forwardedFor, expected) => {
    expect(clientAddress(peer, forwardedFor, proxies)).toBe(expected);
  });

  it('trusts nobody without TRUSTED_PROXIES: the socket address, whatever the header says', () => {
    expect(parseTrustedProxies(undefined)).toBeNull();
    expect(parseTrustedProxies(' ')).toBeNull();
    expect(clientAddress('127.0.0.1', '203.0.113.5', null)).toBe('127.0.0.1');
  });

  it('knows the named ranges and refuses a wrong entry with the reason', () => {
    const named = parseTrustedProxies('loopback,private');
    expect(clientAddress('::1', '203.0.113.5', named)).toBe('203.0.113.5');
    expect(clientAddress('172.20.0.4', '203.0.113.5', named)).toBe('203.0.113.5');
    expect(clientAddress('172.32.0.4', '203.0.113.5', named)).toBe('172.32.0.4');
    for (const wrong of ['10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/2', '::1/129', '10.0.0.0/x']) {
      expect(() => parseTrustedProxies(wrong)).toThrow(/TRUSTED_PROXIES: ".*" is not an IP address/);
    }
  });

  it('normalizes what proxies write', () => {
    expect(normalizeAddress(' 2001:DB8::1 ')).toBe('2001:db8::1');
    expect(normalizeAddress('[::1]')).toBe('::1');
    expect(normalizeAddress('unknown')).toBeNull();
    expect(normalizeAddress(undefined)).toBeNull();
  });
});

describe('the server rewriting a real request', () => {
  let trusted: ReturnType<typeof parseTrustedProxies> = null;
  let port = 0;
  const server = createServer((request, response) => {
    applyClientAddress(request, trusted);
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify(request.headers));
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const send = (headers: Record<string, string>) =>
    new Promise<IncomingHttpHeaders>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, headers }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve(JSON.parse(body) as IncomingHttpHeaders));
      });
      outgoing.on('error', reject).end();
    });

  const forged = {
    'x-forwarded-for': '203.0.113.66',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'evil.example.com',
    'x-real-ip': '203.0.113.67',
    [clientAddressHeader]: '203.0.113.68',
  };

  it('uses the socket address and drops forwarded headers when the peer is not a trusted proxy', async () => {
    trusted = parseTrustedProxies('10.0.0.0/8');
    for (let rotation = 0; rotation < 3; rotation++) {
      const seen = await send({ ...forged, 'x-forwarded-for': `203.0.113.${rotation}` });
      expect(seen[clientAddressHeader]).toBe('127.0.0.1');
      expect(seen).not.toHaveProperty('x-forwarded-for');
      expect(seen).not.toHaveProperty('x-forwarded-proto');
      expect(seen).not.toHaveProperty('x-forwarded-host');
      expect(seen).not.toHaveProperty('x-real-ip');
    }
  });

  it('follows a trusted proxy to the address it appended and keeps its headers', async () => {
    trusted = parseTrustedProxies('loopback');
    const seen = await send({ ...forged, 'x-forwarded-for': '1.2.3.4, 203.0.113.66' });
    expect(seen[clientAddressHeader]).toBe('203.0.113.66');
    expect(seen['x-forwarded-proto']).toBe('https');
  });
});
