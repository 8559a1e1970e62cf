// A loopback HTTP proxy in front of moto that injects faults per request: AWS-style Throttling (400)
// and AccessDenied (403), 5xx, connection resets, stalls, and malformed bodies. Rules match by AWS
// action (from the form body) and by count, so a test can say "the first 3 GetRole calls are throttled".
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export type Fault =
  | { kind: 'throttle' }
  | { kind: 'access-denied' }
  | { kind: 'server-error'; status?: number }
  | { kind: 'reset' }
  | { kind: 'stall'; ms: number }
  | { kind: 'malformed' }
  /** A well-formed answer of our own (e.g. a page whose Marker repeats). */
  | { kind: 'respond'; status?: number; body: string };

export interface FaultRule {
  /** AWS action to match (e.g. "GetRole"); absent ⇒ every action. */
  action?: string;
  /** How many matching requests get the fault; absent ⇒ all of them. */
  times?: number;
  /** How many matching requests pass untouched before the fault applies (default 0). */
  after?: number;
  fault: Fault;
}

export interface FaultProxy {
  url: string;
  /** Requests seen, by action (faulted or passed through). */
  seen: Record<string, number>;
  /** Faults injected, by action. */
  injected: Record<string, number>;
  setRules(rules: FaultRule[]): void;
  clear(): void;
  close(): Promise<void>;
}

function awsError(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>`;
}

/** Starts the proxy on 127.0.0.1 (a free port) forwarding to `target` (moto's URL). */
export function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  let rules: Array<FaultRule & { used: number; passed: number }> = [];
  const seen: Record<string, number> = {};
  const injected: Record<string, number> = {};
  const sockets = new Set<Socket>();
  const stalls = new Set<NodeJS.Timeout>();

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const action =
      new URLSearchParams(body.toString('utf8')).get('Action') ??
      new URL(req.url ?? '/', 'http://x').searchParams.get('Action') ??
      'unknown';
    seen[action] = (seen[action] ?? 0) + 1;
    for (const r of rules)
      if ((r.action === undefined || r.action === action) && r.passed < (r.after ?? 0)) {
        r.passed++;
        forward(req, res, body);
        return;
      }
    const rule = rules.find(
      (r) => (r.action === undefined || r.action === action) && (r.times === undefined || r.used < r.times),
    );
    if (rule) {
      rule.used++;
      injected[action] = (injected[action] ?? 0) + 1;
      const fault = rule.fault;
      switch (fault.kind) {
        case 'throttle':
          res.writeHead(400, { 'content-type': 'text/xml' }).end(awsError('Throttling', 'Rate exceeded'));
          return;
        case 'access-denied':
          res
            .writeHead(403, { 'content-type': 'text/xml' })
            .end(
              awsError(
                'AccessDenied',
                `User: arn:aws:iam::123456789012:user/moto is not authorized to perform: iam:${action}`,
              ),
            );
          return;
        case 'server-error':
          res
            .writeHead(fault.status ?? 503, { 'content-type': 'text/xml' })
            .end(awsError('ServiceUnavailable', 'Service is unavailable'));
          return;
        case 'reset':
          req.socket.destroy();
          return;
        case 'stall': {
          const timer = setTimeout(() => {
            stalls.delete(timer);
            forward(req, res, body);
          }, fault.ms);
          stalls.add(timer);
          return;
        }
        case 'malformed':
          res
            .writeHead(200, { 'content-type': 'text/xml' })
            .end('<GetRoleResponse><GetRoleResult><Role><RoleName>oops</Rol');
          return;
        case 'respond':
          res.writeHead(fault.status ?? 200, { 'content-type': 'text/xml' }).end(fault.body);
          return;
      }
    }
    forward(req, res, body);
  };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    if (res.destroyed || req.socket.destroyed) return;
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    out.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    req.on('error', () => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        seen,
        injected,
        setRules(next) {
          rules = next.map((r) => ({ ...r, used: 0, passed: 0 }));
        },
        clear() {
          rules = [];
          for (const key of Object.keys(seen)) delete seen[key];
          for (const key of Object.keys(injected)) delete injected[key];
        },
        close() {
          for (const timer of stalls) clearTimeout(timer);
          for (const socket of sockets) socket.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}
