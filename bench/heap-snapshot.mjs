// A page's JavaScript heap by kind of object, through the Chrome DevTools Protocol: what `dashboard-soak.mjs` compares
// between two moments to say which objects a page left open keeps piling up.

/** Takes a heap snapshot over `devtools` (a CDP session) and counts its objects by type and constructor name. */
export async function heapByKind(devtools) {
  const chunks = [];
  const take = (event) => chunks.push(event.chunk);
  devtools.on('HeapProfiler.addHeapSnapshotChunk', take);
  await devtools.send('HeapProfiler.enable');
  await devtools.send('HeapProfiler.collectGarbage');
  await devtools.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  devtools.off('HeapProfiler.addHeapSnapshotChunk', take);
  const { snapshot, nodes, strings } = JSON.parse(chunks.join(''));
  const fields = snapshot.meta.node_fields;
  const types = snapshot.meta.node_types[fields.indexOf('type')];
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const kinds = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const kind = `${types[nodes[i + type]]} ${strings[nodes[i + name]].slice(0, 60)}`;
    const entry = kinds.get(kind) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += nodes[i + size];
    kinds.set(kind, entry);
  }
  return kinds;
}

/** The `top` kinds whose bytes grew most from `before` to `after`, as printable lines. */
export function grownKinds(before, after, top = 20) {
  const grown = [...after].map(([kind, a]) => {
    const b = before.get(kind) ?? { count: 0, bytes: 0 };
    return { kind, count: a.count - b.count, bytes: a.bytes - b.bytes };
  }).filter((g) => g.bytes > 0).sort((x, y) => y.bytes - x.bytes).slice(0, top);
  return grown.map((g) => `${String(g.bytes).padStart(10)} B  ${String(g.count).padStart(7)} objects  ${g.kind}`);
}
