#!/usr/bin/env python3
"""Language-server latency on the corpus: `shelf lsp` driven over stdio as an editor drives it.
Opens one article, then changes it 40 times (a typo in, a typo out) and times each change until
its diagnostics are published; prints the median against the 100 ms target.

    benches/lsp.py [SHELF_BINARY] [CORPUS]     defaults: target/release/shelf, ../shared/corpus/articles
"""
import subprocess, json, os, time, threading, queue, sys, statistics, pathlib, tempfile
corpus = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "../../shared/corpus/articles")).resolve()
root = pathlib.Path(tempfile.mkdtemp())
(root/'shelf.toml').write_text(f'source = "{corpus}"\noutput = "out"\n')
binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../target/release/shelf')
p = subprocess.Popen([binary, 'lsp'], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
q = queue.Queue()
def reader():
    f = p.stdout
    while True:
        n = None
        while True:
            line = f.readline()
            if not line: return
            line = line.strip()
            if not line: break
            if line.startswith(b'Content-Length:'): n = int(line.split()[1])
        q.put(json.loads(f.read(n)))
threading.Thread(target=reader, daemon=True).start()
def send(m):
    b = json.dumps(m).encode(); p.stdin.write(b'Content-Length: %d\r\n\r\n' % len(b) + b); p.stdin.flush()
t0=time.perf_counter()
send({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":None,"rootUri":root.as_uri(),"capabilities":{}}})
while True:
    m = q.get()
    if m.get('id') == 1: break
print(f"initialize answered in {(time.perf_counter()-t0)*1000:.0f} ms")
send({"jsonrpc":"2.0","method":"initialized","params":{}})
doc = next(x for x in sorted(corpus.rglob('*.md')) if 'supportTopicIds="' in x.read_text(errors='ignore'))
uri = doc.as_uri(); text = doc.read_text(); typo = text.replace('supportTopicIds="','supportTopcIds="',1)
t0=time.perf_counter()
send({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":uri,"languageId":"markdown","version":1,"text":text}}})
def wait(pred):
    while True:
        m = q.get()
        if m.get('method') == 'textDocument/publishDiagnostics' and m['params']['uri'] == uri and pred(m['params']['diagnostics']): return
wait(lambda d: True)
print(f"site read and first diagnostics in {(time.perf_counter()-t0)*1000:.0f} ms after open")
times=[]
for v in range(2, 42):
    wt = v % 2 == 0
    t=time.perf_counter()
    send({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":uri,"version":v},"contentChanges":[{"text": typo if wt else text}]}})
    wait(lambda d: any(x['code']=='SH102' for x in d) == wt)
    times.append(time.perf_counter()-t)
times.sort()
median = statistics.median(times)
print(f"keystroke to diagnostics: median {median*1000:.1f} ms, p90 {times[int(len(times)*.9)]*1000:.1f} ms, max {times[-1]*1000:.1f} ms ({len(times)} changes)")
print(f"  -> lsp keystroke to diagnostics on the corpus: {median*1000:.1f} ms (target <= 100 ms): {'met' if median <= 0.1 else 'NOT MET'}")
send({"jsonrpc":"2.0","id":2,"method":"shutdown","params":None}); send({"jsonrpc":"2.0","method":"exit","params":None}); p.wait(10)
