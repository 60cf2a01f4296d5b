// SPDX-License-Identifier: MIT
// A private Kademlia DHT of N js-libp2p 2.9.0 nodes (@libp2p/kad-dht 15.1.11, server mode,
// `/ipfs/kad/1.0.0`, loopback addresses kept) in one node process, driven by JSON lines on stdin.
// pcp's kad interop scripts start it, bootstrap pcp nodes from it and drive provide/find both
// ways. CLI, commands and answers: README.md ("kad_net.mjs"). Spec: libp2p/specs kad-dht/README.md.
//
// SAFETY: like peer.mjs it refuses to run outside a test network namespace; nodes listen on
// 127.0.0.1 only and dial nothing but each other, --bootstrap addresses and `connect` targets.

import { netnsRefusal } from './harness.mjs' // first: installs the Node 20 polyfill
import process from 'node:process'
import readline from 'node:readline'

const KEY_TYPES = { ed25519: 'Ed25519', rsa: 'RSA', secp256k1: 'secp256k1' }
const DEFAULT_TIMEOUT_MS = 30000
const MAX_TIMEOUT_MS = 300000

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function log (msg) {
  process.stderr.write(`kad_net: ${msg}\n`)
}

function errorText (err) {
  return String(err?.message ?? err)
}

// ---------------------------------------------------------------------------------------------
// Arguments

function usage (code) {
  process.stderr.write(`usage: node kad_net.mjs [--nodes N] [--key-types T,T,...] [--topology star|chain|mesh]
                        [--bootstrap MULTIADDR]... [--host IP] [--protocol ID] [--k K]
                        [--min-table M] [--ready-timeout S] [--lifetime S]
  N nodes (default 5, at most 32) with identity key types cycling through T (default
  ed25519,rsa,secp256k1); node i dials node 0 (star, default), node i-1 (chain) or every node
  j < i (mesh); every node dials every --bootstrap address. K is kad-dht's kBucketSize (default
  20): bucket size, lookup width, and how many of the closest peers a provide stores the record
  on. One {"event":"ready"} line per node once its routing table holds M peers (default
  min(N-1, K); 1 for a lone node with --bootstrap), then {"event":"net_ready"}; then one JSON
  command per stdin line, one JSON answer line per command, in order (README.md). Exits on
  {"cmd":"quit"}, stdin EOF, SIGTERM/SIGINT, or after --lifetime seconds (default 900).
`)
  process.exit(code)
}

function parseArgs (argv) {
  const o = {
    nodes: 5,
    keyTypes: ['ed25519', 'rsa', 'secp256k1'],
    topology: 'star',
    bootstrap: [],
    host: '127.0.0.1',
    protocol: '/ipfs/kad/1.0.0',
    minTable: null,
    k: 20,
    readyTimeout: 60,
    lifetime: 900
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const val = () => {
      if (i + 1 >= argv.length) usage(2)
      return argv[++i]
    }
    const num = (lo, hi) => {
      const v = Number(val())
      if (!Number.isSafeInteger(v) || v < lo || v > hi) {
        log(`bad value for ${a} (${lo}..${hi})`)
        usage(2)
      }
      return v
    }
    switch (a) {
      case '--nodes': o.nodes = num(1, 32); break
      case '--key-types': o.keyTypes = val().toLowerCase().split(','); break
      case '--topology': o.topology = val(); break
      case '--bootstrap': o.bootstrap.push(val()); break
      case '--host': o.host = val(); break
      case '--protocol': o.protocol = val(); break
      case '--min-table': o.minTable = num(0, 1000); break
      case '--k': o.k = num(1, 100); break
      case '--ready-timeout': o.readyTimeout = num(1, 600); break
      case '--lifetime': o.lifetime = num(1, 86400); break
      case '-h': case '--help': usage(0); break
      default: log(`unknown argument ${a}`); usage(2)
    }
  }
  if (!['star', 'chain', 'mesh'].includes(o.topology)) usage(2)
  if (o.keyTypes.length === 0 || o.keyTypes.some(t => !KEY_TYPES[t])) {
    log('key types are ed25519, rsa, secp256k1')
    usage(2)
  }
  // default: every other js node (at most k), or 1 for a lone node with bootstrap addresses
  if (o.minTable == null) o.minTable = o.nodes > 1 ? Math.min(o.nodes - 1, o.k) : Math.min(o.bootstrap.length, 1)
  return o
}

// ---------------------------------------------------------------------------------------------
// Nodes

let lib = null // lazily imported modules (after the polyfill and the namespace check)

async function loadModules () {
  const [libp2p, tcp, noise, yamux, identify, ping, kad, keys, peerId, ma, cid] = await Promise.all([
    import('libp2p'), import('@libp2p/tcp'), import('@chainsafe/libp2p-noise'),
    import('@chainsafe/libp2p-yamux'), import('@libp2p/identify'), import('@libp2p/ping'),
    import('@libp2p/kad-dht'), import('@libp2p/crypto/keys'), import('@libp2p/peer-id'),
    import('@multiformats/multiaddr'), import('multiformats/cid')
  ])
  lib = {
    createLibp2p: libp2p.createLibp2p,
    tcp: tcp.tcp,
    noise: noise.noise,
    yamux: yamux.yamux,
    identify: identify.identify,
    ping: ping.ping,
    kadDHT: kad.kadDHT,
    passthroughMapper: kad.passthroughMapper,
    generateKeyPair: keys.generateKeyPair,
    peerIdFromString: peerId.peerIdFromString,
    multiaddr: ma.multiaddr,
    CID: cid.CID
  }
}

async function createNode (opts, keyType) {
  const privateKey = keyType === 'rsa'
    ? await lib.generateKeyPair('RSA', 2048)
    : await lib.generateKeyPair(KEY_TYPES[keyType])
  return lib.createLibp2p({
    privateKey,
    addresses: { listen: [`/ip4/${opts.host}/tcp/0`] },
    transports: [lib.tcp()],
    connectionEncrypters: [lib.noise()],
    streamMuxers: [lib.yamux()],
    connectionManager: { maxConnections: 64 },
    services: {
      identify: lib.identify(),
      ping: lib.ping(),
      dht: lib.kadDHT({
        protocol: opts.protocol,
        kBucketSize: opts.k,
        // server from the start: answer kad streams and list the protocol in identify
        clientMode: false,
        // the default (removePrivateAddressesMapper) drops every 127.0.0.1 address, so no
        // loopback peer would enter a routing table or a provider answer
        peerInfoMapper: lib.passthroughMapper
      })
    }
  })
}

function routingTablePeers (node) {
  const kb = node.services.dht.routingTable.kb
  if (kb == null) return []
  return [...kb.toIterable()].map(c => c.peerId.toString())
}

// Polls cond() every 100 ms until true or ms elapsed; returns the last value of cond().
async function waitFor (cond, ms) {
  const end = Date.now() + ms
  for (;;) {
    const v = await cond()
    if (v || Date.now() >= end) return v
    await new Promise(resolve => setTimeout(resolve, Math.min(100, Math.max(1, end - Date.now()))))
  }
}

function dialTargets (opts, i) {
  if (i === 0) return []
  if (opts.topology === 'chain') return [i - 1]
  if (opts.topology === 'mesh') return Array.from({ length: i }, (_, j) => j)
  return [0]
}

async function startNet (opts) {
  const t0 = Date.now()
  const nodes = []
  const keyTypes = []
  for (let i = 0; i < opts.nodes; i++) {
    keyTypes.push(opts.keyTypes[i % opts.keyTypes.length])
    nodes.push(await createNode(opts, keyTypes[i]))
  }
  const failedBootstrap = nodes.map(() => [])
  const dialOne = async (i, target, label) => {
    try {
      await nodes[i].dial(target, { signal: AbortSignal.timeout(10000) })
    } catch (err) {
      failedBootstrap[i].push(label)
      log(`node ${i}: dial ${label} failed: ${errorText(err)}`)
    }
  }
  await Promise.all(nodes.map(async (node, i) => {
    const jobs = dialTargets(opts, i).map(j => dialOne(i, nodes[j].getMultiaddrs()[0], `node ${j}`))
    for (const b of opts.bootstrap) jobs.push(dialOne(i, lib.multiaddr(b), b))
    await Promise.all(jobs)
  }))
  // kad-dht runs one self-lookup soon after start and the next only minutes later, so a fresh
  // network (a chain especially) can stay partly unknown to itself for a long time. Until its
  // table holds minTable peers, each node repeats the lookup of its own ID (bounded).
  const deadline = t0 + opts.readyTimeout * 1000
  await Promise.all(nodes.map(async (node, i) => {
    const self = node.peerId.toMultihash().bytes
    while (routingTablePeers(node).length < opts.minTable && Date.now() < deadline) {
      const signal = AbortSignal.timeout(Math.max(1, Math.min(5000, deadline - Date.now())))
      await drive(node.services.dht.getClosestPeers(self, { signal }), () => {})
      await waitFor(() => routingTablePeers(node).length >= opts.minTable, Math.min(250, deadline - Date.now()))
    }
    const table = routingTablePeers(node)
    if (table.length < opts.minTable) {
      throw new Error(`node ${i} not ready: routing table holds ${table.length} < ${opts.minTable} peers ` +
        `after ${opts.readyTimeout} s`)
    }
    emit({
      event: 'ready',
      node: i,
      id: node.peerId.toString(),
      key_type: keyTypes[i],
      addrs: node.getMultiaddrs().map(String),
      mode: node.services.dht.getMode(),
      routing_table: table.length,
      bootstrap_failed: failedBootstrap[i]
    })
  }))
  emit({ event: 'net_ready', nodes: nodes.length, protocol: opts.protocol, ms: Date.now() - t0 })
  return { nodes, keyTypes }
}

// ---------------------------------------------------------------------------------------------
// Commands: each returns the answer object (without the optional `tag` echo).

function peerInfoJson (p) {
  return { id: p.id.toString(), addrs: (p.multiaddrs ?? []).map(String) }
}

function timeoutOf (cmd) {
  const t = cmd.timeout_ms ?? DEFAULT_TIMEOUT_MS
  if (!Number.isSafeInteger(t) || t < 1 || t > MAX_TIMEOUT_MS) throw new Error(`timeout_ms must be 1..${MAX_TIMEOUT_MS}`)
  return t
}

// Runs a kad query iterator under a deadline; calls onEvent for each event. Returns
// { complete: true } when the query ended by itself, { complete: false, error } otherwise.
async function drive (iterable, onEvent) {
  try {
    for await (const ev of iterable) onEvent(ev)
    return { complete: true }
  } catch (err) {
    return { complete: false, error: errorText(err) }
  }
}

async function cmdProvide (net, node, cmd) {
  const cid = lib.CID.parse(String(cmd.cid))
  const to = new Set()
  const errors = []
  const r = await drive(node.services.dht.provide(cid, { signal: AbortSignal.timeout(timeoutOf(cmd)) }), ev => {
    if (ev.name === 'PEER_RESPONSE' && ev.messageName === 'ADD_PROVIDER') to.add(ev.from.toString())
    if (ev.name === 'QUERY_ERROR') errors.push(`${ev.from}: ${errorText(ev.error)}`)
  })
  return { event: 'provided', cid: cid.toString(), to: [...to], query_errors: errors.length, ...r }
}

async function cmdFindProviders (net, node, cmd) {
  const cid = lib.CID.parse(String(cmd.cid))
  const want = cmd.want ?? Infinity
  const found = new Map() // id -> { addrs:Set, from:Set }
  const controller = new AbortController()
  const signal = AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutOf(cmd))])
  // PROVIDER events carry each provider once (a local record first); GET_PROVIDERS answers
  // (PEER_RESPONSE) show every peer that reported it, so `from` tells local from network.
  const r = await drive(node.services.dht.findProviders(cid, { signal }), ev => {
    const answer = ev.name === 'PEER_RESPONSE' && ev.messageName === 'GET_PROVIDERS'
    if (ev.name !== 'PROVIDER' && !answer) return
    for (const p of ev.providers) {
      const id = p.id.toString()
      const e = found.get(id) ?? { addrs: new Set(), from: new Set() }
      for (const a of p.multiaddrs ?? []) e.addrs.add(a.toString())
      e.from.add(ev.from.toString())
      found.set(id, e)
    }
    if (found.size >= want) controller.abort()
  })
  const self = node.peerId.toString()
  const peers = [...found].map(([id, e]) => ({
    id,
    addrs: [...e.addrs],
    from: [...e.from],
    local: e.from.has(self)
  }))
  // stopping early because `want` providers were found is a success, not a timeout
  if (!r.complete && found.size >= want) {
    r.complete = true
    delete r.error
  }
  return { event: 'providers', cid: cid.toString(), peers, ...r }
}

async function cmdFindPeer (net, node, cmd) {
  const id = lib.peerIdFromString(String(cmd.id))
  let final = null
  const opts = { signal: AbortSignal.timeout(timeoutOf(cmd)), useCache: cmd.use_cache !== false }
  const r = await drive(node.services.dht.findPeer(id, opts), ev => {
    if (ev.name === 'FINAL_PEER' && final == null) final = ev
  })
  if (final == null) return { event: 'peer', id: id.toString(), found: false, ...r }
  return {
    event: 'peer',
    found: true,
    ...peerInfoJson(final.peer),
    from: final.from.toString(),
    local: final.from.equals(node.peerId),
    ...r
  }
}

async function cmdClosestPeers (net, node, cmd) {
  // key: a peer ID (the kad key is its multihash) or a CID (the key is its multihash)
  const k = String(cmd.key)
  let key
  try {
    key = lib.peerIdFromString(k).toMultihash().bytes
  } catch {
    key = lib.CID.parse(k).multihash.bytes
  }
  const peers = new Map()
  const r = await drive(node.services.dht.getClosestPeers(key, { signal: AbortSignal.timeout(timeoutOf(cmd)) }), ev => {
    if (ev.name === 'FINAL_PEER') peers.set(ev.peer.id.toString(), peerInfoJson(ev.peer))
  })
  return { event: 'closest_peers', key: k, peers: [...peers.values()], ...r }
}

async function cmdConnect (net, node, cmd) {
  const addr = lib.multiaddr(String(cmd.addr))
  const t0 = Date.now()
  const ms = timeoutOf({ timeout_ms: cmd.timeout_ms ?? 10000 })
  const conn = await node.dial(addr, { signal: AbortSignal.timeout(ms) })
  const peer = conn.remotePeer.toString()
  const want = addr.getPeerId()
  if (want != null && want !== peer) {
    throw new Error(`connected to ${peer}, expected ${want}`)
  }
  // The peer enters the routing table after identify says it speaks the kad protocol and it
  // answers a ping; wait for that (bounded) unless told not to.
  let inTable = false
  if (cmd.wait_table !== false) {
    inTable = await waitFor(() => routingTablePeers(node).includes(peer), Math.max(0, ms - (Date.now() - t0)))
  } else {
    inTable = routingTablePeers(node).includes(peer)
  }
  let protocols = []
  try {
    protocols = (await node.peerStore.get(conn.remotePeer)).protocols
  } catch {}
  return {
    event: 'connected',
    peer,
    remote_addr: conn.remoteAddr.toString(),
    protocols,
    in_table: inTable,
    ms: Date.now() - t0
  }
}

async function cmdPeerStore (net, node, cmd) {
  const id = lib.peerIdFromString(String(cmd.id))
  try {
    const p = await node.peerStore.get(id)
    return {
      event: 'peer_store',
      id: id.toString(),
      known: true,
      addrs: p.addresses.map(a => a.multiaddr.toString()),
      protocols: p.protocols,
      connected: node.getConnections(id).length > 0
    }
  } catch {
    return { event: 'peer_store', id: id.toString(), known: false }
  }
}

function cmdRoutingTable (net, node) {
  return { event: 'routing_table', peers: routingTablePeers(node) }
}

function cmdInfo (net) {
  return {
    event: 'info',
    nodes: net.nodes.map((n, i) => ({
      node: i,
      id: n.peerId.toString(),
      key_type: net.keyTypes[i],
      addrs: n.getMultiaddrs().map(String),
      mode: n.services.dht.getMode(),
      routing_table: routingTablePeers(n).length,
      connections: n.getConnections().length
    }))
  }
}

const COMMANDS = {
  provide: cmdProvide,
  find_providers: cmdFindProviders,
  find_peer: cmdFindPeer,
  closest_peers: cmdClosestPeers,
  connect: cmdConnect,
  peer_store: cmdPeerStore,
  routing_table: cmdRoutingTable
}

async function runCommand (net, line) {
  let cmd
  try {
    cmd = JSON.parse(line)
    if (cmd === null || typeof cmd !== 'object') throw new Error('not an object')
  } catch (err) {
    return { event: 'error', message: `bad command line: ${errorText(err)}` }
  }
  const tag = cmd.tag !== undefined ? { tag: cmd.tag } : {}
  try {
    if (cmd.cmd === 'info') return { ...cmdInfo(net), ...tag }
    const fn = COMMANDS[cmd.cmd]
    if (fn == null) throw new Error(`unknown command ${JSON.stringify(cmd.cmd)}`)
    const i = cmd.node
    if (!Number.isSafeInteger(i) || i < 0 || i >= net.nodes.length) {
      throw new Error(`node must be 0..${net.nodes.length - 1}`)
    }
    return { ...(await fn(net, net.nodes[i], cmd)), node: i, ...tag }
  } catch (err) {
    return { event: 'error', cmd: cmd.cmd ?? null, message: errorText(err), ...tag }
  }
}

// ---------------------------------------------------------------------------------------------

let net = null
let stopping = false

async function shutdown (code, why) {
  if (stopping) return
  stopping = true
  log(`stopping (${why})`)
  const t = setTimeout(() => process.exit(code), 5000)
  t.unref()
  if (net != null) await Promise.allSettled(net.nodes.map(n => n.stop()))
  process.exit(code)
}

async function main () {
  const opts = parseArgs(process.argv.slice(2))
  const why = netnsRefusal()
  if (why) {
    emit({ event: 'error', message: why })
    process.exit(3)
  }
  const life = setTimeout(() => {
    emit({ event: 'error', message: `lifetime of ${opts.lifetime} s exceeded` })
    shutdown(1, 'lifetime')
  }, opts.lifetime * 1000)
  life.unref()
  process.on('SIGTERM', () => shutdown(0, 'SIGTERM'))
  process.on('SIGINT', () => shutdown(0, 'SIGINT'))

  // Commands are read from the start (so EOF is noticed) but run after the net is ready, one at
  // a time in arrival order: answers come in the order of the commands.
  const queue = []
  let wake = null
  let eof = false
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', l => { if (l.trim() !== '') queue.push(l); wake?.() })
  rl.on('close', () => { eof = true; wake?.() })

  await loadModules()
  try {
    net = await startNet(opts)
  } catch (err) {
    emit({ event: 'error', message: errorText(err) })
    await shutdown(1, 'start failed')
    return
  }
  for (;;) {
    while (queue.length > 0) {
      const line = queue.shift()
      let quit = false
      try { quit = JSON.parse(line)?.cmd === 'quit' } catch {}
      if (quit) {
        emit({ event: 'quit' })
        await shutdown(0, 'quit')
        return
      }
      emit(await runCommand(net, line))
    }
    if (eof) {
      await shutdown(0, 'stdin closed')
      return
    }
    await new Promise(resolve => { wake = resolve })
    wake = null
  }
}

main().catch(err => {
  emit({ event: 'error', message: String(err?.stack ?? err) })
  shutdown(1, 'fatal')
})
