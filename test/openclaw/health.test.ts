// probeGateway against real sockets on 127.0.0.1: a server that answers like OpenClaw's
// gateway, one not ready, one that accepts TCP and never answers, a refused port, a slow
// answer, a huge body, something that is not OpenClaw.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { probeGateway } from '../../src/openclaw/health';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Array<Server | TcpServer> = [];
const sockets = new Set<Socket>();

async function listen(server: Server | TcpServer): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

function http(handler: Handler): Promise<number> {
  return listen(createServer(handler));
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
};

/** What OpenClaw 2026.7.35 answers a local caller (shapes from the real gateway). */
function openclawLike(ready: { ready: boolean; failing: string[]; uptimeMs: number }, seen: string[] = []): Handler {
  return (req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.host}`);
    if (req.url === '/health' || req.url === '/healthz') return json(res, 200, { ok: true, status: 'live' });
    if (req.url === '/ready' || req.url === '/readyz') return json(res, ready.ready ? 200 : 503, { ...ready, eventLoop: { degraded: false } });
    json(res, 404, { error: 'not found' });
  };
}

async function refusedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

after(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

describe('probeGateway', () => {
  it('a live, ready gateway: live and ready, with its uptime and both latencies, on 127.0.0.1 only', async () => {
    const seen: string[] = [];
    const port = await http(openclawLike({ ready: true, failing: [], uptimeMs: 123_456 }, seen));
    const before = Date.now();
    const probe = await probeGateway(port);
    assert.equal(probe.live, true);
    assert.equal(probe.ready, true);
    assert.deepEqual(probe.failing, []);
    assert.equal(probe.uptimeMs, 123_456);
    assert.equal(probe.httpStatus, 200);
    assert.equal(probe.readyHttpStatus, 200);
    assert.equal(probe.error, undefined);
    assert.equal(probe.port, port);
    assert.ok(probe.probedAt >= before && probe.probedAt <= Date.now());
    assert.ok(typeof probe.latencyMs === 'number' && probe.latencyMs >= 0 && probe.latencyMs < 1500, `latency ${probe.latencyMs}`);
    assert.ok(typeof probe.readyLatencyMs === 'number');
    assert.deepEqual(seen, [`GET /health 127.0.0.1:${port}`, `GET /ready 127.0.0.1:${port}`]);
  });

  it('not ready: /ready answers 503 with what is failing', async () => {
    const port = await http(openclawLike({ ready: false, failing: ['channels', 'plugins'], uptimeMs: 5000 }));
    const probe = await probeGateway(port);
    assert.equal(probe.live, true);
    assert.equal(probe.ready, false);
    assert.deepEqual(probe.failing, ['channels', 'plugins']);
    assert.equal(probe.readyHttpStatus, 503);
    assert.equal(probe.error, undefined);
  });

  it('a port that accepts TCP and never answers: timeout, within the deadline', async () => {
    // The kernel completes the handshake for a listening socket whatever the process does.
    const port = await listen(createTcpServer(() => undefined));
    const began = performance.now();
    const probe = await probeGateway(port, { timeoutMs: 300 });
    const tookMs = performance.now() - began;
    assert.equal(probe.live, false);
    assert.equal(probe.error, 'timeout');
    assert.equal(probe.httpStatus, undefined);
    assert.ok(tookMs >= 290 && tookMs < 1000, `gave up after ${tookMs.toFixed(0)} ms`);
    assert.match(probe.errorDetail ?? '', /within 300 ms/);
  });

  it('a refused port: refused at once', async () => {
    const port = await refusedPort();
    const began = performance.now();
    const probe = await probeGateway(port, { timeoutMs: 5000 });
    assert.equal(probe.live, false);
    assert.equal(probe.error, 'refused');
    assert.ok(performance.now() - began < 1000);
    assert.match(probe.errorDetail ?? '', /ECONNREFUSED/);
  });

  it('a slow answer: counted when inside the deadline, a timeout when past it (the deadline covers the whole answer)', async () => {
    const port = await http((_req, res) => {
      // Headers at once, the body late: a connect-only timeout would miss this.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"ok":true,');
      setTimeout(() => res.end('"status":"live"}'), 400);
    });
    const slow = await probeGateway(port, { timeoutMs: 2000 });
    assert.equal(slow.live, true);
    assert.ok((slow.latencyMs ?? 0) >= 390, `latency ${slow.latencyMs}`);
    const tooSlow = await probeGateway(port, { timeoutMs: 200 });
    assert.equal(tooSlow.live, false);
    assert.equal(tooSlow.error, 'timeout');
  });

  it('a huge body: cut off at the cap, not read into memory', async () => {
    let written = 0;
    const port = await http((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (written < 256 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const probe = await probeGateway(port, { maxBodyBytes: 16 * 1024, timeoutMs: 5000 });
    assert.equal(probe.live, false);
    assert.equal(probe.error, 'too-large');
    assert.ok(written < 64 * 1024 * 1024, `the server got to write ${written} bytes before the probe hung up`);
  });

  it('something else on the port: 200 that is not OpenClaw\'s answer, and an HTTP error', async () => {
    const html = await http((_req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<h1>hello</h1>'); });
    const other = await probeGateway(html);
    assert.equal(other.live, false);
    assert.equal(other.error, 'not-openclaw');
    assert.equal(other.httpStatus, 200);
    const broken = await http((_req, res) => json(res, 500, { error: 'boom' }));
    const failed = await probeGateway(broken);
    assert.equal(failed.live, false);
    assert.equal(failed.error, 'http');
    assert.equal(failed.httpStatus, 500);
  });

  it('a connection closed mid-answer: reset', async () => {
    const port = await listen(createTcpServer((socket) => {
      socket.once('data', () => {
        socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"ok":');
        setTimeout(() => socket.destroy(), 20);
      });
    }));
    const probe = await probeGateway(port, { timeoutMs: 2000 });
    assert.equal(probe.live, false);
    assert.equal(probe.error, 'reset');
  });

  it('live, but /ready gives no verdict: live, readiness unknown, the error says why', async () => {
    const port = await http((req, res) => (req.url === '/health' ? json(res, 200, { ok: true, status: 'live' }) : json(res, 404, {})));
    const probe = await probeGateway(port);
    assert.equal(probe.live, true);
    assert.equal(probe.ready, undefined);
    assert.equal(probe.error, 'http');
    assert.equal(probe.readyHttpStatus, 404);
  });
});
