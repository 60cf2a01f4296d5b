// SPDX-License-Identifier: MIT
// pcp interop peer: a pinned js-libp2p 2.9.0 node (tcp + noise + yamux + identify + ping)
// with three test protocols, and optional mDNS discovery (@libp2p/mdns, `--mdns`). See README.md
// for the CLI, the JSON lines and the byte generator.
//
// SAFETY: this node must only ever run inside a test network namespace (lo only, or veths to
// other test namespaces). It refuses to start in the host's network namespace. It has no
// bootstrap, no DHT, no autodial, no mDNS unless `--mdns` is given, and listens only where it is
// told (default /ip4/127.0.0.1/tcp/0).

// harness.mjs first: it installs the Node 20 polyfill before any libp2p module is evaluated
// (hence the dynamic imports of libp2p below).
import { netnsRefusal } from './harness.mjs'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import process from 'node:process'

const ECHO = '/pcp-test/echo/1.0.0'
const SINK = '/pcp-test/sink/1.0.0'
const SOURCE = '/pcp-test/source/1.0.0'
const CHUNK = 64 * 1024 // bytes per write; a multiple of 8 (see the generator)
const MAX_REQUEST_LINE = 4096

// ---------------------------------------------------------------------------------------------
// Output

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function fail (msg, code = 2) {
  emit({ event: 'error', error: msg })
  process.exit(code)
}

// ---------------------------------------------------------------------------------------------
// Deterministic byte generator: xorshift64* (Vigna), documented in README.md.
//   state = seed (as u64); if state == 0 then state = 0x9E3779B97F4A7C15
//   next(): state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
//           return state * 0x2545F4914F6CDD1D (mod 2^64)
//   the stream is next() outputs, each written as 8 bytes little-endian; N bytes = first N.
// Implemented with 32-bit halves (BigInt would be ~20x slower).

const M_HI = 0x2545F491 >>> 0
const M_LO = 0x4F6CDD1D >>> 0

function mul64lo (ah, al, bh, bl) {
  // low 64 bits of (ah:al) * (bh:bl); returns [hi, lo]
  const a0 = al & 0xffff; const a1 = al >>> 16
  const b0 = bl & 0xffff; const b1 = bl >>> 16
  const p00 = a0 * b0
  const p01 = a0 * b1
  const p10 = a1 * b0
  const p11 = a1 * b1
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff)
  const lo = ((mid & 0xffff) << 16 | (p00 & 0xffff)) >>> 0
  let hi = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)
  hi = (hi + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0
  return [hi, lo]
}

export class ByteGen {
  constructor (seed) {
    let s = BigInt.asUintN(64, BigInt(seed))
    if (s === 0n) s = 0x9E3779B97F4A7C15n
    this.hi = Number(s >> 32n) >>> 0
    this.lo = Number(s & 0xffffffffn) >>> 0
  }

  // fill buf (length multiple of 8, except possibly the last call)
  fill (buf) {
    let hi = this.hi; let lo = this.lo
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
    const whole = buf.length & ~7
    let i = 0
    const step = () => {
      // x ^= x >> 12
      lo = (lo ^ ((lo >>> 12) | (hi << 20))) >>> 0
      hi = (hi ^ (hi >>> 12)) >>> 0
      // x ^= x << 25
      hi = (hi ^ ((hi << 25) | (lo >>> 7))) >>> 0
      lo = (lo ^ (lo << 25)) >>> 0
      // x ^= x >> 27
      lo = (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0
      hi = (hi ^ (hi >>> 27)) >>> 0
      return mul64lo(hi, lo, M_HI, M_LO)
    }
    for (; i < whole; i += 8) {
      const [oh, ol] = step()
      view.setUint32(i, ol, true)
      view.setUint32(i + 4, oh, true)
    }
    if (i < buf.length) {
      const [oh, ol] = step()
      const tmp = new Uint8Array(8)
      const tv = new DataView(tmp.buffer)
      tv.setUint32(0, ol, true)
      tv.setUint32(4, oh, true)
      buf.set(tmp.subarray(0, buf.length - i), i)
    }
    this.hi = hi; this.lo = lo
    return buf
  }
}

// Async generator of N deterministic bytes for seed, in CHUNK pieces (also hashes them).
async function * genBytes (n, seed, hash) {
  const g = new ByteGen(seed)
  let left = n
  while (left > 0) {
    const len = Math.min(CHUNK, left)
    const buf = g.fill(new Uint8Array(len))
    if (hash) hash.update(buf)
    left -= len
    yield buf
  }
}

function expectedSha (n, seed) {
  const h = createHash('sha256')
  const g = new ByteGen(seed)
  let left = n
  const buf = new Uint8Array(CHUNK)
  while (left > 0) {
    const len = Math.min(CHUNK, left)
    g.fill(len === CHUNK ? buf : buf.subarray(0, len))
    h.update(len === CHUNK ? buf : buf.subarray(0, len))
    left -= len
  }
  return h.digest('hex')
}

// ---------------------------------------------------------------------------------------------
// Safety: refuse to run in the host network namespace.

function checkNetns () {
  const why = netnsRefusal()
  if (why) fail(why, 3)
}

// ---------------------------------------------------------------------------------------------
// Argument parsing

function parseArgs (argv) {
  const mode = argv[0]
  const opts = { mode, positional: [], listen: [], keyType: 'ed25519', streams: 1, timeout: 60 }
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]
    const val = () => {
      if (i + 1 >= argv.length) fail(`missing value for ${a}`)
      return argv[++i]
    }
    const num = () => {
      const v = Number(val())
      if (!Number.isSafeInteger(v) || v < 0) fail(`bad number for ${a}`)
      return v
    }
    switch (a) {
      case '--key-type': opts.keyType = val().toLowerCase(); break
      case '--listen': opts.listen.push(val()); break
      case '--ping': opts.ping = num(); break
      case '--identify': opts.identify = true; break
      case '--mdns': opts.mdns = true; break
      case '--mdns-interval': opts.mdnsInterval = num(); break
      case '--echo': opts.echo = num(); break
      case '--sink': opts.sink = num(); break
      case '--source': opts.source = num(); break
      case '--streams': opts.streams = Math.max(1, num()); break
      case '--seed': opts.seed = num(); break
      case '--timeout': opts.timeout = num(); break
      case '-h': case '--help': usage(0); break
      default:
        if (a.startsWith('--')) fail(`unknown option ${a}`)
        opts.positional.push(a)
    }
  }
  return opts
}

function usage (code) {
  process.stderr.write(`usage:
  node peer.mjs listen [--key-type ed25519|rsa|secp256k1|ecdsa] [--listen MULTIADDR]...
                       [--mdns [--mdns-interval MS]]
  node peer.mjs dial MULTIADDR [--ping N] [--identify] [--echo BYTES] [--sink BYTES]
                     [--source BYTES] [--streams K] [--seed S] [--timeout SECONDS]
                     [--key-type ...]
  node peer.mjs dial --mdns [--mdns-interval MS] [same options]   (dial the first peer found by mDNS)
BYTES are per stream; K streams run concurrently for each data test.
`)
  process.exit(code)
}

// ---------------------------------------------------------------------------------------------
// Node construction

async function makeNode (opts, listenAddrs) {
  const { createLibp2p } = await import('libp2p')
  const { tcp } = await import('@libp2p/tcp')
  const { noise } = await import('@chainsafe/libp2p-noise')
  const { yamux } = await import('@chainsafe/libp2p-yamux')
  const { identify } = await import('@libp2p/identify')
  const { ping } = await import('@libp2p/ping')
  const { generateKeyPair } = await import('@libp2p/crypto/keys')

  const kt = { ed25519: 'Ed25519', rsa: 'RSA', secp256k1: 'secp256k1', ecdsa: 'ECDSA' }[opts.keyType]
  if (!kt) fail(`unknown key type ${opts.keyType}`)
  const privateKey = kt === 'RSA' ? await generateKeyPair('RSA', 2048) : await generateKeyPair(kt)
  const peerDiscovery = []
  if (opts.mdns) {
    const { mdns } = await import('@libp2p/mdns')
    peerDiscovery.push(mdns({ interval: opts.mdnsInterval ?? 1000 }))
  }

  return createLibp2p({
    privateKey,
    addresses: { listen: listenAddrs },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery,
    connectionManager: { maxConnections: 64 },
    services: {
      identify: identify(),
      ping: ping()
    },
    start: false
  })
}

// Read a whole stream; returns { bytes, sha256 }.
async function drain (source, hash) {
  let bytes = 0
  for await (const chunk of source) {
    // chunk is a Uint8ArrayList in libp2p 2.x
    for (const buf of (chunk.subarray ? [chunk.subarray()] : [chunk])) {
      bytes += buf.length
      if (hash) hash.update(buf)
    }
  }
  return bytes
}

// Read one '\n'-terminated line from an async source; returns [line, rest-iterator-source].
async function readLine (stream) {
  const it = stream.source[Symbol.asyncIterator]()
  const parts = []
  let size = 0
  for (;;) {
    const { value, done } = await it.next()
    if (done) throw new Error('EOF before request line')
    const buf = value.subarray()
    const nl = buf.indexOf(0x0a)
    if (nl >= 0) {
      parts.push(buf.subarray(0, nl))
      const line = Buffer.concat(parts).toString('utf8')
      return { line, rest: buf.subarray(nl + 1), it }
    }
    parts.push(buf)
    size += buf.length
    if (size > MAX_REQUEST_LINE) throw new Error('request line too long')
  }
}

function lineBytes (obj) {
  return new TextEncoder().encode(JSON.stringify(obj) + '\n')
}

// ---------------------------------------------------------------------------------------------
// listen

async function runListen (opts) {
  const listen = opts.listen.length > 0 ? opts.listen : ['/ip4/127.0.0.1/tcp/0']
  const node = await makeNode(opts, listen)
  const handlerOpts = { maxInboundStreams: 256, maxOutboundStreams: 256, runOnLimitedConnection: false }

  await node.handle(ECHO, async ({ stream, connection }) => {
    let bytes = 0
    try {
      await stream.sink((async function * () {
        for await (const chunk of stream.source) {
          const buf = chunk.subarray()
          bytes += buf.length
          yield buf
        }
      })())
      emit({ event: 'echo', peer: connection.remotePeer.toString(), bytes })
    } catch (err) {
      emit({ event: 'echo', peer: connection.remotePeer.toString(), bytes, error: String(err?.message ?? err) })
      stream.abort(err)
    }
  }, handlerOpts)

  await node.handle(SINK, async ({ stream, connection }) => {
    const h = createHash('sha256')
    try {
      const bytes = await drain(stream.source, h)
      const sha256 = h.digest('hex')
      await stream.sink([lineBytes({ bytes, sha256 })])
      emit({ event: 'sink', peer: connection.remotePeer.toString(), bytes, sha256 })
    } catch (err) {
      emit({ event: 'sink', peer: connection.remotePeer.toString(), error: String(err?.message ?? err) })
      stream.abort(err)
    }
  }, handlerOpts)

  await node.handle(SOURCE, async ({ stream, connection }) => {
    try {
      const { line } = await readLine(stream)
      const req = JSON.parse(line)
      const n = Number(req.bytes); const seed = req.seed ?? 0
      if (!Number.isSafeInteger(n) || n < 0) throw new Error('bad bytes in request')
      const h = createHash('sha256')
      await stream.sink(genBytes(n, seed, h))
      emit({ event: 'source', peer: connection.remotePeer.toString(), bytes: n, seed, sha256: h.digest('hex') })
    } catch (err) {
      emit({ event: 'source', peer: connection.remotePeer.toString(), error: String(err?.message ?? err) })
      stream.abort(err)
    }
  }, handlerOpts)

  node.addEventListener('peer:identify', (evt) => {
    const d = evt.detail
    emit({
      event: 'identify',
      peer: d.peerId.toString(),
      protocols: d.protocols,
      observed_addr: d.observedAddr?.toString() ?? null,
      agent: d.agentVersion ?? null,
      protocol_version: d.protocolVersion ?? null,
      listen_addrs: d.listenAddrs.map(String)
    })
  })
  node.addEventListener('connection:open', (evt) => {
    const c = evt.detail
    emit({ event: 'connection', peer: c.remotePeer.toString(), remote_addr: c.remoteAddr.toString(), direction: c.direction })
  })
  if (opts.mdns) {
    node.addEventListener('peer:discovery', (evt) => {
      emit({ event: 'mdns_peer', peer: evt.detail.id.toString(), addrs: evt.detail.multiaddrs.map(String) })
    })
  }

  await node.start()
  emit({
    event: 'listening',
    peer_id: node.peerId.toString(),
    key_type: opts.keyType,
    addrs: node.getMultiaddrs().map(String)
  })

  let stopping = false
  const stop = async (why) => {
    if (stopping) return
    stopping = true
    const t = setTimeout(() => process.exit(0), 3000)
    t.unref()
    try { await node.stop() } catch {}
    emit({ event: 'stopped', reason: why })
    process.exit(0)
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  // Exit when stdin closes, unless stdin is /dev/null (background jobs), which ends at once.
  let stdinIsNull = false
  try {
    const st = fs.fstatSync(0); const dn = fs.statSync('/dev/null')
    stdinIsNull = st.isCharacterDevice() && st.rdev === dn.rdev
  } catch {}
  if (!stdinIsNull) {
    process.stdin.on('end', () => stop('stdin closed'))
    process.stdin.on('error', () => stop('stdin error'))
    process.stdin.resume()
  } else {
    setInterval(() => {}, 1 << 30) // keep the event loop alive
  }
}

// ---------------------------------------------------------------------------------------------
// dial

async function runDial (opts) {
  const viaMdns = opts.mdns && opts.positional.length === 0
  if (opts.positional.length !== 1 && !viaMdns) usage(2)
  const { multiaddr } = await import('@multiformats/multiaddr')
  const node = await makeNode(opts, [])
  // With --mdns and no MULTIADDR: dial the first peer that mDNS discovers (a TCP address of it).
  const discovered = viaMdns
    ? new Promise((resolve) => {
      node.addEventListener('peer:discovery', (evt) => {
        if (evt.detail.multiaddrs.some(a => a.toString().includes('/tcp/'))) resolve(evt.detail)
      })
    })
    : null
  await node.start()
  let target
  if (discovered) {
    const d = await discovered
    emit({ event: 'mdns_peer', peer: d.id.toString(), addrs: d.multiaddrs.map(String) })
    const a = d.multiaddrs.find(a => a.toString().includes('/tcp/'))
    target = a.getPeerId() ? a : a.encapsulate(`/p2p/${d.id.toString()}`)
  } else {
    target = multiaddr(opts.positional[0])
  }

  let allOk = true
  const check = (cond) => { if (!cond) allOk = false; return cond }
  const t0 = Date.now()
  const conn = await node.dial(target)
  emit({ event: 'connected', peer: conn.remotePeer.toString(), remote_addr: conn.remoteAddr.toString(), ms: Date.now() - t0 })
  const wantPeer = target.getPeerId()
  // js-libp2p 2.9.0 itself does not reject a peer-id mismatch here (observed), so we do.
  if (wantPeer && !check(wantPeer === conn.remotePeer.toString())) {
    emit({ event: 'peer_mismatch', expected: wantPeer, got: conn.remotePeer.toString(), ok: false })
  }

  if (opts.ping) {
    for (let i = 0; i < opts.ping; i++) {
      try {
        const rtt = await node.services.ping.ping(target)
        emit({ event: 'ping', seq: i, rtt_ms: rtt, ok: true })
      } catch (err) {
        check(false)
        emit({ event: 'ping', seq: i, ok: false, error: String(err?.message ?? err) })
      }
    }
  }

  if (opts.identify) {
    try {
      const r = await node.services.identify.identify(conn)
      const ok = check(r.peerId.toString() === conn.remotePeer.toString() && r.protocols.length > 0)
      emit({
        event: 'identify',
        peer: r.peerId.toString(),
        protocols: r.protocols,
        observed_addr: r.observedAddr?.toString() ?? null,
        agent: r.agentVersion ?? null,
        protocol_version: r.protocolVersion ?? null,
        listen_addrs: r.listenAddrs.map(String),
        ok
      })
    } catch (err) {
      check(false)
      emit({ event: 'identify', ok: false, error: String(err?.message ?? err) })
    }
  }

  const baseSeed = opts.seed ?? 1
  const runStreams = async (name, n, fn) => {
    const start = Date.now()
    const results = await Promise.all(Array.from({ length: opts.streams }, (_, i) =>
      fn(i, baseSeed + i).catch(err => ({ ok: false, error: String(err?.message ?? err) }))))
    results.forEach((r, i) => {
      check(r.ok)
      emit({ event: name, stream: i, ...r })
    })
    const ms = Date.now() - start
    const total = n * opts.streams
    emit({ event: `${name}_total`, streams: opts.streams, bytes: total, ms, mib_per_s: +(total / 1048576 / Math.max(ms, 1) * 1000).toFixed(1), ok: results.every(r => r.ok) })
  }

  if (opts.echo !== undefined) {
    await runStreams('echo', opts.echo, async (i, seed) => {
      const stream = await conn.newStream(ECHO)
      const hOut = createHash('sha256'); const hIn = createHash('sha256')
      const [, got] = await Promise.all([
        stream.sink(genBytes(opts.echo, seed, hOut)),
        drain(stream.source, hIn)
      ])
      const sent = hOut.digest('hex'); const back = hIn.digest('hex')
      return { bytes: got, seed, sha256: back, ok: got === opts.echo && sent === back }
    })
  }

  if (opts.sink !== undefined) {
    await runStreams('sink', opts.sink, async (i, seed) => {
      const stream = await conn.newStream(SINK)
      const h = createHash('sha256')
      const [, reply] = await Promise.all([
        stream.sink(genBytes(opts.sink, seed, h)),
        (async () => { const { line } = await readLine(stream); return JSON.parse(line) })()
      ])
      const sha256 = h.digest('hex')
      return { bytes: reply.bytes, seed, sha256: reply.sha256, ok: reply.bytes === opts.sink && reply.sha256 === sha256 }
    })
  }

  if (opts.source !== undefined) {
    await runStreams('source', opts.source, async (i, seed) => {
      const stream = await conn.newStream(SOURCE)
      const h = createHash('sha256')
      const [, got] = await Promise.all([
        stream.sink([lineBytes({ bytes: opts.source, seed })]),
        drain(stream.source, h)
      ])
      const sha256 = h.digest('hex')
      return { bytes: got, seed, sha256, ok: got === opts.source && sha256 === expectedSha(opts.source, seed) }
    })
  }

  emit({ event: 'done', ok: allOk, ms: Date.now() - t0 })
  const t = setTimeout(() => process.exit(allOk ? 0 : 1), 2000)
  t.unref()
  try { await node.stop() } catch {}
  process.exit(allOk ? 0 : 1)
}

// ---------------------------------------------------------------------------------------------
// selfcheck of the generator (no network): node peer.mjs gen N SEED -> hex of first N bytes

async function main () {
  const argv = process.argv.slice(2)
  if (argv.length === 0) usage(2)
  if (argv[0] === 'gen') {
    const n = Number(argv[1] ?? 16); const seed = Number(argv[2] ?? 1)
    const buf = new ByteGen(seed).fill(new Uint8Array(n))
    emit({ event: 'gen', bytes: n, seed, hex: Buffer.from(buf).toString('hex'), sha256: expectedSha(n, seed) })
    return
  }
  const opts = parseArgs(argv)
  if (opts.mode !== 'listen' && opts.mode !== 'dial') usage(2)
  checkNetns()
  const timer = setTimeout(() => fail(`timeout after ${opts.timeout} s`, 1), opts.timeout * 1000)
  if (opts.mode === 'listen') {
    clearTimeout(timer)
    await runListen(opts)
  } else {
    await runDial(opts)
  }
}

main().catch(err => fail(String(err?.stack ?? err), 1))
